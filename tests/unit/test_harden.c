/* test_harden.c - regression tests for what the fuzz targets (tests/fuzz/) found. Each test
 * names the target and replays its minimised input through the same check. */
#include "tests/unit/fn_test.h"

#include <unistd.h>

#include "base/utf8.h"
#include "core/answer/cite.h"
#include "core/app/config.h"
#include "core/wire/stream.h"
#include "index/text/text.h"
#include "ui/render/md.h"
#include "ui/term/term.h"

/* Every chunk of text, its first line's indentation aside, has at most target characters
 * when there is no overlap (index/text/text.h). */
static void assert_chunks_fit(const char *text, size_t len, size_t target)
{
	struct chunk_opts o = {target, 0};
	struct chunk_list l = {0};
	chunk_text(text, len, TEXT_PLAIN, &o, &l);
	assert_true(l.n > 0);
	for (size_t i = 0; i < l.n; i++) {
		const char *t = l.v[i].text;
		t += strspn(t, " \t");
		if (utf8_count(t, strlen(t)) > target)
			fail_msg("chunk %zu has %zu characters, target %zu: \"%s\"", i,
				 utf8_count(t, strlen(t)), target, l.v[i].text);
	}
	chunk_list_free(&l);
}

/* fuzz_chunk: a chunk with no room left (target under 4) took the next paragraph's first
 * piece anyway: ">\n\nd" with a target of 1. */
static void test_chunk_no_room(void **state)
{
	(void)state;
	assert_chunks_fit(">\n\nd>", 5, 1);
	assert_chunks_fit("a\n\nbc de\n\nf", 11, 2);
}

/* fuzz_chunk: a cut at the start of an indented line counted the indentation as part of the
 * piece before, so the rest was undercounted and the next chunk overflowed. */
static void test_chunk_indented_cut(void **state)
{
	(void)state;
	const char t[] = "\x10\n  L\xef\xbf\xbdL\xef\xbf\xbdL\xef\xbf\xbd";
	assert_chunks_fit(t, sizeof t - 1, 5);
	const char code[] = "int f(void)\n{\n\t\tif (x) {\n\t\t\t\treturn compute_something(a, b);\n"
			    "\t\t\t\t}\n\t\t\t\treturn other_thing(c) + yet_another(d);\n}\n";
	for (size_t target = 5; target < 60; target++)
		assert_chunks_fit(code, sizeof code - 1, target);
}

/* faults.sh: a message ending in ? or ! got a '.' after it ("is the server running?."). */
static void test_message_punctuation(void **state)
{
	(void)state;
	static const struct {
		enum stream_outcome o;
		const char *error, *want;
	} cases[] = {
		{STREAM_NETWORK_ERROR, "cannot connect: is the server running?",
		 "Network error: cannot connect: is the server running?"},
		{STREAM_NETWORK_ERROR, "timed out", "Network error: timed out."},
		{STREAM_HTTP_ERROR, "Sorry about that!", "HTTP 500: Sorry about that!"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct stream *s = stream_new(STREAM_OPENAI_SSE, NULL);
		if (cases[i].o == STREAM_HTTP_ERROR) {
			char body[128];
			snprintf(body, sizeof body, "{\"error\":{\"message\":\"%s\"}}", cases[i].error);
			stream_http_error(s, 500, body, strlen(body));
		} else {
			stream_fail(s, cases[i].o, cases[i].error);
		}
		char *m = stream_outcome_message(stream_result(s));
		assert_string_equal(m, cases[i].want);
		free(m);
		stream_free(s);
	}
}

/* fuzz_cite: a "[" marker whose "]" was the 64th held byte waited for one more byte (a
 * possible "(" of a link) and wrote it past the hold buffer. */
static void count_seg(void *ctx, const struct cite_seg *seg)
{
	*(size_t *)ctx += seg->len;
}

static void test_cite_marker_at_hold_cap(void **state)
{
	(void)state;
	for (size_t spaces = 50; spaces < 60; spaces++) {
		char text[128];
		int n = snprintf(text, sizeof text, "[source %*s1]x and [1]", (int)spaces, "");
		struct cite_parser *p = cite_parser_new(3);
		size_t seen = 0;
		for (int i = 0; i < n; i++) /* byte by byte, as a slow stream */
			cite_feed(p, text + i, 1, count_seg, &seen);
		cite_finish(p, count_seg, &seen);
		cite_parser_free(p);
		assert_int_equal(seen, (size_t)n);
		struct cite_segs segs = {0};
		cite_parse(text, (size_t)n, 3, true, &segs);
		assert_true(segs.markers >= 1); /* the short one at least */
		cite_segs_free(&segs);
	}
}

/* ---- every config key with a value of the wrong type (limits.sh asks for it) ---------- */

struct keys {
	char *path[256];
	char *def[256];
	size_t n;
};

static void collect(void *ctx, const char *path, const char *def, const char *help)
{
	(void)help;
	struct keys *k = ctx;
	assert_true(k->n < 256);
	k->path[k->n] = strdup(path);
	k->def[k->n++] = strdup(def);
}

/* Writes key.path (with "*" a name and "x[]" a one-item list) as block YAML whose leaf holds
 * value, after three comment lines. Returns the leaf's line. */
static int write_nested(FILE *f, const char *path, const char *value)
{
	fprintf(f, "# every key of the wrong type\n#\n#\n");
	int line = 4, depth = 0;
	char *copy = strdup(path), *save = NULL;
	char *seg = strtok_r(copy, ".", &save);
	while (seg) {
		char *next = strtok_r(NULL, ".", &save);
		size_t n = strlen(seg);
		int list = n > 2 && !strcmp(seg + n - 2, "[]");
		if (list)
			seg[n - 2] = '\0';
		const char *name = strcmp(seg, "*") ? seg : "p";
		fprintf(f, "%*s%s:%s", depth * 2, "", name, next ? "\n" : " ");
		if (!next) {
			fprintf(f, "%s\n", value);
			break;
		}
		line++;
		depth++;
		if (list) { /* the next key is the first of the item's mapping */
			fprintf(f, "%*s- ", depth * 2, "");
			depth++;
			seg = next;
			next = strtok_r(NULL, ".", &save);
			n = strlen(seg);
			fprintf(f, "%s:%s", seg, next ? "\n" : " ");
			if (!next) {
				fprintf(f, "%s\n", value);
				break;
			}
			line++;
		}
		seg = next;
	}
	free(copy);
	return line;
}

/* Loads path = value; returns the error (caller frees) or NULL when it loaded. */
static char *load_with(const char *file, const char *key, const char *value, int *line)
{
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	*line = write_nested(f, key, value);
	fclose(f);
	struct config *c = NULL;
	char *err = NULL;
	if (config_load(file, &c, &err) == 0) {
		config_free(c);
		return NULL;
	}
	return err;
}

static void assert_names(const char *file, const char *key, const char *value, int line, const char *err)
{
	char want[512];
	snprintf(want, sizeof want, "%s:%d:", file, line);
	const char *leaf = strrchr(key, '.') ? strrchr(key, '.') + 1 : key;
	char name[128];
	snprintf(name, sizeof name, "%.*s", (int)strcspn(leaf, "[*"), leaf);
	if (strncmp(err, want, strlen(want)) || !strstr(err, name) || strchr(err, '\n'))
		fail_msg("%s = %s: want \"%s...\" naming %s, got \"%s\"", key, value, want, name, err);
}

/* Every key of the option table, given a value of the wrong type, is refused with an error
 * that starts with file:line and names the key. A mapping is wrong for every scalar and list,
 * a list for every mapping; numbers and booleans are also given a word. */
static void test_config_every_key_wrong_type(void **state)
{
	(void)state;
	struct keys k = {0};
	config_each_key(collect, &k);
	assert_true(k.n > 40);
	char file[] = "/tmp/fn-harden-XXXXXX.yaml";
	int fd = mkstemps(file, 5);
	assert_true(fd >= 0);
	close(fd);
	static const char *const wrong[] = {"{a: 1}", "[a, b]"};
	for (size_t i = 0; i < k.n; i++) {
		int line, refused = 0;
		for (size_t w = 0; w < 2 && !refused; w++) {
			char *err = load_with(file, k.path[i], wrong[w], &line);
			if (err) {
				assert_names(file, k.path[i], wrong[w], line, err);
				refused = 1;
			}
			free(err);
		}
		if (!refused)
			fail_msg("%s accepts both a mapping and a list", k.path[i]);
		const char *d = k.def[i];
		const char *word = !strcmp(d, "true") || !strcmp(d, "false") ? "maybe"
				   : (*d && strspn(d, "0123456789.") == strlen(d)) ? "lots" : NULL;
		if (word) {
			char *err = load_with(file, k.path[i], word, &line);
			if (!err)
				fail_msg("%s accepts \"%s\"", k.path[i], word);
			assert_names(file, k.path[i], word, line, err);
			free(err);
		}
		free(k.path[i]);
		free(k.def[i]);
	}
	unlink(file);
}

/* fuzz_render: an empty line inside a code block rendered from a NULL buffer (UBSan:
 * zero offset applied to a null pointer). The block keeps its empty line. */
static void test_md_empty_code_line(void **state)
{
	(void)state;
	const char *t = "```\na\n\nb\n```\n";
	struct lines l = {0};
	struct md_opts o = {.width = 12, .base_slot = SLOT_CHAT_ASSISTANT};
	md_render(t, strlen(t), &o, &l);
	size_t code = 0;
	for (size_t i = 0; i < l.n; i++)
		code += l.v[i].code != 0;
	assert_true(code >= 3); /* a, the empty line, b */
	lines_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunk_no_room),
		cmocka_unit_test(test_chunk_indented_cut),
		cmocka_unit_test(test_message_punctuation),
		cmocka_unit_test(test_cite_marker_at_hold_cap),
		cmocka_unit_test(test_config_every_key_wrong_type),
		cmocka_unit_test(test_md_empty_code_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* fuzz_chunk.c - the chunker (index/text/text.h chunk_text) on repaired text of every kind, with
 * sizes from the first bytes. Checks the promises the index and the citations rely on:
 * each chunk is exactly text[byte_start, byte_end), ranges are in bounds and in order, line
 * numbers are 1-based and ordered, a chunk is never empty, a plain-text chunk without
 * overlap has at most target characters (after its first line's indentation), and the same input gives the same chunks. */
#include <string.h>

#include "index/text/text.h"
#include "tests/fuzz/fuzz.h"

static void check(const char *t, size_t len, const struct chunk_list *l, const struct chunk_opts *o,
		  int plain)
{
	size_t prev_start = 0;
	uint32_t prev_line = 1;
	for (size_t i = 0; i < l->n; i++) {
		const struct chunk *c = &l->v[i];
		FUZZ_CHECK(c->byte_start < c->byte_end && c->byte_end <= len);
		FUZZ_CHECK(c->byte_start >= prev_start);
		FUZZ_CHECK(strlen(c->text) == c->byte_end - c->byte_start);
		FUZZ_CHECK(!memcmp(c->text, t + c->byte_start, c->byte_end - c->byte_start));
		FUZZ_CHECK(c->line_start >= 1 && c->line_start <= c->line_end);
		FUZZ_CHECK(c->line_start >= prev_line);
		FUZZ_CHECK(c->heading);
		FUZZ_CHECK(fuzz_utf8_ok(c->text, strlen(c->text)));
		if (plain && !o->overlap_chars) {
			/* A first line's indentation is kept but not counted. The overlap is
			 * "about" overlap_chars (it starts at a word), so only chunks without
			 * one have an exact bound. */
			size_t lead = strspn(c->text, " \t");
			FUZZ_CHECK(utf8_count(c->text + lead, strlen(c->text + lead)) <= o->target_chars);
		}
		prev_start = c->byte_start;
		prev_line = c->line_start;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	static const enum text_kind kinds[] = {TEXT_PLAIN, TEXT_MARKDOWN, TEXT_CODE, TEXT_HTML};
	enum text_kind kind = kinds[data[0] & 3];
	struct chunk_opts o = {(size_t)(data[1] % 64) * 4 + 1, (size_t)(data[0] >> 2) * 2};
	struct buf text = {0};
	utf8_repair((const char *)data + 2, size - 2, &text);
	for (size_t i = 0; i < text.len; i++) /* text_extract drops NUL bytes before chunking */
		if (!text.p[i])
			text.p[i] = ' ';
	struct chunk_list a = {0}, b = {0};
	chunk_text(buf_str(&text), text.len, kind, &o, &a);
	check(buf_str(&text), text.len, &a, &o, kind == TEXT_PLAIN);
	chunk_text(buf_str(&text), text.len, kind, &o, &b);
	FUZZ_CHECK(a.n == b.n);
	for (size_t i = 0; i < a.n; i++)
		FUZZ_CHECK(a.v[i].byte_start == b.v[i].byte_start && a.v[i].byte_end == b.v[i].byte_end);
	chunk_list_free(&a);
	chunk_list_free(&b);
	buf_free(&text);
	return 0;
}

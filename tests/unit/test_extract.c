/* test_extract.c - file bytes to text: kinds, binary sniffing, HTML, normalisation,
 * converters (with hostile paths) and PDFs through pdftotext. */
#include "fn_test.h"

#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "index/text/text.h"

static char tmpdir[4096];

static int setup(void **state)
{
	(void)state;
	const char *base = getenv("FN_TMP");
	snprintf(tmpdir, sizeof tmpdir, "%s/extract.XXXXXX", base ? base : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static char *write_file(const char *name, const char *data, size_t len)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

/* text_extract on in-memory bytes; returns the text or NULL with err filled. */
static char *extract(const char *path, const char *data, size_t len,
		     const struct text_converter *conv, size_t nconv, char *err, size_t errlen)
{
	struct buf out = {0};
	int rc = text_extract(path, data, len, conv, nconv, &out, err, errlen);
	if (rc != 0) {
		assert_int_equal(out.len, 0);
		buf_free(&out);
		return NULL;
	}
	return buf_detach(&out);
}

static void test_kinds(void **state)
{
	(void)state;
	assert_int_equal(text_kind_of("notes/a.md"), TEXT_MARKDOWN);
	assert_int_equal(text_kind_of("A.MARKDOWN"), TEXT_MARKDOWN);
	assert_int_equal(text_kind_of("x.mdx"), TEXT_MARKDOWN);
	assert_int_equal(text_kind_of("/w/index.HTML"), TEXT_HTML);
	assert_int_equal(text_kind_of("page.xhtml"), TEXT_HTML);
	assert_int_equal(text_kind_of("paper.pdf"), TEXT_PDF);
	assert_int_equal(text_kind_of("src/main.c"), TEXT_CODE);
	assert_int_equal(text_kind_of("a.py"), TEXT_CODE);
	assert_int_equal(text_kind_of("config.yaml"), TEXT_CODE);
	assert_int_equal(text_kind_of("Cargo.toml"), TEXT_CODE);
	assert_int_equal(text_kind_of("notes.txt"), TEXT_PLAIN);
	assert_int_equal(text_kind_of("README"), TEXT_PLAIN);
	assert_int_equal(text_kind_of("dir.d/README"), TEXT_PLAIN);
	assert_int_equal(text_kind_of(".bashrc"), TEXT_PLAIN);
	assert_int_equal(text_kind_of("doc.rst"), TEXT_PLAIN);
	assert_int_equal(text_kind_of("weird.xyz"), TEXT_PLAIN);
	assert_int_equal(text_kind_of("photo.JPG"), TEXT_OTHER);
	assert_int_equal(text_kind_of("report.doc"), TEXT_OTHER);
	assert_int_equal(text_kind_of("report.docx"), TEXT_DOC);
	assert_int_equal(text_kind_of("book.EPUB"), TEXT_DOC);
	assert_int_equal(text_kind_of("t.xlsx"), TEXT_TABLE);
	assert_int_equal(text_kind_of("t.csv"), TEXT_TABLE);
	assert_int_equal(text_kind_of("a.json"), TEXT_CODE);
	assert_int_equal(text_kind_sniff("a.json", " [ {\"a\": 1}]", 13), TEXT_TABLE);
	assert_int_equal(text_kind_sniff("a.json", "{\"a\": 1}", 8), TEXT_CODE);
}

static void test_binary_sniffing(void **state)
{
	(void)state;
	assert_false(text_is_binary("plain text\n\ttabs\r\n\f", 19));
	assert_false(text_is_binary("", 0));
	const char *ansi = "\x1b[1mbold\x1b[0m log line with colours";
	assert_false(text_is_binary(ansi, strlen(ansi)));
	assert_true(text_is_binary("abc\0def", 7));
	assert_true(text_is_binary("\x01\x02\x03\x04" "abcdef", 10));
	char err[128];
	assert_null(extract("x.txt", "PK\x03\x04\0\0", 6, NULL, 0, err, sizeof err));
	assert_string_equal(err, "binary file");
	assert_null(extract("x.png", "anything", 8, NULL, 0, err, sizeof err));
	assert_string_equal(err, "binary file");
}

static void test_html(void **state)
{
	(void)state;
	const char *html =
		"<!DOCTYPE html><html><head><title>Tab title</title>"
		"<style>p { color: red }</style><meta charset=\"utf-8\"></head>\n"
		"<body><!-- a <p> comment -->\n"
		"<h1 class='x'>Hello &amp; welcome</h1>\n"
		"<p>A&lt;B &#65;&#x42;&#X43; &copy; &mdash; &hellip; &euro;&nbsp;5 "
		"&bogus; &amp no &#xD800; &#0;</p>"
		"<SCRIPT type=\"text/javascript\">var s = \"<p>not text</p>\";</script>\n"
		"<ul><li>one</li><li>two <b>bold</b>er</li></ul>x<br>y<br/>z"
		"<pre>  keep\n    spacing</pre><p>&#150; &ldquo;q&rdquo; a > b</p>"
		"<table><tr><td>c1</td><td>c2</td></tr></table></body></html>";
	struct buf out = {0};
	text_from_html(html, strlen(html), &out);
	assert_string_equal(buf_str(&out),
			    "# Hello & welcome\n\n"
			    "A<B ABC © — … € 5 &bogus; &amp no &#xD800; &#0;\n\n"
			    "- one\n- two bolder\n\nx\ny\nz\n\n"
			    "  keep\n    spacing\n\n"
			    "– “q” a > b\n\n"
			    "| c1 | c2 |\n");
	buf_free(&out);

	/* A head without its end tag stops at the body; unterminated markup is dropped. */
	const char *h2 = "<head><title>t</title><body><p>Body text</p><p>a <unclosed";
	text_from_html(h2, strlen(h2), &out);
	assert_string_equal(buf_str(&out), "Body text\n\na\n");
	buf_free(&out);

	/* HTML headings become the chunks' heading paths. */
	const char *h3 = "<h1>Top</h1><p>Intro.</p><h2>Sub &amp; more</h2><p>Sub text.</p>";
	text_from_html(h3, strlen(h3), &out);
	struct chunk_opts o = {1200, 150};
	struct chunk_list l = {0};
	chunk_text(out.p, out.len, TEXT_HTML, &o, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].heading, "Top");
	assert_string_equal(l.v[1].heading, "Top > Sub & more");
	assert_string_equal(l.v[1].text, "## Sub & more\n\nSub text.");
	assert_int_equal(l.v[1].line_start, 5);
	chunk_list_free(&l);
	buf_free(&out);

	/* Through text_extract: BOM dropped, invalid UTF-8 repaired. */
	char err[128];
	char *t = extract("page.htm", "\xEF\xBB\xBF<p>caf\xe9</p>", 14, NULL, 0, err, sizeof err);
	assert_non_null(t);
	assert_string_equal(t, "caf\xEF\xBF\xBD\n");
	free(t);
}

static void test_normalisation(void **state)
{
	(void)state;
	char err[128];
	char *t = extract("a.txt", "\xEF\xBB\xBF" "one\r\ntwo\rthree\r\n", 19, NULL, 0, err, sizeof err);
	assert_string_equal(t, "one\ntwo\nthree\n");
	free(t);
	t = extract("a.md", "a\xff" "b \xe2\x82 \xc0\xaf ok \xe2\x82\xac", 16, NULL, 0, err, sizeof err);
	assert_string_equal(t, "a\xEF\xBF\xBD" "b \xEF\xBF\xBD\xEF\xBF\xBD "
			    "\xEF\xBF\xBD\xEF\xBF\xBD ok \xE2\x82\xAC");
	free(t);
	/* a BOM only at the start is dropped */
	t = extract("a.c", "x\xEF\xBB\xBFy", 5, NULL, 0, err, sizeof err);
	assert_string_equal(t, "x\xEF\xBB\xBFy");
	free(t);
	t = extract("empty.txt", "", 0, NULL, 0, err, sizeof err);
	assert_string_equal(t, "");
	free(t);
}

/* Text that is not UTF-8 is decoded, and the guess is said (issue 15). */
static void test_encodings(void **state)
{
	(void)state;
	char err[128];
	char *t = extract("latin1.txt", "Caf\xe9 au lait", 12, NULL, 0, err, sizeof err);
	assert_string_equal(t, "Caf\xC3\xA9 au lait");
	assert_string_equal(err, "decoded as Windows-1252 (not valid UTF-8)");
	free(t);
	/* Windows-1252 quotes and the euro; 0x81 is undefined there and read as Latin-1. */
	t = extract("w.txt", "\x93hi\x94 \x80 \x81", 8, NULL, 0, err, sizeof err);
	assert_string_equal(t, "\xE2\x80\x9Chi\xE2\x80\x9D \xE2\x82\xAC \xC2\x81");
	free(t);
	/* UTF-16 by its byte order mark, both orders; not taken for a binary file. */
	const char le[] = "\xFF\xFE" "C\0a\0f\0\xE9\0\n\0";
	assert_false(text_is_binary(le, sizeof le - 1));
	t = extract("le.txt", le, sizeof le - 1, NULL, 0, err, sizeof err);
	assert_string_equal(t, "Caf\xC3\xA9\n");
	assert_string_equal(err, "decoded as UTF-16LE (byte order mark)");
	free(t);
	const char be[] = "\xFE\xFF" "\0C\0a\0f\0\xE9";
	t = extract("be.md", be, sizeof be - 1, NULL, 0, err, sizeof err);
	assert_string_equal(t, "Caf\xC3\xA9");
	assert_string_equal(err, "decoded as UTF-16BE (byte order mark)");
	free(t);
	/* UTF-8 with a damaged byte stays UTF-8, repaired, and says how many bytes. */
	t = extract("d.txt", "\xE2\x82\xAC ok \xff", 8, NULL, 0, err, sizeof err);
	assert_string_equal(t, "\xE2\x82\xAC ok \xEF\xBF\xBD");
	assert_string_equal(err, "not valid UTF-8: 1 byte replaced with U+FFFD");
	free(t);
	/* Valid UTF-8: nothing to say. */
	t = extract("u.txt", "Caf\xC3\xA9", 5, NULL, 0, err, sizeof err);
	assert_string_equal(err, "");
	free(t);
}

/* footnote's own exports are never indexed, whatever their name (issue 15). */
static void test_own_exports(void **state)
{
	(void)state;
	char err[128];
	const char *md = "---\n# written by footnote: a session export, never indexed by footnote\n"
			 "footnote_session: 1\n---\n\n# Q\n\nIt is [^1].\n";
	assert_true(text_written_by_footnote(md, strlen(md)));
	assert_null(extract("notes.md", md, strlen(md), NULL, 0, err, sizeof err));
	assert_string_equal(err, TEXT_OWN_EXPORT);
	const char *json = "{\n\t\"format\":\t\"footnote-session\",\n\t\"version\":\t1\n}\n";
	assert_true(text_written_by_footnote(json, strlen(json)));
	assert_true(text_written_by_footnote("<!-- written by footnote 1.0 -->\nx", 35));
	/* A document that merely talks about footnote, or has other front matter, is text. */
	const char *other = "---\ntitle: footnote_session notes\n---\nwritten by footnote\n";
	assert_false(text_written_by_footnote(other, strlen(other)));
	assert_false(text_written_by_footnote("{\"format\": \"other\"}", 19));
	char *t = extract("o.md", other, strlen(other), NULL, 0, err, sizeof err);
	assert_non_null(t);
	free(t);
}

static void test_converters(void **state)
{
	(void)state;
	char err[256];
	/* A path with a quote, spaces and shell syntax reaches the command as one word. */
	char *path = write_file("it's a $(touch pwned) `x`; file.up", "hello world\r\n", 13);
	const struct text_converter conv[] = {
		{"other", "false"},
		{".UP", "tr a-z A-Z < %s"},
		{"cat", "cat %s %s; echo 100%%"},
		{"fail", "exit 3"},
		{"nocmd", "no-such-command-footnote %s"},
		{"bin", "printf 'a\\000b\\377c'"},
	};
	size_t n = sizeof conv / sizeof *conv;
	char *t = extract(path, NULL, 0, conv, n, err, sizeof err);
	assert_non_null(t);
	assert_string_equal(t, "HELLO WORLD\n");
	free(t);
	char *pwned = xasprintf("%s/pwned", tmpdir);
	assert_int_equal(access(pwned, F_OK), -1);
	assert_int_equal(access("pwned", F_OK), -1);
	free(pwned);
	free(path);

	path = write_file("two'quotes'.cat", "x", 1);
	t = extract(path, "x", 1, conv, n, err, sizeof err);
	assert_string_equal(t, "xx100%\n");
	free(t);
	free(path);

	assert_null(extract("/nowhere/a.fail", NULL, 0, conv, n, err, sizeof err));
	assert_string_equal(err, "converter exited with status 3");
	assert_null(extract("/nowhere/a.nocmd", NULL, 0, conv, n, err, sizeof err));
	assert_string_equal(err, "converter exited with status 127 (command not found)");
	/* converter output is normalised like any text */
	t = extract("/nowhere/a.bin", NULL, 0, conv, n, err, sizeof err);
	assert_string_equal(t, "ab\xEF\xBF\xBD" "c");
	free(t);
	/* a converter beats the kind: .png with a converter is extracted */
	const struct text_converter png = {"png", "echo picture"};
	t = extract("/nowhere/x.png", NULL, 0, &png, 1, err, sizeof err);
	assert_string_equal(t, "picture\n");
	free(t);
}

/* A valid two-page PDF with one line of Helvetica text on each page. */
static void make_pdf(struct buf *b, const char *page1, const char *page2)
{
	size_t off[8];
	buf_adds(b, "%PDF-1.4\n");
	off[1] = b->len;
	buf_adds(b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = b->len;
	buf_adds(b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>\nendobj\n");
	for (int p = 0; p < 2; p++) {
		int page = 3 + 2 * p, content = page + 1;
		char stream[256];
		int sl = snprintf(stream, sizeof stream, "BT /F1 24 Tf 72 700 Td (%s) Tj ET\n",
				  p ? page2 : page1);
		off[page] = b->len;
		buf_addf(b, "%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
			 "/Resources << /Font << /F1 7 0 R >> >> /Contents %d 0 R >>\nendobj\n",
			 page, content);
		off[content] = b->len;
		buf_addf(b, "%d 0 obj\n<< /Length %d >>\nstream\n%sendstream\nendobj\n", content, sl, stream);
	}
	off[7] = b->len;
	buf_adds(b, "7 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n");
	size_t xref = b->len;
	buf_adds(b, "xref\n0 8\n0000000000 65535 f \n");
	for (int i = 1; i < 8; i++)
		buf_addf(b, "%010zu 00000 n \n", off[i]);
	buf_addf(b, "trailer\n<< /Size 8 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
}

static void test_pdf(void **state)
{
	(void)state;
	struct buf pdf = {0};
	make_pdf(&pdf, "Alpha words on the first page", "Bravo words on the second page");
	char *path = write_file("two pages.pdf", pdf.p, pdf.len);
	char err[256];
	struct buf out = {0};
	int rc = text_extract(path, pdf.p, pdf.len, NULL, 0, &out, err, sizeof err);
	if (rc != 0 && strstr(err, "pdftotext not found")) {
		free(path);
		buf_free(&pdf);
		skip(); /* poppler-utils is not installed */
	}
	assert_int_equal(rc, 0);
	assert_non_null(strchr(buf_str(&out), '\f'));
	struct chunk_opts o = {1200, 150};
	struct chunk_list l = {0};
	chunk_text(out.p, out.len, TEXT_PDF, &o, &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].page, 1);
	assert_non_null(strstr(l.v[0].text, "Alpha words on the first page"));
	assert_int_equal(l.v[1].page, 2);
	assert_non_null(strstr(l.v[1].text, "Bravo words on the second page"));
	assert_null(strstr(l.v[1].text, "Alpha"));
	chunk_list_free(&l);
	buf_free(&out);

	/* A broken PDF is an error with pdftotext's status, not a crash or empty text. */
	char *bad = write_file("broken.pdf", "%PDF-1.4 nonsense", 17);
	rc = text_extract(bad, NULL, 0, NULL, 0, &out, err, sizeof err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "pdftotext exited with status"));
	free(bad);

	/* Without pdftotext in PATH the error says what to install. */
	char *saved = xstrdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	setenv("PATH", tmpdir, 1);
	rc = text_extract(path, NULL, 0, NULL, 0, &out, err, sizeof err);
	setenv("PATH", saved, 1);
	free(saved);
	assert_int_equal(rc, -1);
	assert_string_equal(err, "pdftotext not found: install poppler-utils");
	free(path);
	buf_free(&pdf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_binary_sniffing),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_normalisation),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_own_exports),
		cmocka_unit_test(test_converters),
		cmocka_unit_test(test_pdf),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

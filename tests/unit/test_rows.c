/* test_rows.c - database exports to table text and chunks of rows (index/text rows.c), and
 * the XML guards of zipxml.c (no DTD subset, no entities, malformed XML named). */
#include "fn_test.h"

#include <string.h>

#include "base/buf.h"
#include "index/text/text.h"
#include "index/text/zipxml.h"

static char *rows(const char *ext, const char *data)
{
	struct buf out = {0};
	char err[128] = "";
	assert_int_equal(text_from_rows(ext, data, strlen(data), &out, err, sizeof err), 0);
	return buf_detach(&out);
}

static void test_csv_quoting(void **state)
{
	(void)state;
	char *t = rows("csv", "a,b\n1,\"x, \"\"y\"\"\nz\"\n\n3,4\n");
	assert_string_equal(t, "1\ta\tb\n2\t1\tx, \"y\" z\n4\t3\t4\n");
	free(t);
	t = rows("csv", "a;b;c\n1;2;3\n");
	assert_string_equal(t, "1\ta\tb\tc\n2\t1\t2\t3\n");
	free(t);
	t = rows("tsv", "k\tv\nx\ty z\n");
	assert_string_equal(t, "1\tk\tv\n2\tx\ty z\n");
	free(t);
}

static void test_json(void **state)
{
	(void)state;
	char *t = rows("jsonl", "{\"a\":1,\"b\":\"x\"}\nnot json\n{\"c\":[1,2],\"a\":null}\n");
	assert_string_equal(t, "0\ta\tb\tc\n1\t1\tx\t\n3\t\t\t[1,2]\n");
	free(t);
	t = rows("json", "[{\"k\":\"v\"},{\"k\":\"w\",\"n\":true}]");
	assert_string_equal(t, "0\tk\tn\n1\tv\t\n2\tw\ttrue\n");
	free(t);
	struct buf out = {0};
	char err[64] = "";
	assert_int_equal(text_from_rows("json", "{\"a\":1}", 7, &out, err, sizeof err), -1);
	assert_string_equal(err, "not a JSON array");
	buf_free(&out);
	assert_true(text_is_json_rows(" \n[ {\"a\":1}]", 12));
	assert_false(text_is_json_rows("[1, 2]", 6));
}

/* Every chunk starts with its header; rows are whole, in order, each exactly once. */
static void test_chunk_rows(void **state)
{
	(void)state;
	struct buf csv = {0};
	buf_adds(&csv, "name,value\n");
	for (int i = 2; i <= 300; i++)
		buf_addf(&csv, "item%d,%d\n", i, i * 7);
	char *t = rows("csv", buf_str(&csv));
	struct chunk_list l = {0};
	struct chunk_opts o = {.target_chars = 200};
	chunk_rows(t, strlen(t), &o, &l);
	assert_true(l.n > 10);
	uint32_t next = 2;
	for (size_t i = 0; i < l.n; i++) {
		const struct chunk *c = &l.v[i];
		assert_true(!strncmp(c->text, "| name | value |\n", 17));
		assert_int_equal(c->line_start, next);
		assert_true(c->line_end >= c->line_start);
		assert_int_equal(c->page, 0);
		assert_string_equal(c->heading, "");
		char want[64];
		snprintf(want, sizeof want, "| item%u | %u |", c->line_start, c->line_start * 7);
		assert_non_null(strstr(c->text, want));
		next = c->line_end + 1;
	}
	assert_int_equal(next, 301);
	chunk_list_free(&l);
	free(t);
	buf_free(&csv);

	/* Sheets: the name is the heading and the page, a header alone is still a chunk. */
	const char *s = "#\tBudget\n1\tregion\tamount\n2\tnorth\t12\n\f#\tEmpty\n3\tonly\theader\n\f";
	chunk_rows(s, strlen(s), NULL, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].text, "Sheet: Budget\n| region | amount |\n| north | 12 |");
	assert_int_equal(l.v[0].page, 1);
	assert_string_equal(l.v[0].heading, "Budget");
	assert_int_equal(l.v[0].line_start, 2);
	assert_string_equal(l.v[1].text, "Sheet: Empty\n| only | header |");
	assert_int_equal(l.v[1].page, 2);
	assert_int_equal(l.v[1].line_start, 3);
	chunk_list_free(&l);
}

static void test_xml_guards(void **state)
{
	(void)state;
	char err[160] = "";
	const char *lol = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>";
	assert_null(zx_xml(lol, strlen(lol), "t.xml", err, sizeof err));
	assert_string_equal(err, "XML with a DTD subset (entity declarations) refused in t.xml");
	const char *ent = "<x><!ENTITY a \"b\"></x>";
	assert_null(zx_xml(ent, strlen(ent), "t.xml", err, sizeof err));
	/* A DOCTYPE without a subset (EPUB 2) is read; its external DTD is never loaded. */
	const char *ok = "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.1//EN\" \"http://127.0.0.1:9/x.dtd\"><html>hi &amp; bye</html>";
	xmlTextReaderPtr r = zx_xml(ok, strlen(ok), "c.xhtml", err, sizeof err);
	assert_non_null(r);
	struct buf text = {0};
	int rc;
	while ((rc = zx_next(r, "c.xhtml", err, sizeof err)) == 1)
		if (xmlTextReaderNodeType(r) == XML_READER_TYPE_TEXT)
			zx_text(r, &text);
	assert_int_equal(rc, 0);
	assert_string_equal(buf_str(&text), "hi & bye");
	xmlFreeTextReader(r);
	buf_free(&text);
	const char *bad = "<a><b></a>";
	r = zx_xml(bad, strlen(bad), "bad.xml", err, sizeof err);
	assert_non_null(r);
	while ((rc = zx_next(r, "bad.xml", err, sizeof err)) == 1)
		;
	assert_int_equal(rc, -1);
	assert_string_equal(err, "malformed XML in bad.xml");
	xmlFreeTextReader(r);
	/* Not a zip at all. */
	struct buf out = {0};
	assert_int_equal(text_from_doc("docx", "hello", 5, &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a zip archive"));
	buf_free(&out);
}

static void test_front_matter(void **state)
{
	(void)state;
	struct text_meta m;
	const char *md = "---\ntitle: \"Travel policy\"\ntags:\n  - Policy\n  - travel desk\ndate: 2026-02-03T10:00\n---\n# x\n";
	text_meta_of("a.md", md, strlen(md), &m);
	assert_string_equal(m.title, "Travel policy");
	assert_string_equal(m.tags, ",policy,travel-desk,");
	assert_string_equal(m.date, "2026-02-03");
	const char *inl = "---\nkeywords: [a, b; c, a]\n...\ntags: [no]\n";
	text_meta_of("b.md", inl, strlen(inl), &m);
	assert_string_equal(m.tags, ",a,b,c,");
	assert_string_equal(m.title, "");
	text_meta_of("c.txt", md, strlen(md), &m); /* only Markdown has front matter */
	assert_string_equal(m.tags, "");
	text_meta_of("d.docx", "not a zip", 9, &m);
	assert_string_equal(m.title, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_chunk_rows),
		cmocka_unit_test(test_xml_guards),
		cmocka_unit_test(test_front_matter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

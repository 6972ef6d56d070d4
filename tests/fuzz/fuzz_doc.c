/* fuzz_doc.c - the zip+XML extractors (index/text/text.h text_from_doc, text_from_sheet,
 * through text_extract). The first byte picks the format; with its high bit set the rest is
 * taken as the whole file (libzip's reading of a hostile archive), else the rest is the XML
 * of the format's main entry, zipped here with libzip so the walkers see it (an xlsx gets it
 * as its sheet, shared strings and styles, a .docx as its core properties too, an EPUB as its
 * chapter); the metadata reader (text_meta_of) runs on every file. Checks that extraction
 * succeeds or gives a reason, and that the text is valid UTF-8 without NUL or CR. */
#include <string.h>

#include <zip.h>

#include "index/text/text.h"
#include "tests/fuzz/fuzz.h"

static const char *const ext[] = {"x.docx", "x.pptx", "x.odt", "x.odp", "x.ods", "x.xlsx", "x.epub"};

static void add(zip_t *za, const char *name, const void *data, size_t len)
{
	zip_source_t *s = zip_source_buffer(za, data, len, 0);
	if (s && zip_file_add(za, name, s, ZIP_FL_OVERWRITE) < 0)
		zip_source_free(s);
}

static void adds(zip_t *za, const char *name, const char *s)
{
	add(za, name, s, strlen(s));
}

/* A zip of the format with xml as its main entry; returns malloc'ed bytes. */
static char *make(int f, const char *xml, size_t len, size_t *outlen)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
	zip_error_fini(&ze);
	if (!za) {
		zip_source_free(src);
		return NULL;
	}
	zip_source_keep(src);
	switch (f) {
	case 0: add(za, "word/document.xml", xml, len); add(za, "docProps/core.xml", xml, len); break;
	case 1: add(za, "ppt/slides/slide1.xml", xml, len); adds(za, "ppt/slides/slide2.xml", "<p:sld/>"); break;
	case 2: case 3: case 4: add(za, "content.xml", xml, len); break;
	case 5:
		adds(za, "xl/workbook.xml", "<workbook><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>");
		adds(za, "xl/_rels/workbook.xml.rels",
		     "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>");
		add(za, "xl/worksheets/sheet1.xml", xml, len);
		add(za, "xl/sharedStrings.xml", xml, len);
		add(za, "xl/styles.xml", xml, len);
		break;
	default:
		adds(za, "META-INF/container.xml", "<container><rootfiles><rootfile full-path=\"OPS/c.opf\"/></rootfiles></container>");
		adds(za, "OPS/c.opf", "<package><manifest><item id=\"a\" href=\"a%20b.xhtml\" media-type=\"application/xhtml+xml\"/>"
				       "</manifest><spine><itemref idref=\"a\"/></spine></package>");
		add(za, "OPS/a b.xhtml", xml, len);
		break;
	}
	char *out = NULL;
	zip_stat_t st;
	if (zip_close(za) == 0 && zip_source_stat(src, &st) == 0 && zip_source_open(src) == 0) {
		out = malloc(st.size + 1);
		zip_int64_t n = out ? zip_source_read(src, out, st.size) : -1;
		*outlen = n > 0 ? (size_t)n : 0;
		zip_source_close(src);
	} else if (za) {
		zip_discard(za);
	}
	zip_source_free(src);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int f = (data[0] & 0x7F) % 7;
	const char *rest = (const char *)data + 1;
	size_t n = size - 1, zlen = 0;
	char *z = data[0] & 0x80 ? NULL : make(f, rest, n, &zlen);
	const char *file = z ? z : rest;
	size_t flen = z ? zlen : n;
	struct buf out = {0};
	char err[256] = "";
	int rc = text_extract(ext[f], file, flen, NULL, 0, &out, err, sizeof err);
	if (rc == 0) {
		FUZZ_CHECK(fuzz_utf8_ok(buf_str(&out), out.len));
		FUZZ_CHECK(!memchr(buf_str(&out), '\0', out.len));
		FUZZ_CHECK(!memchr(buf_str(&out), '\r', out.len));
		struct chunk_list l = {0};
		if (f == 4 || f == 5)
			chunk_rows(buf_str(&out), out.len, NULL, &l);
		else
			chunk_text(buf_str(&out), out.len, TEXT_MARKDOWN, NULL, &l);
		chunk_list_free(&l);
	} else {
		FUZZ_CHECK(rc == -1 && err[0]);
	}
	/* The metadata reader on the same file: tags are ",a,b," or empty, dates YYYY-MM-DD. */
	struct text_meta m;
	text_meta_of(ext[f], file, flen, &m);
	FUZZ_CHECK(!m.tags[0] || (m.tags[0] == ',' && m.tags[strlen(m.tags) - 1] == ','));
	FUZZ_CHECK(!m.date[0] || strlen(m.date) == 10);
	buf_free(&out);
	free(z);
	return 0;
}

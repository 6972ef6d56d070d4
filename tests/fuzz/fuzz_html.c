/* fuzz_html.c - the HTML extractor (index/text/text.h text_from_html) and the whole extraction
 * step for an .html file (text_extract, which repairs UTF-8 and drops BOM, NUL and CR).
 * Checks that the extracted text is valid UTF-8 with no NUL or CR, as the chunker and the
 * index expect, and that text_from_html appends to what is already in the buffer. */
#include <string.h>

#include "index/text/text.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *html = (const char *)data;
	struct buf out = {0};
	buf_adds(&out, "KEEP");
	text_from_html(html, size, &out);
	FUZZ_CHECK(out.len >= 4 && !memcmp(buf_str(&out), "KEEP", 4));
	buf_free(&out);

	char err[256] = "";
	int rc = text_extract("page.html", html, size, NULL, 0, &out, err, sizeof err);
	if (rc == 0) {
		FUZZ_CHECK(fuzz_utf8_ok(buf_str(&out), out.len));
		FUZZ_CHECK(!memchr(buf_str(&out), '\0', out.len));
		FUZZ_CHECK(!memchr(buf_str(&out), '\r', out.len));
	} else {
		FUZZ_CHECK(rc == -1 && err[0]);
	}
	buf_free(&out);
	return 0;
}

/* fuzz_rows.c - database exports (index/text/text.h text_from_rows through text_extract)
 * and chunk_rows. The first byte picks .csv, .tsv, .jsonl or .json (rows only when it is an
 * array of objects). Checks: extraction
 * succeeds or says why; every chunk is valid UTF-8 and starts with its header row; row
 * ranges are ordered and never go backwards within a sheet. */
#include <string.h>

#include "index/text/text.h"
#include "tests/fuzz/fuzz.h"

static const char *const ext[] = {"x.csv", "x.tsv", "x.jsonl", "x.json"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *path = ext[data[0] % 4];
	struct buf out = {0};
	char err[256] = "";
	int rc = text_extract(path, (const char *)data + 1, size - 1, NULL, 0, &out, err, sizeof err);
	if (rc != 0) {
		FUZZ_CHECK(rc == -1 && err[0]);
		buf_free(&out);
		return 0;
	}
	FUZZ_CHECK(fuzz_utf8_ok(buf_str(&out), out.len));
	if (text_kind_sniff(path, (const char *)data + 1, size - 1) != TEXT_TABLE) {
		buf_free(&out); /* a .json that is not an array of objects is code */
		return 0;
	}
	struct chunk_list l = {0};
	struct chunk_opts o = {.target_chars = 64 + data[0]};
	chunk_rows(buf_str(&out), out.len, &o, &l);
	for (size_t i = 0; i < l.n; i++) {
		const struct chunk *c = &l.v[i];
		FUZZ_CHECK(fuzz_utf8_ok(c->text, strlen(c->text)));
		FUZZ_CHECK(c->text[0] == '|' || !strncmp(c->text, "Sheet: ", 7));
		FUZZ_CHECK(c->line_start <= c->line_end);
		FUZZ_CHECK(c->byte_start <= c->byte_end && c->byte_end <= out.len);
		if (i && l.v[i - 1].page == c->page)
			FUZZ_CHECK(l.v[i - 1].line_end <= c->line_start);
	}
	chunk_list_free(&l);
	buf_free(&out);
	return 0;
}

/* fuzz_ndjson.c - the NDJSON splitter (core/wire/ndjson.h) on any bytes in any slicing. Checks
 * that a line never holds a line end, is never blank, and respects the cap. */
#include <string.h>

#include "core/wire/ndjson.h"
#include "tests/fuzz/fuzz.h"

struct ctx {
	struct ndjson *p;
	size_t max;
	int stopped;
};

static void on_line(void *c, const char *line, size_t len)
{
	struct ctx *x = c;
	FUZZ_CHECK(!x->stopped);
	FUZZ_CHECK(len > 0 && len <= x->max);
	FUZZ_CHECK(!memchr(line, '\n', len) && !memchr(line, '\r', len));
	size_t blank = 0;
	while (blank < len && (line[blank] == ' ' || line[blank] == '\t'))
		blank++;
	FUZZ_CHECK(blank < len);
}

static void feed(void *c, const char *p, size_t n)
{
	struct ctx *x = c;
	if (ndjson_feed(x->p, p, n) == NDJSON_ETOOBIG)
		x->stopped = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	struct ctx x = {.max = NDJSON_DEFAULT_MAX};
	struct ndjson_callbacks cb = {on_line, &x};
	x.p = ndjson_new(&cb);
	if (data[0] & 0x40)
		ndjson_set_max(x.p, x.max = 48);
	fuzz_slices((const char *)data + 1, size - 1, data[0], feed, &x);
	int rc = ndjson_finish(x.p);
	FUZZ_CHECK(rc == NDJSON_OK || rc == NDJSON_ETOOBIG);
	ndjson_free(x.p);
	return 0;
}

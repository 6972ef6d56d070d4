/* fuzz_sse.c - the SSE parser (core/wire/sse.h) on any bytes in any slicing, with a small cap
 * sometimes so the too-big path runs too. Checks that each event's data is NUL-terminated
 * at data_len and that nothing is dispatched after the parser stopped. */
#include <string.h>

#include "core/wire/sse.h"
#include "tests/fuzz/fuzz.h"

struct ctx {
	struct sse *p;
	size_t events;
	int stopped;
};

static void on_event(void *c, const struct sse_event *ev)
{
	struct ctx *x = c;
	FUZZ_CHECK(!x->stopped);
	FUZZ_CHECK(ev->data[ev->data_len] == '\0');
	FUZZ_CHECK(ev->type && ev->type_len > 0 && ev->id);
	x->events++;
}

static void on_comment(void *c, const char *text, size_t len)
{
	(void)c;
	FUZZ_CHECK(text || !len);
}

static void feed(void *c, const char *p, size_t n)
{
	struct ctx *x = c;
	if (sse_feed(x->p, p, n) == SSE_ETOOBIG)
		x->stopped = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	struct ctx x = {0};
	struct sse_callbacks cb = {on_event, on_comment, on_comment, &x};
	x.p = sse_new(&cb);
	if (data[0] & 0x40)
		sse_set_max(x.p, 64);
	fuzz_slices((const char *)data + 1, size - 1, data[0], feed, &x);
	int rc = sse_finish(x.p);
	FUZZ_CHECK(rc == SSE_OK || rc == SSE_ETOOBIG);
	FUZZ_CHECK(!x.stopped || rc == SSE_ETOOBIG);
	FUZZ_CHECK(sse_retry_ms(x.p) >= -1);
	sse_free(x.p);
	return 0;
}

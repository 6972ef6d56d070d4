/* fuzz_cite.c - the citation marker parser (core/answer/cite.h) fed in any slicing. Checks that the
 * spans cover every byte fed, in order and without overlap; that a marker's ids are 1..16
 * in number, each flagged valid exactly when a source has that number, with ninvalid
 * matching; that cite_held never exceeds what was fed; and that the streamed markers are
 * the ones cite_parse finds in the whole text. The first byte picks the slicing and the
 * number of sources (0..7). */
#include <string.h>

#include "core/answer/cite.h"
#include "tests/fuzz/fuzz.h"

struct ctx {
	struct cite_parser *p;
	int nsources;
	size_t at, fed;
	struct cite_seg marks[4096];
	size_t nmarks;
};

static void on_seg(void *c, const struct cite_seg *seg)
{
	struct ctx *x = c;
	FUZZ_CHECK(seg->start == x->at);
	x->at += seg->len;
	FUZZ_CHECK(x->at <= x->fed);
	if (seg->kind != CITE_MARKER)
		return;
	FUZZ_CHECK(seg->len > 0 && seg->nids >= 1 && seg->nids <= CITE_MAX_IDS);
	int bad = 0;
	for (int i = 0; i < seg->nids; i++) {
		FUZZ_CHECK(seg->valid[i] == (seg->ids[i] >= 1 && seg->ids[i] <= x->nsources));
		bad += !seg->valid[i];
	}
	FUZZ_CHECK(bad == seg->ninvalid);
	if (x->nmarks < sizeof x->marks / sizeof *x->marks)
		x->marks[x->nmarks++] = *seg;
}

static void feed(void *c, const char *s, size_t n)
{
	struct ctx *x = c;
	x->fed += n;
	cite_feed(x->p, s, n, on_seg, x);
	FUZZ_CHECK(x->at + cite_held(x->p) == x->fed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	static struct ctx x;
	memset(&x, 0, sizeof x);
	x.nsources = (data[0] >> 4) & 7;
	x.p = cite_parser_new(x.nsources);
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	fuzz_slices(text, len, data[0], feed, &x);
	cite_finish(x.p, on_seg, &x);
	FUZZ_CHECK(x.at == len);
	cite_parser_free(x.p);

	struct cite_segs whole = {0};
	cite_parse(text, len, x.nsources, true, &whole);
	size_t at = 0, m = 0;
	for (size_t i = 0; i < whole.n; i++) {
		const struct cite_seg *s = &whole.v[i];
		FUZZ_CHECK(s->start == at);
		at += s->len;
		if (s->kind != CITE_MARKER || x.nmarks >= sizeof x.marks / sizeof *x.marks)
			continue;
		FUZZ_CHECK(m < x.nmarks);
		FUZZ_CHECK(x.marks[m].start == s->start && x.marks[m].len == s->len);
		FUZZ_CHECK(x.marks[m].nids == s->nids);
		FUZZ_CHECK(!memcmp(x.marks[m].ids, s->ids, sizeof s->ids[0] * (size_t)s->nids));
		m++;
	}
	FUZZ_CHECK(at == len);
	FUZZ_CHECK(x.nmarks >= sizeof x.marks / sizeof *x.marks || m == x.nmarks);
	cite_segs_free(&whole);
	return 0;
}

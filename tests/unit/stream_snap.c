/* stream_snap.c - recording what the chat stream decoder does (see stream_snap.h). */
#include "fn_test.h"

#include "base/utf8.h"
#include "stream_snap.h"
/* ---- recording what a stream does ---- */


static const char kind_letter[] = "TRFAKE";

void on_event(void *ctx, enum stream_ev_kind k, const char *s, size_t len)
{
	struct snap *sn = ctx;
	assert_int_equal(s[len], '\0');
	/* every piece is whole, valid UTF-8 */
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);
		if (n <= 0)
			fail_msg("event %c carries invalid UTF-8 at %zu", kind_letter[k], i);
		i += (size_t)n;
	}
	if (k == STREAM_EV_END)
		sn->ends++;
	if (k == STREAM_EV_TEXT)
		sn->text_events++;
	buf_addc(&sn->log, kind_letter[k]);
	buf_add(&sn->log, s, len);
	buf_addc(&sn->log, '\n');
}

char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void snap_take(struct snap *sn, struct stream *st)
{
	const struct stream_result *r = stream_result(st);
	sn->outcome = r->outcome;
	sn->finish = dup_or_null(r->finish_reason);
	sn->text = strdup(r->text);
	assert_int_equal(strlen(r->text), r->text_len);
	sn->reasoning = strdup(r->reasoning);
	sn->refusal = strdup(r->refusal);
	sn->model = strdup(r->model);
	sn->error = dup_or_null(r->error);
	sn->code = dup_or_null(r->error_code);
	struct buf t = {0};
	for (size_t i = 0; i < r->n_tool_calls; i++)
		buf_addf(&t, "%s|%s|%s\n", r->tool_calls[i].id, r->tool_calls[i].name,
			 r->tool_calls[i].arguments);
	sn->tools = buf_detach(&t);
	sn->message = stream_outcome_message(r);
	sn->usage = r->usage;
	sn->done = r->done;
	sn->json_events = r->json_events;
	sn->content_deltas = r->content_deltas;
	sn->keepalives = r->keepalives;
}

void snap_free(struct snap *sn)
{
	buf_free(&sn->log);
	free(sn->finish);
	free(sn->text);
	free(sn->reasoning);
	free(sn->refusal);
	free(sn->model);
	free(sn->error);
	free(sn->code);
	free(sn->tools);
	free(sn->message);
	memset(sn, 0, sizeof *sn);
}

void str_eq_or_null(const char *a, const char *b, const char *what)
{
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
		fail_msg("%s differs: [%s] vs [%s]", what, a ? a : "(null)", b ? b : "(null)");
}

size_t runs;

void snap_same(const struct snap *a, const struct snap *b, const char *how)
{
	if (strcmp(buf_str(&a->log), buf_str(&b->log)) != 0)
		fail_msg("%s: event log differs:\n%s\n--- vs ---\n%s", how, buf_str(&a->log), buf_str(&b->log));
	assert_int_equal(a->outcome, b->outcome);
	assert_int_equal(b->ends, 1);
	str_eq_or_null(a->finish, b->finish, "finish_reason");
	str_eq_or_null(a->text, b->text, "text");
	str_eq_or_null(a->reasoning, b->reasoning, "reasoning");
	str_eq_or_null(a->refusal, b->refusal, "refusal");
	str_eq_or_null(a->model, b->model, "model");
	str_eq_or_null(a->error, b->error, "error");
	str_eq_or_null(a->code, b->code, "error_code");
	str_eq_or_null(a->tools, b->tools, "tool calls");
	assert_memory_equal(&a->usage, &b->usage, sizeof a->usage);
	assert_int_equal(a->done, b->done);
	assert_int_equal(a->json_events, b->json_events);
	assert_int_equal(a->content_deltas, b->content_deltas);
	assert_int_equal(a->keepalives, b->keepalives);
}

static void run(enum stream_proto proto, const enum stream_think *mode, size_t hold_max, const char *s,
		size_t len, const size_t *cuts, size_t ncuts, struct snap *out)
{
	memset(out, 0, sizeof *out);
	struct stream_sink sink = {on_event, out};
	struct stream *st = stream_new(proto, &sink);
	if (mode)
		stream_set_think(st, *mode, hold_max);
	size_t at = 0;
	for (size_t i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : len;
		stream_feed(st, s + at, end - at);
		at = end;
	}
	stream_finish(st);
	snap_take(out, st);
	stream_free(st);
	runs++;
}

/* Decodes s[0..len) fed in pieces ending at cuts[0..ncuts) (ascending), then EOF. */
void decode(enum stream_proto proto, const char *s, size_t len, const size_t *cuts, size_t ncuts,
	    struct snap *out)
{
	run(proto, NULL, 0, s, len, cuts, ncuts, out);
}

void decode_think(enum stream_proto proto, enum stream_think mode, size_t hold_max, const char *s, size_t len,
		  const size_t *cuts, size_t ncuts, struct snap *out)
{
	run(proto, &mode, hold_max, s, len, cuts, ncuts, out);
}


bool want_split(enum splits which, const char *s, size_t len, size_t cut)
{
	switch (which) {
	case SPLIT_ALL:
		return true;
	case SPLIT_START:
		return cut < 16;
	case SPLIT_NEAR_EOL:
		for (size_t i = cut > 2 ? cut - 2 : 0; i < len && i < cut + 2; i++)
			if (s[i] == '\r' || s[i] == '\n')
				return true;
		return false;
	}
	return true;
}

/* (1) whole, (2) one byte per read, (3) two reads split at every offset (see enum splits),
 * (4) random read sizes with a fixed seed: every way gives the same events and result as the
 * whole. Returns the whole run's snapshot in *whole. */
void decode_ways(enum stream_proto proto, const char *s, size_t len, enum splits which,
			struct snap *whole)
{
	decode(proto, s, len, NULL, 0, whole);
	assert_int_equal(whole->ends, 1);
	struct snap o;

	size_t *cuts = malloc((len + 1) * sizeof *cuts);
	for (size_t i = 0; i < len; i++)
		cuts[i] = i + 1;
	decode(proto, s, len, cuts, len ? len - 1 : 0, &o);
	snap_same(whole, &o, "one byte per read");
	snap_free(&o);

	for (size_t cut = 0; cut <= len; cut++) {
		if (!want_split(which, s, len, cut))
			continue;
		decode(proto, s, len, &cut, 1, &o);
		snap_same(whole, &o, "split in two");
		snap_free(&o);
	}

	unsigned seed = 12345;
	for (int round = 0; round < RANDOM_ROUNDS; round++) {
		size_t n = 0, at = 0;
		while (at < len) {
			seed = seed * 1103515245u + 12345u;
			size_t step = 1 + (seed >> 16) % (round < RANDOM_ROUNDS / 2 ? 16 : 700);
			at = at + step < len ? at + step : len;
			cuts[n++] = at;
		}
		decode(proto, s, len, cuts, n, &o);
		snap_same(whole, &o, "random sizes");
		snap_free(&o);
	}
	free(cuts);
}

void decode_all_ways(enum stream_proto proto, const char *s, size_t len, struct snap *whole)
{
	decode_ways(proto, s, len, SPLIT_ALL, whole);
}

/* Rewrites every LF as `eol` (the SSE fixtures use LF only). Caller frees. */
char *convert_eol(const char *s, size_t len, const char *eol, size_t *out_len)
{
	struct buf b = {0};
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			buf_adds(&b, eol);
		else
			buf_addc(&b, s[i]);
	}
	*out_len = b.len;
	return buf_detach(&b);
}


void decode_str(enum stream_proto proto, const char *s, struct snap *out)
{
	decode(proto, s, strlen(s), NULL, 0, out);
}


/* Synthetic: "°C" and a 4-byte emoji as raw UTF-8, the body split at every offset; and the same
 * characters cut inside by the server itself, across two deltas, at every inner offset. */
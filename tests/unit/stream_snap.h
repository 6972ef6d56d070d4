/* stream_snap.h - recording what the chat stream decoder does, for the decoder's tests
 * (test_stream.c, test_think.c): a snapshot of the events and the result, decoded whole
 * and at every slicing of the bytes. */
#ifndef FN_TEST_STREAM_SNAP_H
#define FN_TEST_STREAM_SNAP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "core/wire/stream.h"

/* Everything observable about one run: the event log (kind letter, bytes, '\n' per event) and
 * the result, copied so it outlives the stream. */
struct snap {
	struct buf log;
	size_t ends;
	enum stream_outcome outcome;
	char *finish, *text, *reasoning, *refusal, *model, *error, *code, *tools, *message;
	struct stream_usage usage;
	bool done;
	size_t json_events, content_deltas, keepalives, text_events;
};

/* Which two-piece splits to try. One byte per read already cuts at every offset at once, so
 * for the converted copies of a fixture, whose only new bytes are the line ends, the two-piece
 * splits are kept to those that fall next to a CR or LF (about half of a 13 KB fixture's
 * offsets are elsewhere, and each split is a whole decode). */
enum splits { SPLIT_ALL, SPLIT_NEAR_EOL, SPLIT_START };

#define RANDOM_ROUNDS 100
extern size_t runs; /* decoder runs, reported at the end */

#define SSE_CHUNK(delta_json, finish) \
	"data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":" delta_json ",\"finish_reason\":" finish "}]}\n\n"

void on_event(void *ctx, enum stream_ev_kind k, const char *s, size_t len);
void snap_take(struct snap *sn, struct stream *st);
void snap_free(struct snap *sn);
void str_eq_or_null(const char *a, const char *b, const char *what);
void snap_same(const struct snap *a, const struct snap *b, const char *how);
void decode(enum stream_proto proto, const char *s, size_t len, const size_t *cuts,
	    size_t ncuts, struct snap *out);
/* The same with the think settings chosen: the mode and the bound on held content. */
void decode_think(enum stream_proto proto, enum stream_think mode, size_t hold_max, const char *s, size_t len,
		  const size_t *cuts, size_t ncuts, struct snap *out);
bool want_split(enum splits which, const char *s, size_t len, size_t cut);
void decode_ways(enum stream_proto proto, const char *s, size_t len, enum splits which,
		 struct snap *whole);
void decode_all_ways(enum stream_proto proto, const char *s, size_t len, struct snap *whole);
void decode_str(enum stream_proto proto, const char *s, struct snap *out);
char *dup_or_null(const char *s);
/* Rewrites every LF as `eol`. Caller frees. */
char *convert_eol(const char *s, size_t len, const char *eol, size_t *out_len);

#endif

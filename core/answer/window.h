/* window.h - the window a turn's prompt is fitted into, and how its parts are counted.
 *
 * turn_window caps the profile's context_tokens by the server's window (core/net/limits.h):
 * learned now when the request may block, else taken from the cache (a miss starts the
 * thread that learns it). The counter it fills counts a part with the server's /tokenize
 * when the caller may block and the server has one, else estimates it, times the ratio the
 * server's tokenizer gave on a sample. Both record what they chose in the provenance. Used
 * by core/answer/turn.c; the thread of turn_start. */
#ifndef FN_WINDOW_H
#define FN_WINDOW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/answer/turn.h"

struct cfg_provider;
struct prompt;
struct cite_map;

/* How the prompt's parts are measured for a turn. */
struct turn_counter {
	const struct cfg_provider *prov;
	const char *key;
	bool server;  /* POST /tokenize, one request per part (only when the caller may block) */
	double ratio; /* else the estimate times this (calibrated on the server, or 1) */
};

/* A prompt_opts.count callback; ctx is a struct turn_counter. */
int turn_count_part(void *ctx, const char *s, size_t len);

/* The window a turn fits into: the profile's budget, capped by the server's window when it
 * is known (learn: ask the server, or its cache, at all). Sets *cnt and pv's window fields,
 * and *lim_out (may be NULL) to what is known of the server. */
struct server_limits;
int turn_window(const struct turn_request *req, const struct cfg_provider *prov, const char *key,
		bool learn, struct turn_counter *cnt, struct provenance *pv, struct server_limits *lim_out);

/* Passages were found but not one fits: says so, and what to change. Caller frees. */
char *turn_none_fits(const struct prompt *p, const struct cite_map *m, int window);

#endif

/* expand.h - query expansion: a model writes sub-queries, searched with the question and
 * fused by reciprocal rank (RRF).
 *
 * A question's words are not always the documents' words. When the profile enables it
 * (expand: {enabled: true}), the turn first asks a model, in one short non-streamed request
 * with its own timeout (core/net/ask.h), for a few search queries: the key terms, a
 * paraphrase, a one-sentence hypothetical answer. Each is searched like the question, and
 * the lists are fused: a passage's score is the sum of 1 / (60 + rank) over the lists it
 * is in. Any failure (HTTP error, stall past the timeout, a reply with no usable line)
 * searches the question alone; the provenance records the sub-queries or why there were
 * none.
 *
 * expand_submit returns at once; its done callback posts one struct expand_msg (kind
 * EXPAND_MSG, the turn's generation). expand_prompt, expand_parse and expand_fuse are
 * pure. */
#ifndef FN_EXPAND_H
#define FN_EXPAND_H

#include <stddef.h>
#include <stdint.h>

#include "core/app/chan.h"
#include "core/net/net.h"
#include "index/idx.h"

struct cfg_provider;

enum { EXPAND_MSG = 112, EXPAND_MAX = 8 }; /* REWRITE_MSG 110, RERANK_MSG 111 */

struct expand_msg {
	struct chan_msg base;  /* kind EXPAND_MSG; free with chan_msg_free */
	char *queries[EXPAND_MAX]; /* untrusted model output, cleaned (expand_parse) */
	size_t n;
	char *why;             /* when n is 0: a sentence saying why */
};

/* The system and user messages of the request for n sub-queries of question. */
const char *expand_system(void);
char *expand_prompt(const char *question, int n);
/* The sub-queries in a reply, at most max: one per line, numbering, bullets, labels
 * ("Paraphrase:") and quotes removed, control characters dropped, lines longer than 300
 * bytes, empty or repeating the question or another line left out. Fills out (caller
 * frees each) and returns how many. */
size_t expand_parse(const char *reply, size_t len, const char *question, size_t max, char **out);

net_id expand_submit(struct net *net, const struct cfg_provider *p, const char *model, int timeout_s,
		     int n, const char *question, struct chan *chan, uint64_t gen, char **err);

/* Fuses n ranked lists into out, best first: RRF with k 60, at most k hits, at most
 * per_file_cap per file (0 = no cap), ties by the first list's order. The hits are moved
 * out of the lists (their strings too); the lists must still be freed. */
void expand_fuse(struct idx_hits *lists, size_t n, size_t k, size_t per_file_cap, struct idx_hits *out);

#endif

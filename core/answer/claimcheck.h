/* claimcheck.h - a checker model, optional per profile, after the builtin check.
 *
 * Word overlap (core/answer/verify.h) measures 0.59 accuracy against hard negatives. A
 * profile may name a model to check each cited sentence against the passages it cites
 * (verify: {enabled, provider, model, style, timeout_s}):
 *   style chat       any chat model, asked a strict yes/no question per sentence, up to
 *                    CLAIMCHECK_BATCH sentences per request ("3: YES" per line);
 *   style minicheck  a claim-checking model such as Bespoke-MiniCheck served by Ollama,
 *                    one request per sentence in its own format ("Document: ...\nClaim:
 *                    ...", answered "Yes" or "No").
 * The requests run on the net thread once the answer is complete, all at once, each with
 * the timeout and no retries; their verdicts replace the builtin ones (YES supported, NO
 * unsupported) and grounding is recomputed. If any request fails, stalls or gives no
 * verdict for a sentence, that sentence keeps its builtin verdict and the result says so
 * once (turn_result.checked_by). */
#ifndef FN_CLAIMCHECK_H
#define FN_CLAIMCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/answer/turn.h"
#include "core/net/net.h"

enum { CLAIMCHECK_BATCH = 8 };

struct claimcheck;

/* UI thread, when the answer is asked for: what the check will need (the provider copied,
 * its key resolved). NULL when the profile names no checker; NULL with *err (caller frees)
 * when it names one that cannot be used (then the builtin check stands, and err says why). */
struct claimcheck *claimcheck_new(const struct config *cfg, const struct cfg_profile *pf, char **err);
void claimcheck_free(struct claimcheck *c);

/* How the TURN_END gets out when the check is over. */
typedef void claimcheck_post_fn(struct chan *chan, uint64_t gen, double started, struct turn_result *r);

/* Net thread, from the answer's done: checks r's verified sentences of answer[0..len)
 * against texts (numbers and texts) and then posts r with post. Takes c and r; returns
 * false (and takes nothing) when there is nothing to check. */
bool claimcheck_run(struct claimcheck *c, struct net *net, struct turn_result *r, const char *answer, size_t len,
		    const struct cite_map *texts, claimcheck_post_fn *post, struct chan *chan, uint64_t gen,
		    double started);

/* Pure, for tests: the verdicts in a reply. chat: "N: YES|NO" lines for claims first..
 * first+n-1 (1-based as sent), into v[0..n) as 1 yes, 0 no, -1 none; minicheck: the one
 * verdict (n 1). */
void claimcheck_parse(const char *reply, size_t len, bool minicheck, int first, int n, int *v);

#endif

/* judge.h - one answer through turn_start, waited for; and the judge model's verdict on an
 * answer against its reference (the rubric of core/eval/score.h), asked the same way.
 *
 * The judge is a turn of a profile made for it: the config's eval.judge_provider and
 * judge_model, no retrieval, the rubric as its system prompt, temperature 0. Main thread
 * (the turn's messages are waited for on chan). */
#ifndef FN_JUDGE_H
#define FN_JUDGE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/answer/turn.h"

struct net;

/* Starts req's turn and waits for its end: the text streamed goes into *text, the turn is
 * returned in *turn (caller turn_free). Returns the result (caller turn_result_free), NULL
 * when the wait failed. */
struct turn_result *eval_answer(const struct turn_request *req, struct net *net, struct chan *chan,
				struct buf *text, struct turn **turn);

struct judge_verdict {
	double score;        /* 1, 0.5, 0; -1 when the judge failed or replied otherwise */
	const char *verdict; /* "correct", "partial", "incorrect", "unreadable", "failed" (static) */
	char *reply;         /* the judge's words, or the failure's message; caller frees */
	int64_t cost_micros; /* what asking cost */
};

/* Whether cfg names a judge (eval.judge_provider and judge_model both set, the provider
 * known). */
bool judge_configured(const struct config *cfg);
void judge_ask(const struct config *cfg, struct net *net, struct chan *chan, uint64_t gen, const char *question,
	       const char *reference, const char *answer, struct judge_verdict *out);

#endif

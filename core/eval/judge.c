/* judge.c - an answer waited for, and the judge model's verdict (see judge.h). */
#include "core/eval/judge.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "core/app/chan.h"
#include "core/app/config.h"
#include "core/eval/score.h"

struct turn_result *eval_answer(const struct turn_request *req, struct net *net, struct chan *chan,
				struct buf *text, struct turn **turn)
{
	*turn = turn_start(req, net, chan);
	struct turn_result *res = NULL;
	while (!res) {
		struct pollfd p = {chan_fd(chan), POLLIN, 0};
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		for (struct chan_msg *m = chan_take(chan), *next; m; m = next) {
			next = m->next;
			struct turn_msg *tm = (struct turn_msg *)m;
			if (turn_step(*turn, m))
				; /* a rewrite, an expansion or a rerank came back: the turn goes on */
			else if (m->gen == req->gen && m->kind == TURN_TEXT)
				buf_adds(text, tm->text);
			else if (m->gen == req->gen && m->kind == TURN_END && !res) {
				res = tm->result;
				tm->result = NULL;
			}
			chan_msg_free(m);
		}
	}
	return res;
}

bool judge_configured(const struct config *cfg)
{
	return *cfg->eval.judge_provider && *cfg->eval.judge_model && config_provider(cfg, cfg->eval.judge_provider);
}

void judge_ask(const struct config *cfg, struct net *net, struct chan *chan, uint64_t gen, const char *question,
	       const char *reference, const char *answer, struct judge_verdict *out)
{
	const struct cfg_profile *base = config_profile(cfg, cfg->default_profile);
	struct cfg_profile pf = *base;
	pf.name = (char *)"judge";
	pf.provider = cfg->eval.judge_provider;
	pf.model = cfg->eval.judge_model;
	pf.system_prompt = (char *)score_judge_rubric();
	pf.temperature = 0;
	pf.retrieval.enabled = false;
	pf.no_evidence = NO_EVIDENCE_ANSWER;
	pf.rewrite = REWRITE_OFF;
	pf.notice = NULL;
	pf.adapter = (char *)"";
	pf.checkpoint = (char *)"";
	pf.dataset_version = (char *)"";
	char *prompt = score_judge_prompt(question, reference, answer);
	struct turn_request req = {.cfg = cfg, .profile = &pf, .question = prompt, .gen = gen, .may_block = true};
	struct buf text = {0};
	struct turn *turn;
	struct turn_result *r = eval_answer(&req, net, chan, &text, &turn);
	memset(out, 0, sizeof *out);
	if (r && r->outcome == TURN_COMPLETED) {
		out->score = score_judge_verdict(buf_str(&text), &out->verdict);
		out->reply = xstrdup(buf_str(&text));
	} else {
		out->score = -1;
		out->verdict = "failed";
		out->reply = xstrdup(r && r->message ? r->message : "the judge did not answer");
	}
	out->cost_micros = r && r->priced ? r->cost_micros : 0;
	turn_result_free(r);
	turn_free(turn);
	buf_free(&text);
	free(prompt);
}

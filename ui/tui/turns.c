/* turns.c - turns in flight: start, stream events, cancel, compare (see turns.h). */
#include "ui/tui/turns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/app/discover.h"
#include "core/answer/turn.h"
#include "core/session/session.h"
#include "ui/tui/loop.h"
#include "ui/tui/save.h"

/* Starts answer a to question with profile p. */
static void start_answer(struct tui *t, struct msg *a, const struct cfg_profile *p, const char *question)
{
	a->role = ROLE_ASSISTANT;
	a->currency = t->cfg->currency;
	a->stale = a->full = true;
	a->profile = xstrdup(p->name);
	a->model = xstrdup(profiles_model(t, p));
	a->question = xstrdup(question);
	a->streaming = true;
	a->started_ms = clock_ms_f();
	a->gen = ++t->conv.gen;
	/* A /model override answers through a copy of the profile (turn_start reads it only
	 * while starting). */
	struct cfg_profile prof = *p;
	if (prof.model && strcmp(a->model, "extractive"))
		prof.model = a->model;
	if (!t->conv.remote_said) { /* once a session: the question and passages leave the machine */
		char *n = discover_remote_notice(config_provider(t->cfg, prof.provider));
		if (n) {
			status_notice(t, false, "%s", n);
			t->conv.remote_said = true;
			free(n);
		}
	}
	size_t nhist;
	struct history_turn *hist = session_history(t->conv.session, &nhist); /* the conversation so far */
	struct turn_request req = {
		.cfg = t->cfg, .profile = &prof, .question = question, .ix = t->w.ix,
		.emb = t->w.emb, .gen = a->gen, .history = hist, .nhistory = nhist,
		.may_block = false, /* the UI thread never waits for the network */
	};
	a->turn = turn_start(&req, t->w.net, t->w.chan);
	free(hist);
	save_begin(t, question, a);
}

/* Asks the current profile, or the two profiles of an armed /compare. */
void turns_ask(struct tui *t, const char *question)
{
	if (conv_live(t)) {
		status_notice(t, true, "an answer is still streaming: Esc stops it");
		return;
	}
	wiring_apply_found(t); /* a server found at start is used from the first question on */
	conv_add(t, ROLE_USER, question);
	if (t->conv.compare_next[0]) {
		struct msg *c = conv_add(t, ROLE_COMPARE, NULL);
		c->side = xcalloc(2, sizeof *c->side);
		c->streaming = true;
		c->started_ms = clock_ms_f();
		for (int i = 0; i < 2; i++)
			start_answer(t, &c->side[i], t->conv.compare_next[i], question);
		t->conv.compare_next[0] = t->conv.compare_next[1] = NULL;
	} else {
		start_answer(t, conv_add(t, ROLE_ASSISTANT, NULL), t->prof.cur, question);
	}
	t->conv.selected = t->conv.n - 1;
	t->src.sel = 0;
	t->src.preview = false;
	t->chat.scroll = 0;
}

/* The answer a turn message is for: the live message, or the side of a live comparison
 * with its generation. NULL for an older, cancelled turn. */
static struct msg *turn_target(struct tui *t, uint64_t gen)
{
	struct msg *live[2];
	int n = conv_live_answers(t, live);
	for (int i = 0; i < n; i++)
		if (live[i]->gen == gen)
			return live[i];
	return NULL;
}

void turns_handle(struct tui *t, struct turn_msg *m)
{
	struct msg *a = turn_target(t, m->base.gen), *live = conv_live(t);
	if (turn_step(a ? a->turn : NULL, &m->base)) {
		/* A rewrite came back and the turn searched: its sources are saved at once, so a
		 * kill while the answer streams keeps them. */
		if (a)
			save_sources(t, a);
		t->dirty = true;
		return;
	}
	if (!a)
		return;
	if (m->base.kind == TURN_TEXT) {
		buf_adds(&a->raw, m->text);
		a->tokens++;
		a->stale = live->stale = true;
	} else if (m->base.kind == TURN_REASONING) {
		buf_adds(&a->reasoning, m->text);
	} else if (m->base.kind == TURN_NOTICE) {
		status_notice(t, false, "%s", m->text);
	} else if (m->base.kind == TURN_END) {
		a->result = m->result;
		m->result = NULL;
		turn_finish(a->turn, a->result);
		a->streaming = false;
		a->stale = live->stale = true;
		if (live->role == ROLE_COMPARE)
			live->streaming = live->side[0].streaming || live->side[1].streaming;
		int dropped = turn_provenance(a->turn)->history_dropped;
		if (dropped && !t->conv.history_cut_said) {
			t->conv.history_cut_said = true;
			status_notice(t, false, "%d oldest turn%s left out to fit the context", dropped,
				      dropped == 1 ? "" : "s");
		}
		/* A stop the user asked for is news, not an error: it goes with the next key. */
		if (a->result->outcome != TURN_COMPLETED && a->result->outcome != TURN_DECLINED)
			status_notice(t, a->result->outcome != TURN_CANCELLED, "%s%s%s: %s", live != a ? a->profile : "", live != a ? ": " : "",
				      a->result->outcome_name, a->result->message ? a->result->message : "");
		save_end(t, a, a->result);
	}
	t->dirty = true;
}

void turns_cancel(struct tui *t)
{
	struct msg *live[2];
	int n = conv_live_answers(t, live);
	for (int i = 0; i < n; i++)
		turn_cancel(live[i]->turn);
	if (n)
		status_notice(t, false, "stopping the answer%s…", n > 1 ? "s" : "");
}

/* /compare A B [QUESTION]: the question (else the last one asked, else the next one) goes
 * to profiles A and B at once; both answers are shown side by side. */
void turns_compare(struct tui *t, const char *arg)
{
	const struct cfg_profile *p[2] = {NULL, NULL};
	char name[2][128];
	for (int i = 0; i < 2; i++) {
		size_t w = strcspn(arg, " ,");
		snprintf(name[i], sizeof name[i], "%.*s", (int)w, arg);
		p[i] = *name[i] ? config_profile(t->cfg, name[i]) : NULL;
		arg += w;
		arg += strspn(arg, " ,");
		if (!p[i]) {
			struct buf names = {0};
			for (size_t k = 0; k < t->cfg->profiles.n; k++)
				buf_addf(&names, "%s%s", k ? ", " : "", t->cfg->profiles.v[k].name);
			if (*name[i])
				status_notice(t, true, "no profile \"%s\"; profiles: %s", name[i], buf_str(&names));
			else
				status_notice(t, true, "/compare takes two profiles: /compare A B [QUESTION] (profiles: %s)",
					      buf_str(&names));
			buf_free(&names);
			return;
		}
	}
	const char *question = *arg ? arg : NULL;
	for (size_t i = t->conv.n; !question && i > 0; i--)
		if (t->conv.v[i - 1].role == ROLE_USER)
			question = buf_str(&t->conv.v[i - 1].raw);
	t->conv.compare_next[0] = p[0];
	t->conv.compare_next[1] = p[1];
	if (!question) {
		status_notice(t, false, "the next question goes to %s and %s, side by side", p[0]->name, p[1]->name);
		return;
	}
	char *q = xstrdup(question); /* the message holding it may move */
	turns_ask(t, q);
	free(q);
	if (t->conv.compare_next[0]) { /* still streaming: nothing was asked */
		t->conv.compare_next[0] = t->conv.compare_next[1] = NULL;
		return;
	}
	status_notice(t, false, "comparing %s and %s (←/→ picks the side whose sources are shown)", p[0]->name,
		      p[1]->name);
}

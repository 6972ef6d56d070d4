/* conv.c - the conversation: the list of messages (see conv.h). */
#include "ui/tui/conv.h"

#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "core/answer/turn.h"
#include "core/session/session.h"
#include "ui/render/hl.h"
#include "ui/tui/loop.h"

struct msg *conv_add(struct tui *t, enum role role, const char *text)
{
	t->conv.v = xgrow(t->conv.v, &t->conv.cap, t->conv.n + 1, sizeof *t->conv.v);
	struct msg *m = &t->conv.v[t->conv.n++];
	memset(m, 0, sizeof *m);
	m->role = role;
	m->currency = t->cfg->currency;
	if (text)
		buf_adds(&m->raw, text);
	m->stale = m->full = true;
	t->dirty = true;
	return m;
}

static void add_cost(const struct msg *m, struct conv_cost *c)
{
	const struct turn_result *r = m->result;
	if (!r)
		return;
	c->answers++;
	c->prompt_tokens += r->prompt_tokens;
	c->completion_tokens += r->completion_tokens;
	if (r->priced)
		c->micros += r->cost_micros;
	else
		c->unpriced++;
}

void conv_cost(const struct tui *t, struct conv_cost *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < t->conv.n; i++) {
		const struct msg *m = &t->conv.v[i];
		if (m->role == ROLE_COMPARE && m->side) {
			add_cost(&m->side[0], out);
			add_cost(&m->side[1], out);
		} else if (m->role == ROLE_ASSISTANT) {
			add_cost(m, out);
		}
	}
}

/* Only the last message can be streaming: a new question waits for the answer before. */
struct msg *conv_live(struct tui *t)
{
	struct msg *m = t->conv.n ? &t->conv.v[t->conv.n - 1] : NULL;
	return m && m->streaming ? m : NULL;
}

bool msg_is_answer(const struct msg *m)
{
	return m->role == ROLE_ASSISTANT || m->role == ROLE_COMPARE;
}

void msg_free(struct msg *m)
{
	buf_free(&m->raw);
	buf_free(&m->reasoning);
	if (m->turn)
		turn_free(m->turn);
	turn_result_free(m->result);
	free(m->profile);
	free(m->model);
	lines_free(&m->lines);
	answer_free(&m->ans);
	free(m->question);
	hl_terms_free(m->terms);
	free(m->checks);
	free(m->order);
	for (int i = 0; m->side && i < 2; i++)
		msg_free(&m->side[i]);
	free(m->side);
}

int conv_live_answers(struct tui *t, struct msg **out)
{
	struct msg *live = conv_live(t);
	int n = 0;
	if (live && live->role == ROLE_COMPARE) {
		for (int i = 0; i < 2; i++)
			if (live->side[i].streaming)
				out[n++] = &live->side[i];
	} else if (live) {
		out[n++] = live;
	}
	return n;
}

/* Drops the conversation on screen (after save_close): what streams is cancelled. */
void conv_clear(struct tui *t)
{
	struct msg *live[2];
	int n = conv_live_answers(t, live);
	for (int i = 0; i < n; i++)
		turn_cancel(live[i]->turn);
	for (size_t i = 0; i < t->conv.n; i++)
		msg_free(&t->conv.v[i]);
	t->conv.n = 0;
	t->conv.selected = t->chat.cur_msg = t->chat.cur_line = 0;
	t->conv.gen++;
}

/* The answer whose sources are shown: the selected message, or its chosen side. */
struct msg *conv_selected(struct tui *t)
{
	struct msg *m = t->conv.selected < t->conv.n ? &t->conv.v[t->conv.selected] : NULL;
	if (m && m->role == ROLE_COMPARE)
		return &m->side[m->side_sel];
	return m && m->role == ROLE_ASSISTANT ? m : NULL;
}

/* The source at position i of the shown order, or NULL. */
const struct source *msg_shown_source(const struct msg *m, size_t i, size_t *map_index)
{
	if (!m || !m->turn || i >= m->norder)
		return NULL;
	const struct cite_map *map = turn_sources(m->turn);
	if (m->order[i] >= map->n)
		return NULL;
	if (map_index)
		*map_index = m->order[i];
	return &map->v[m->order[i]];
}

void conv_free(struct conv *c)
{
	for (size_t i = 0; i < c->n; i++)
		msg_free(&c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
	session_free(c->session);
	c->session = NULL;
}

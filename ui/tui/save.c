/* save.c - session glue: save, resume, export (see save.h). */
#include "ui/tui/save.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/app/log.h"
#include "core/answer/turn.h"
#include "core/session/session.h"
#include "ui/tui/loop.h"

/* A session open in two windows is merged on every save (session.h): the turns the
 * other window added are kept in the file, and the status bar says so once per new one. */
static void session_save_now(struct tui *t)
{
	char *err = NULL;
	struct session *s = t->conv.session;
	if (session_save(s, t->cfg->sessions_dir, &err) < 0) {
		log_error("session: %s", err);
		status_notice(t, true, "the conversation was not saved: %s", err);
		free(err);
	} else if (s->merged > t->conv.merged_said) {
		t->conv.merged_said = s->merged;
		status_notice(t, false, "session %s is open in another window too: its %zu %s kept in the file "
			      "(/sessions shows them all)", s->id, s->merged, s->merged == 1 ? "turn is" : "turns are");
	}
}

/* A compared question is saved as two turns, one per profile. */
void save_begin(struct tui *t, const char *question, struct msg *a)
{
	if (!t->conv.session)
		t->conv.session = session_new(question);
	a->session_turn = session_add(t->conv.session, question, turn_provenance(a->turn), turn_sources(a->turn), NULL,
				      NULL, NULL);
	session_save_now(t);
}

void save_end(struct tui *t, const struct msg *a, const struct turn_result *r)
{
	struct session *s = t->conv.session;
	if (!s || a->session_turn >= s->nturns || s->turns[a->session_turn].finished)
		return;
	/* Verification has marked the sources since the question was saved, and a follow-up
	 * that waited for its rewrite found them only then. */
	session_update(s, a->session_turn, turn_sources(a->turn), turn_provenance(a->turn));
	session_finish(s, a->session_turn, buf_str(&a->raw), buf_str(&a->reasoning), r);
	session_save_now(t);
}

void save_sources(struct tui *t, const struct msg *a)
{
	struct session *s = t->conv.session;
	if (!s || a->session_turn >= s->nturns)
		return;
	session_update(s, a->session_turn, turn_sources(a->turn), turn_provenance(a->turn));
	session_save_now(t);
}

/* Before the conversation is dropped: an answer still streaming is saved as it stands. */
void save_close(struct tui *t)
{
	struct msg *live[2];
	int n = conv_live_answers(t, live);
	for (int i = 0; i < n && t->conv.session; i++) {
		struct turn_result r = {.outcome = TURN_CANCELLED, .outcome_name = (char *)"cancelled",
					.message = (char *)"Stopped when the conversation was closed.",
					.grounding = -1, .total_ms = clock_ms_f() - live[i]->started_ms};
		save_end(t, live[i], &r);
	}
	session_free(t->conv.session);
	t->conv.session = NULL;
	t->conv.history_cut_said = false;
	t->conv.remote_said = false;
	t->conv.merged_said = 0;
}

int save_resume(struct tui *t, const char *prefix, char **err)
{
	const char *dir = t->cfg->sessions_dir;
	char *id = NULL, *path = NULL;
	struct session *s = NULL;
	if (session_resolve(dir, prefix, &id, err) == 0) {
		path = session_path(dir, id);
		session_load(path, &s, err);
	}
	free(path);
	free(id);
	if (!s)
		return -1;
	save_close(t);
	conv_clear(t);
	for (size_t i = 0; i < s->nturns; i++) {
		conv_add(t, ROLE_USER, s->turns[i].question);
		struct msg *a = conv_add(t, ROLE_ASSISTANT, s->turns[i].answer);
		buf_adds(&a->reasoning, s->turns[i].reasoning);
		struct cite_map map;
		struct provenance pv;
		session_turn_copy(s, i, &map, &pv, &a->result);
		a->profile = xstrdup(pv.profile);
		a->model = xstrdup(pv.model);
		a->turn = turn_adopt(&map, &pv);
		a->session_turn = i;
	}
	t->conv.session = s;
	t->conv.selected = t->conv.n ? t->conv.n - 1 : 0;
	t->src.sel = 0;
	t->chat.scroll = 0;
	status_notice(t, false, "resumed %s: %s", s->id, s->title);
	return 0;
}
/* /export [md|json] [FILE] */
void save_export(struct tui *t, const char *arg)
{
	const char *format = "md";
	size_t w = strcspn(arg, " ");
	if ((w == 2 && !strncmp(arg, "md", 2)) || (w == 4 && !strncmp(arg, "json", 4))) {
		format = w == 2 ? "md" : "json";
		arg += w + strspn(arg + w, " ");
	}
	if (!t->conv.session) {
		status_notice(t, true, "nothing to export yet: ask a question first");
		return;
	}
	char *written = NULL, *err = NULL;
	char *dir = xasprintf("%s/exports", t->cfg->data_dir);
	int rc = session_export(t->conv.session, format, *arg ? arg : NULL, dir, &written, &err);
	free(dir);
	if (rc < 0) {
		status_notice(t, true, "export failed: %s", err);
	} else {
		char *full = realpath(written, NULL);
		status_notice(t, false, "exported to %s", full ? full : written);
		free(full);
	}
	free(written);
	free(err);
}

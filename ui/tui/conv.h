/* conv.h - the conversation: the messages on screen, the model of the chat. The message
 * list is owned here; turns.c adds answers and feeds them, save.c mirrors them on disk,
 * msg_lines.c derives their screen lines. UI thread only. */
#ifndef FN_TUI_CONV_H
#define FN_TUI_CONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "base/buf.h"
#include "ui/render/answer.h"
#include "ui/render/wrap.h"

struct tui;
struct cfg_profile;
struct hl_terms;
struct session;
struct source;
struct turn;
struct turn_result;

/* ROLE_COMPARE: one question's two answers (/compare), side by side; each side is an
 * assistant message of its own, kept in the compare message and not in the list. */
enum role { ROLE_USER, ROLE_ASSISTANT, ROLE_NOTE, ROLE_COMPARE };
enum src_state { SRC_FRESH, SRC_CHANGED, SRC_MISSING };

/* What we last saw of a source's file: re-stat on selection, hash only when it moved. */
struct src_check {
	bool done;
	struct timespec mtime;
	off_t size;
	enum src_state state;
};

struct msg {
	enum role role;
	struct buf raw;              /* source of truth: what was said */
	struct buf reasoning;        /* assistant: the model's reasoning, saved with the session */
	struct turn *turn;           /* assistant: sources and provenance */
	struct turn_result *result;  /* assistant, once finished */
	char *profile, *model;
	bool streaming;              /* compare: while either side streams */
	size_t tokens;
	double started_ms;
	uint64_t gen;                /* assistant: the generation its turn's messages carry */
	size_t session_turn;         /* assistant: its turn in the session */
	struct lines lines;          /* derived for `width` */
	int width;
	bool stale;                  /* lines need rebuilding (text arrived, the answer ended) */
	bool full;                   /* the next build renders the answer whole */
	struct answer ans;           /* assistant: the body's rendering state */
	struct msg *side;            /* compare: the two answers */
	int side_sel;                /* compare: the side whose sources are shown */
	bool stacked;                /* compare: too narrow, drawn one above the other */
	char *question;              /* assistant: what was asked (terms to highlight) */
	struct hl_terms *terms;      /* made when its sources are first drawn */
	struct src_check *checks;    /* per source, by index in the citation map */
	size_t *order;               /* sources to show: cited (first mention) then the rest */
	size_t norder, ncited;
	const char *currency;        /* the config's, for the cost in the footer */
};

struct conv {
	struct msg *v;
	size_t n, cap;
	size_t selected;             /* assistant message whose sources are shown */
	uint64_t gen;                /* generation of the streaming turn */
	struct session *session;     /* the conversation on disk; NULL until the first question */
	bool history_cut_said;
	size_t merged_said;          /* another window's turns the status bar has told of */
	bool remote_said;            /* the status bar said where the questions go (once each) */       /* the status bar said old turns are left out (once each) */
	const struct cfg_profile *compare_next[2]; /* /compare armed: the next question goes to both */
};

/* Appends a message (text copied, may be NULL); the pointer is valid until the next add. */
struct msg *conv_add(struct tui *t, enum role role, const char *text);
/* The streaming message: only the last one can be (a question waits for the answer
 * before); NULL when none. */
struct msg *conv_live(struct tui *t);
/* What the conversation's answers cost: every finished answer (both sides of a /compare),
 * its tokens in and out, the micro-units of those with a price, and how many had none. */
struct conv_cost {
	size_t answers, unpriced;
	long long prompt_tokens, completion_tokens;
	int64_t micros;
};
void conv_cost(const struct tui *t, struct conv_cost *out);
/* The answers still streaming: the live message, or the live sides of a comparison, in
 * out[0..2). Returns how many. */
int conv_live_answers(struct tui *t, struct msg **out);
/* Drops the conversation on screen (after save_close): what streams is cancelled, the
 * selection and the chat cursor go back to the start. */
void conv_clear(struct tui *t);
/* Frees every message and the session; at the end. */
void conv_free(struct conv *c);
/* The answer whose sources are shown: the selected message, or its chosen side. */
struct msg *conv_selected(struct tui *t);

bool msg_is_answer(const struct msg *m);
void msg_free(struct msg *m);
/* The source at position i of the shown order (msg_lines_build makes it), or NULL;
 * *map_index (may be NULL) gets its index in the citation map. */
const struct source *msg_shown_source(const struct msg *m, size_t i, size_t *map_index);

#endif

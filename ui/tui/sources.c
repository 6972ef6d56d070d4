/* sources.c - the sources pane (see sources.h). */
#include "ui/tui/sources.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/loc.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/answer/turn.h"
#include "ui/render/cut.h"
#include "ui/render/hl.h"
#include "ui/render/passage.h"
#include "ui/render/wrap.h"
#include "ui/term/term.h"
#include "ui/tui/clip.h"
#include "ui/tui/input.h"
#include "ui/tui/layout.h"
#include "ui/tui/loop.h"
#include "ui/tui/msg_lines.h"
#include "ui/tui/paint.h"

/* Re-stats one source's file (on selection, never on a timer): when size or mtime moved
 * since the last look, the content hash decides, against the hash the index had when the
 * answer was given. */
void sources_check(struct msg *m, size_t i)
{
	const struct cite_map *map = m->turn ? turn_sources(m->turn) : NULL;
	if (!map || i >= map->n)
		return;
	if (!m->checks)
		m->checks = xcalloc(map->n, sizeof *m->checks);
	struct src_check *c = &m->checks[i];
	struct stat st;
	if (stat(map->v[i].path, &st) < 0) {
		*c = (struct src_check){true, {0, 0}, 0, SRC_MISSING};
		return;
	}
	if (c->done && c->state != SRC_MISSING && c->size == st.st_size && c->mtime.tv_sec == st.st_mtim.tv_sec &&
	    c->mtime.tv_nsec == st.st_mtim.tv_nsec)
		return;
	uint64_t h;
	c->done = true;
	c->mtime = st.st_mtim;
	c->size = st.st_size;
	c->state = idx_file_hash(map->v[i].path, &h) != 0 ? SRC_MISSING
		   : h != map->v[i].content_hash    ? SRC_CHANGED
						    : SRC_FRESH;
}

/* An answer became the selected one: look at all its sources once. */
void sources_select(struct tui *t, size_t i)
{
	if (i == t->conv.selected && conv_selected(t) && conv_selected(t)->checks)
		return;
	t->conv.selected = i;
	t->src.sel = 0;
	t->src.preview = false;
	struct msg *m = conv_selected(t);
	if (m && m->turn && !m->streaming)
		for (size_t j = 0; j < turn_sources(m->turn)->n; j++)
			sources_check(m, j);
}

/* In a comparison, the side whose sources the pane shows (0 left, 1 right). */
void sources_compare_side(struct tui *t, int side)
{
	struct msg *c = t->conv.selected < t->conv.n ? &t->conv.v[t->conv.selected] : NULL;
	if (!c || c->role != ROLE_COMPARE || c->side_sel == side)
		return;
	c->side_sel = side;
	t->src.sel = 0;
	t->src.preview = false;
	struct msg *m = conv_selected(t);
	if (m->turn && !m->streaming)
		for (size_t j = 0; j < turn_sources(m->turn)->n; j++)
			sources_check(m, j);
}

static bool is_pdf(const struct source *s)
{
	size_t n = strlen(s->path);
	return s->page > 0 || (n > 4 && !strcasecmp(s->path + n - 4, ".pdf")) || loc_document(s->path);
}

/* A file event from the watcher (changed, removed, moved): the shown answer's sources of
 * that file are looked at again at once, so a stale mark does not wait for the selection
 * to move. path NULL: all of them. */
void sources_file_event(struct tui *t, const char *path)
{
	struct msg *c = t->conv.selected < t->conv.n ? &t->conv.v[t->conv.selected] : NULL;
	if (!c)
		return;
	for (int side = 0; side < (c->role == ROLE_COMPARE ? 2 : 1); side++) {
		struct msg *m = c->role == ROLE_COMPARE ? &c->side[side] : c;
		if (!m->turn || m->streaming || !m->checks)
			continue;
		const struct cite_map *map = turn_sources(m->turn);
		for (size_t i = 0; i < map->n; i++) {
			if (path && strcmp(path, map->v[i].path))
				continue;
			enum src_state was = m->checks[i].state;
			sources_check(m, i);
			if (m->checks[i].state != was)
				t->dirty = true;
		}
	}
}

/* The sentence of m's answer that cites source number n (one that holds first), as bytes
 * of its raw text; false when none does. */
static bool citing_sentence(const struct msg *m, int n, const char **text, size_t *len)
{
	const struct verify_result *v = m->result ? m->result->verify : NULL;
	const struct verify_sentence *found = NULL;
	for (size_t i = 0; v && i < v->n; i++)
		for (int j = 0; j < v->v[i].nsources; j++)
			if (v->v[i].sources[j] == n && (!found || (v->v[i].holds[j] && found->status != VERIFY_SUPPORTED)))
				found = &v->v[i];
	if (!found || found->start + found->len > m->raw.len)
		return false;
	*text = m->raw.p + found->start;
	*len = found->len;
	return true;
}

/* Where to open a source: the line of its passage that holds the sentence citing it (the
 * question's best line when nothing cites it), not the chunk's first line. */
static unsigned open_line(struct tui *t, const struct msg *m, const struct source *s)
{
	unsigned first = s->line_start ? s->line_start : 1;
	const char *claim = m->question;
	size_t clen = claim ? strlen(claim) : 0;
	citing_sentence(m, s->n, &claim, &clen);
	if (!claim || !s->text)
		return first;
	return first + (unsigned)passage_line(s->text, strlen(s->text), claim, clen, t->cfg->index.language);
}

static void sources_open(struct tui *t)
{
	struct msg *m = conv_selected(t);
	size_t mi = 0;
	const struct source *s = msg_shown_source(m, t->src.sel, &mi);
	if (!s) {
		status_notice(t, true, "no source selected");
		return;
	}
	struct stat st;
	if (stat(s->path, &st) < 0) {
		sources_check(m, mi);
		status_notice(t, true, "%s is gone (deleted or moved since this answer): nothing to open", s->path);
		return;
	}
	if (is_pdf(s)) {
		/* "page 2", "slide 3", "chapter 2", "sheet Budget, rows 2-40", or the lines */
		struct buf where = {0};
		if (loc_rows(s->path))
			loc_append(&where, s->path, s->page, s->heading, s->line_start, s->line_end, false);
		else if (s->page)
			loc_unit_append(&where, s->path, s->page, s->heading);
		else
			buf_addf(&where, " lines %u-%u", (unsigned)s->line_start, (unsigned)s->line_end);
		char *at = sanitize_str(buf_str(&where) + (where.len && where.p[0] == ' '), SAN_ONELINE);
		buf_free(&where);
		size_t n = strlen(s->path);
		bool pdf = n > 4 && !strcasecmp(s->path + n - 4, ".pdf");
		if (!prog_in_path("xdg-open")) {
			if (pdf)
				status_notice(t, true, "%s is a PDF and xdg-open is not installed: open it yourself at page %u",
					      s->path, (unsigned)(s->page ? s->page : 1));
			else
				status_notice(t, true, "xdg-open is not installed: open %s yourself at %s", s->path, at);
		} else if (clip_spawn_detached("xdg-open", s->path) < 0) {
			status_notice(t, true, "could not start xdg-open");
		} else if (pdf) {
			status_notice(t, false, "opened %s with xdg-open: the passage is on page %u", s->path,
				      (unsigned)(s->page ? s->page : 1));
		} else {
			status_notice(t, false, "opened %s with xdg-open: the passage is at %s", s->path, at);
		}
		free(at);
		return;
	}
	char line[32];
	snprintf(line, sizeof line, "+%u", open_line(t, m, s));
	if (clip_run_editor(line, s->path) < 0)
		status_notice(t, true, "the editor (%s) did not run cleanly", getenv("FN_EDITOR"));
	t->dirty = true;
}

void sources_key(struct tui *t, enum action a)
{
	struct msg *m = conv_selected(t);
	size_t n = m ? m->norder : 0;
	if (a == A_UP && t->src.sel > 0)
		t->src.sel--;
	else if (a == A_DOWN && t->src.sel + 1 < n)
		t->src.sel++;
	else if (a == A_OPEN)
		sources_open(t);
	else if (a == A_PREVIEW)
		t->src.preview = !t->src.preview;
	size_t mi;
	if ((a == A_UP || a == A_DOWN) && msg_shown_source(m, t->src.sel, &mi))
		sources_check(m, mi);
}

/* One source: "[n] path:lines", heading and score, a stale mark, the snippet with the
 * question's terms highlighted (the whole passage when previewed). */
static int draw_source(struct tui *t, struct msg *m, size_t i, int y, int bottom, int x, int width)
{
	size_t mi = 0;
	const struct source *s = msg_shown_source(m, i, &mi);
	bool sel = i == t->src.sel, cited = i < m->ncited;
	int base = cited ? SLOT_DEFAULT : SLOT_SOURCES_UNCITED;
	char head[64];
	snprintf(head, sizeof head, "[%d] ", s->n);
	/* Relative to its watched folder: the part that tells files apart. */
	const char *rel = s->path;
	for (size_t f = 0; f < t->cfg->index.folders.n; f++) {
		const char *dir = t->cfg->index.folders.v[f].path;
		size_t n = strlen(dir);
		if (!strncmp(s->path, dir, n) && s->path[n] == '/' && strlen(s->path + n + 1) < strlen(rel))
			rel = s->path + n + 1;
	}
	struct buf loc = {0};
	buf_adds(&loc, rel);
	loc_append(&loc, s->path, s->page, s->heading, s->line_start, s->line_end, true);
	char *safe = sanitize_str(buf_str(&loc), SAN_ONELINE);
	buf_free(&loc);
	/* A long path loses its middle, never its file name, and says so. */
	char *shown = cut_path(safe, width - (int)strlen(head));
	if (sel)
		term_fill(y, x, width, SLOT_SOURCES_SELECTED);
	int c = term_text(y, x, width, sel ? SLOT_SOURCES_SELECTED : cited ? SLOT_CHAT_CITATION : SLOT_SOURCES_UNCITED,
			  head, strlen(head));
	term_text(y, x + c, width - c, sel ? SLOT_SOURCES_SELECTED : cited ? SLOT_SOURCES_PATH : SLOT_SOURCES_UNCITED,
		  shown, strlen(shown));
	free(shown);
	free(safe);
	y++;
	if (y < bottom) {
		/* What verification found first: it is what the line is for. */
		const char *st = NULL;
		int st_slot = SLOT_SOURCES_VERIFIED;
		if (s->auto_attached) {
			st = "attached automatically";
			st_slot = SLOT_CHAT_ATTACHED;
		} else if (s->cited && s->verified) {
			st = "✓ verified";
		} else if (s->cited && m->result && m->result->grounding >= 0) { /* verification ran */
			st = "✗ not supported";
			st_slot = SLOT_SOURCES_UNSUPPORTED;
		}
		int c0 = st ? term_text(y, x + 4, width - 4, st_slot, st, strlen(st)) : 0;
		/* The score only when it fits whole (a cut number reads as another number);
		 * then the heading, cut with a mark. */
		struct buf info = {0};
		if (st && *s->heading)
			buf_adds(&info, " · ");
		buf_adds(&info, s->heading);
		size_t bare = info.len;
		buf_addf(&info, "%sscore %.3g", st || *s->heading ? " · " : "", s->score);
		char *h = sanitize_str(buf_str(&info), SAN_ONELINE);
		int room = width - 4 - c0;
		if (text_width(h, strlen(h)) > room && bare) {
			free(h);
			info.len = bare;
			info.p[bare] = '\0';
			h = sanitize_str(buf_str(&info), SAN_ONELINE);
		}
		char *hc = cut_end(h, room);
		term_text(y++, x + 4 + c0, room, cited ? SLOT_CHAT_META : SLOT_SOURCES_UNCITED, hc, strlen(hc));
		free(hc);
		free(h);
		buf_free(&info);
	}
	const struct src_check *ck = m->checks ? &m->checks[mi] : NULL;
	if (ck && ck->done && ck->state != SRC_FRESH && y < bottom) {
		const char *why = ck->state == SRC_MISSING ? "! stale: the file is gone or unreadable"
							   : "! stale: the file changed since this answer";
		y = paint_wrapped(y, bottom, x + 4, width - 4, why, SLOT_SOURCES_STALE);
	}
	bool full = sel && t->src.preview;
	char *snip = sanitize_str(full ? s->text : s->snippet, full ? 0 : SAN_ONELINE);
	if (!m->terms)
		m->terms = hl_terms_new(m->question, t->cfg->index.language);
	struct span *sp;
	size_t nsp = hl_term_spans(m->terms, snip, strlen(snip), base, SLOT_SOURCES_MATCH, &sp);
	for (char *p = snip; *p; p++) /* tabs would move the cursor */
		if (*p == '\t')
			*p = ' ';
	struct lines ls = {0};
	wrap_styled(snip, strlen(snip), width - 4, sp, nsp, &ls);
	size_t maxl = full ? (size_t)(bottom - y) : 2;
	for (size_t j = 0; j < ls.n && j < maxl && y < bottom; j++)
		paint_line(y++, x + 4, width - 4, &ls.v[j], base);
	lines_free(&ls);
	free(sp);
	free(snip);
	return y + 1;
}

void sources_draw(struct tui *t, const struct rect *r)
{
	int top = r->y, height = r->h, x = r->x, width = r->w;
	for (int y = top; y < top + height; y++)
		term_fill(y, x, width, SLOT_DEFAULT);
	term_vline(top, x, height, t->focus == FOCUS_SOURCES ? SLOT_BORDER_FOCUS : SLOT_BORDER);
	x += 2;
	width -= 3;
	struct msg *sm = t->conv.selected < t->conv.n ? &t->conv.v[t->conv.selected] : NULL;
	if (sm) /* its sources' order comes with its lines (the overlay may hide the chat) */
		msg_lines_build(sm, t->chat.w > 0 ? t->chat.w : 80);
	struct msg *m = conv_selected(t);
	if (sm && sm->role == ROLE_COMPARE) { /* which side: ←/→ switch */
		char title[160];
		snprintf(title, sizeof title, "Sources %s %s %s", sm->side_sel ? "◂" : " ", m->profile,
			 sm->side_sel ? " " : "▸");
		char *safe = sanitize_str(title, SAN_ONELINE);
		term_text(top, x, width, SLOT_SOURCES_TITLE, safe, strlen(safe));
		free(safe);
	} else {
		term_text(top, x, width, SLOT_SOURCES_TITLE, "Sources", 7);
	}
	int y = top + 2, bottom = top + height;
	if (!m || !m->turn) {
		char s[200];
		if (!t->prof.cur->retrieval.enabled)
			snprintf(s, sizeof s, "Profile %s does not retrieve: its answers have no sources.",
				 t->prof.cur->name);
		else
			snprintf(s, sizeof s, "Sources of the selected answer appear here.");
		char *safe = sanitize_str(s, SAN_ONELINE);
		paint_wrapped(y, bottom, x, width, safe, SLOT_CHAT_META);
		free(safe);
		return;
	}
	const struct provenance *pv = turn_provenance(m->turn);
	if (!pv->retrieval) {
		char s[160];
		snprintf(s, sizeof s, "Profile %s does not retrieve: this answer has no sources.", pv->profile);
		char *safe = sanitize_str(s, SAN_ONELINE);
		paint_wrapped(y, bottom, x, width, safe, SLOT_CHAT_META);
		free(safe);
		return;
	}
	if (*pv->search_query) { /* the follow-up was rewritten for the search */
		char *q = xasprintf("searched for: %s", pv->search_query);
		char *safe = sanitize_str(q, SAN_ONELINE);
		y = paint_wrapped(y, bottom, x, width, safe, SLOT_CHAT_META) + 1;
		free(safe);
		free(q);
	}
	if (*pv->expansion) { /* the sub-queries searched too, or why there were none */
		struct buf q = {0};
		buf_adds(&q, "expansion: ");
		for (const char *c = pv->expansion; *c; c++)
			if (*c == '\n')
				buf_adds(&q, " · ");
			else
				buf_addc(&q, *c);
		char *safe = sanitize_str(buf_str(&q), SAN_ONELINE);
		y = paint_wrapped(y, bottom, x, width, safe, SLOT_CHAT_META) + 1;
		free(safe);
		buf_free(&q);
	}
	if (!m->norder) {
		term_text(y, x, width, SLOT_CHAT_META, "No passage matched.", 19);
		return;
	}
	if (!m->checks && !m->streaming) /* the answer just ended: look at its files once */
		for (size_t i = 0; i < turn_sources(m->turn)->n; i++)
			sources_check(m, i);
	/* Keep the selected source in view: skip whole sources above it when needed. */
	size_t from = 0;
	if (t->src.sel >= m->norder)
		t->src.sel = m->norder - 1;
	if (t->src.sel > 0 && height > 8)
		from = t->src.sel > 1 ? t->src.sel - 1 : 0;
	if (t->src.sel < 3)
		from = 0;
	for (size_t i = from; i < m->norder && y < bottom; i++) {
		if (i == m->ncited && i > 0 && !m->streaming && y < bottom)
			term_text(y++, x, width, SLOT_SOURCES_UNCITED, "Retrieved, not cited", 20);
		y = draw_source(t, m, i, y, bottom, x, width);
	}
}

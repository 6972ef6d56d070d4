/* session_md.c - a session as Markdown: provenance in YAML front matter, citations as
 * footnotes (see session_to_markdown in session.h).
 *
 * Footnote labels run through the whole document ([^1], [^2], ...) in the order sources are
 * first cited, so turn 2's [1] and turn 1's [1] get different labels. Each turn's footnote
 * definitions follow its answer. Every string passes sanitize(); front matter values are
 * sanitized to one line and written as double-quoted YAML scalars.
 *
 * When the turn kept its verification, what it found is written after each sentence it
 * concerns: "*(not supported by [^2])*" after a sentence whose citation does not hold, and
 * "*(model knowledge)*" after an uncited one when the profile's policy was label. */
#include "core/session/session.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/loc.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/answer/cost.h"
#include "core/answer/cite.h"
#include "core/answer/verify.h"


/* ---- citation markers: core/answer/cite.h finds them (code left alone), fn rewrites them. */

typedef void (*marker_fn)(void *ctx, const int *ids, size_t nids, struct buf *out);

/* Copies s to out; each marker outside code goes to fn instead. */
static void replace_markers(const char *s, size_t len, marker_fn fn, void *ctx, struct buf *out)
{
	struct cite_segs segs = {0};
	cite_parse(s, len, 0, true, &segs); /* validity is fn's business: it has the map */
	for (size_t i = 0; i < segs.n; i++) {
		const struct cite_seg *g = &segs.v[i];
		if (g->kind == CITE_MARKER)
			fn(ctx, g->ids, (size_t)g->nids, out);
		else
			buf_add(out, s + g->start, g->len);
	}
	cite_segs_free(&segs);
}

/* ---- footnotes -------------------------------------------------------------------------- */

struct note {
	int n;          /* the source's number in its turn */
	int label;      /* [^label] in the document */
};

struct notes {
	const struct session_turn *turn;
	struct note *v;  /* this turn's, in label order */
	size_t n, cap;
	int next;        /* the next label in the document */
};

static int note_label(struct notes *ns, int n)
{
	for (size_t i = 0; i < ns->n; i++)
		if (ns->v[i].n == n)
			return ns->v[i].label;
	ns->v = xgrow(ns->v, &ns->cap, ns->n + 1, sizeof *ns->v);
	ns->v[ns->n++] = (struct note){n, ns->next};
	return ns->next++;
}

static void cite(void *ctx, const int *ids, size_t nids, struct buf *out)
{
	struct notes *ns = ctx;
	for (size_t i = 0; i < nids; i++) {
		if (cite_map_get(&ns->turn->map, ids[i]))
			buf_addf(out, "[^%d]", note_label(ns, ids[i]));
		else
			buf_addf(out, "[%d: no such source]", ids[i]);
	}
}

/* ---- what verification found, written into the answer ----------------------------------- */

/* The note after sentence vs, or nothing: the sources it cites that exist and do not hold
 * it (a number with no source already reads "no such source"), or the label. */
static void sentence_note(struct buf *b, const struct session_turn *t, const struct verify_sentence *vs)
{
	if (vs->status == VERIFY_UNCITED && t->result.label_uncited) {
		buf_adds(b, " *(model knowledge)*");
		return;
	}
	if (vs->status != VERIFY_UNSUPPORTED)
		return;
	size_t before = b->len;
	for (int k = 0; k < vs->nsources; k++) {
		if (vs->holds[k] || !cite_map_get(&t->map, vs->sources[k]))
			continue;
		buf_adds(b, b->len == before ? " *(not supported by " : ", ");
		buf_addf(b, "[%d]", vs->sources[k]);
	}
	if (b->len > before)
		buf_adds(b, ")*");
}

/* The raw answer with each sentence's note inserted where the sentence ends (before its
 * trailing white space). The notes' [n] become footnote references like the answer's own.
 * Sentences are in answer order; one that overlaps the one before is skipped. Caller frees. */
static char *annotated(const struct session_turn *t)
{
	const struct verify_result *v = t->result.verify;
	const char *a = t->answer;
	size_t len = strlen(a), at = 0;
	struct buf b = {0};
	for (size_t i = 0; v && i < v->n; i++) {
		const struct verify_sentence *vs = &v->v[i];
		size_t end = vs->start + vs->len;
		if (vs->start < at || end > len)
			continue;
		while (end > vs->start && strchr(" \t\r\n", a[end - 1]))
			end--;
		buf_add(&b, a + at, end - at);
		sentence_note(&b, t, vs);
		at = end;
	}
	buf_add(&b, a + at, len - at);
	return buf_detach(&b);
}

/* ---- writing ---------------------------------------------------------------------------- */

/* A one-line YAML double-quoted scalar: line breaks become spaces, and after sanitizing
 * there is no control character left, so only the quote and the backslash need escaping. */
static void yq(struct buf *b, const char *s)
{
	char *one = xstrdup(s);
	for (char *p = one; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	char *safe = sanitize_str(one, SAN_ONELINE);
	free(one);
	buf_addc(b, '"');
	for (const char *p = safe; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
	free(safe);
}

static void ykey(struct buf *b, const char *indent, const char *key, const char *value)
{
	buf_addf(b, "%s%s: ", indent, key);
	if (value)
		yq(b, value);
	else
		buf_adds(b, "null");
	buf_addc(b, '\n');
}

static void yaml_source(struct buf *b, const struct source *s, bool given)
{
	buf_adds(b, "      - {");
	if (given)
		buf_addf(b, "n: %d, ", s->n);
	buf_adds(b, "path: ");
	yq(b, s->path);
	buf_addf(b, ", chunk: %" PRIu64 ", lines: \"%u-%u\"", s->chunk, (unsigned)s->line_start,
		 (unsigned)s->line_end);
	if (s->page)
		buf_addf(b, ", page: %u", (unsigned)s->page);
	buf_addf(b, ", content_hash: \"%016" PRIx64 "\"}\n", s->content_hash);
}

static void yaml_turn(struct buf *b, const struct session_turn *t)
{
	const struct provenance *p = &t->prov;
	const struct turn_result *r = &t->result;
	buf_adds(b, "  - question: ");
	yq(b, t->question);
	buf_addc(b, '\n');
	ykey(b, "    ", "time", p->time);
	ykey(b, "    ", "profile", p->profile);
	ykey(b, "    ", "provider", p->provider);
	ykey(b, "    ", "provider_kind", p->provider_kind);
	ykey(b, "    ", "model", p->model);
	ykey(b, "    ", "host", p->host);
	if (p->note && *p->note)
		ykey(b, "    ", "note", p->note);
	/* Turns of version 1 did not record the budget, the policy, the fusion settings or the
	 * chunk count (their no_evidence reads ""): left out rather than shown as zeros. */
	bool v2 = p->no_evidence && *p->no_evidence;
	buf_addf(b, "    temperature: %g\n", p->temperature);
	if (v2) {
		buf_addf(b, "    context_tokens: %d\n    max_tokens: %d\n", p->context_tokens, p->max_tokens);
		ykey(b, "    ", "no_evidence", p->no_evidence);
	}
	buf_addf(b, "    retrieval: {enabled: %s, top_k: %d, mode: ", p->retrieval ? "true" : "false", p->top_k);
	yq(b, p->mode);
	buf_adds(b, ", collections: ");
	yq(b, p->collections);
	if (v2)
		buf_addf(b, ", w_lexical: %g, w_vector: %g, min_score: %g, per_file_cap: %d", p->w_lexical,
			 p->w_vector, p->min_score, p->per_file_cap);
	buf_adds(b, "}\n");
	buf_addf(b, "    index: {generation: %" PRIu64 ", files: %" PRIu64, p->index_generation, p->index_files);
	if (v2)
		buf_addf(b, ", chunks: %" PRIu64, p->index_chunks);
	buf_adds(b, "}\n");
	ykey(b, "    ", "outcome", r->outcome_name);
	ykey(b, "    ", "finish_reason", r->finish_reason);
	buf_addf(b, "    usage: {prompt_tokens: %lld, completion_tokens: %lld, prompt_tokens_estimate: %d}\n",
		 r->prompt_tokens, r->completion_tokens, p->prompt_tokens_estimate);
	buf_addf(b, "    timings_ms: {retrieval: %.1f, first_token: %.1f, total: %.1f}\n", p->retrieval_ms,
		 r->first_token_ms, r->total_ms);
	if (r->priced) {
		char cents[32];
		buf_addf(b, "    cost: {micros: %lld, cents: %s}\n", (long long)r->cost_micros,
			 cost_cents(r->cost_micros, cents, sizeof cents));
	}
	if ((p->fine_tune && *p->fine_tune) || (p->checkpoint && *p->checkpoint) ||
	    (p->dataset_version && *p->dataset_version)) {
		buf_adds(b, "    fine_tune:\n");
		ykey(b, "      ", "kind", p->fine_tune);
		ykey(b, "      ", "base_model", p->base_model);
		ykey(b, "      ", "adapter", p->adapter);
		ykey(b, "      ", "checkpoint", p->checkpoint);
		ykey(b, "      ", "dataset_version", p->dataset_version);
	}
	if (r->grounding >= 0)
		buf_addf(b, "    grounding: %.2f\n", r->grounding);
	else
		buf_adds(b, "    grounding: null\n");
	if (r->verify) {
		int count[VERIFY_ATTACHED + 1] = {0};
		for (size_t i = 0; i < r->verify->n; i++)
			if (r->verify->v[i].status >= 0 && r->verify->v[i].status <= VERIFY_ATTACHED)
				count[r->verify->v[i].status]++;
		buf_addf(b, "    sentences: {supported: %d, unsupported: %d, uncited: %d, auto_attached: %d}\n",
			 count[VERIFY_SUPPORTED], count[VERIFY_UNSUPPORTED], count[VERIFY_UNCITED],
			 count[VERIFY_ATTACHED]);
	}
	buf_adds(b, t->map.n ? "    sources:\n" : "    sources: []\n");
	for (size_t i = 0; i < t->map.n; i++)
		yaml_source(b, &t->map.v[i], true);
	buf_adds(b, t->map.ndropped ? "    dropped:\n" : "    dropped: []\n");
	for (size_t i = 0; i < t->map.ndropped; i++)
		yaml_source(b, &t->map.dropped[i], false);
}

static void front_matter(struct buf *b, const struct session *s)
{
	/* The marker the index looks for (index/text/text.h text_written_by_footnote). */
	buf_addf(b, "---\n# written by footnote: a session export, never indexed by footnote\n"
		 "footnote_session: %d\n", SESSION_VERSION);
	ykey(b, "", "id", s->id);
	ykey(b, "", "title", s->title);
	ykey(b, "", "created", s->created);
	ykey(b, "", "updated", s->updated);
	buf_adds(b, s->nturns ? "turns:\n" : "turns: []\n");
	for (size_t i = 0; i < s->nturns; i++)
		yaml_turn(b, &s->turns[i]);
	buf_adds(b, "---\n\n");
}

/* Appends text with every line prefixed. */
static void prefixed(struct buf *b, const char *prefix, const char *text, unsigned flags)
{
	char *safe = sanitize_str(text, flags);
	const char *p = safe;
	do {
		size_t n = strcspn(p, "\n");
		size_t plen = strlen(prefix);
		while (!n && plen && prefix[plen - 1] == ' ')
			plen--; /* no trailing blank on an empty line */
		buf_add(b, prefix, plen);
		buf_add(b, p, n);
		buf_addc(b, '\n');
		p += n;
	} while (*p && *++p);
	free(safe);
}

/* path:start-end, p. N (heading), one line, sanitized. */
static void location(struct buf *b, const struct source *s)
{
	struct buf raw = {0};
	if (loc_rows(s->path) || strcmp(loc_unit(s->path), "page")) {
		buf_adds(&raw, s->path); /* slide, chapter, sheet and rows in their words */
		loc_append(&raw, s->path, s->page, s->heading, s->line_start, s->line_end, false);
	} else {
		buf_addf(&raw, "%s:%u-%u", s->path, (unsigned)s->line_start, (unsigned)s->line_end);
		if (s->page)
			buf_addf(&raw, ", p. %u", (unsigned)s->page);
	}
	if (*s->heading)
		buf_addf(&raw, " (%s)", s->heading);
	sanitize(raw.p, raw.len, SAN_ONELINE, b);
	buf_free(&raw);
}

static void footnote_defs(struct buf *b, const struct session_turn *t, const struct notes *ns)
{
	for (size_t i = 0; i < ns->n; i++) {
		const struct source *s = cite_map_get(&t->map, ns->v[i].n);
		buf_addf(b, "[^%d]: ", ns->v[i].label);
		location(b, s);
		if (s->auto_attached)
			buf_adds(b, " · attached automatically");
		else if (s->verified)
			buf_adds(b, " · verified");
		else if (t->result.grounding >= 0)
			buf_adds(b, " · not supported by the passage");
		buf_adds(b, "\n\n");
		prefixed(b, "    > ", s->text, 0);
		buf_addc(b, '\n');
	}
}

static void answer_meta(struct buf *b, const struct session_turn *t)
{
	const struct turn_result *r = &t->result;
	struct buf m = {0};
	buf_addf(&m, "%s · %s · %s", t->prov.profile, t->prov.model, r->outcome_name);
	if (r->grounding >= 0)
		buf_addf(&m, " · grounding %.0f%%", r->grounding * 100);
	buf_addf(&m, " · %zu source%s · %.0f ms", t->map.n, t->map.n == 1 ? "" : "s", r->total_ms);
	buf_adds(b, "*");
	sanitize(m.p, m.len, SAN_ONELINE, b);
	buf_adds(b, "*\n\n");
	buf_free(&m);
}

static void turn_md(struct buf *b, const struct session_turn *t, size_t i, int *next)
{
	buf_addf(b, "## Question %zu\n\n", i + 1);
	prefixed(b, "> ", t->question, 0);
	buf_addc(b, '\n');
	answer_meta(b, t);
	if (*t->reasoning) {
		buf_adds(b, "<details><summary>Reasoning</summary>\n\n");
		prefixed(b, "", t->reasoning, 0);
		buf_adds(b, "\n</details>\n\n");
	}
	struct notes ns = {t, NULL, 0, 0, *next};
	struct buf safe = {0};
	char *answer = annotated(t);
	sanitize(answer, strlen(answer), 0, &safe);
	free(answer);
	replace_markers(safe.p ? safe.p : "", safe.len, cite, &ns, b);
	while (b->len && b->p[b->len - 1] == '\n')
		b->len--;
	buf_adds(b, "\n\n");
	buf_free(&safe);

	/* Sources the verifier attached (the model gave no marker) get a reference here. */
	bool attached = false;
	for (size_t k = 0; k < t->map.n; k++) {
		if (!t->map.v[k].auto_attached)
			continue;
		buf_adds(b, attached ? " " : "Attached automatically:");
		buf_addf(b, " [^%d]", note_label(&ns, t->map.v[k].n));
		attached = true;
	}
	if (attached)
		buf_adds(b, "\n\n");
	if ((strcmp(t->result.outcome_name, "completed") || t->result.not_grounded) && t->result.message) {
		buf_addf(b, "> **%s:** ", t->result.outcome_name);
		char *msg = sanitize_str(t->result.message, SAN_ONELINE);
		buf_adds(b, msg);
		buf_adds(b, "\n\n");
		free(msg);
	}
	bool uncited = false;
	for (size_t k = 0; k < t->map.n; k++) {
		bool used = false;
		for (size_t j = 0; j < ns.n; j++)
			used |= ns.v[j].n == t->map.v[k].n;
		if (used)
			continue;
		buf_adds(b, uncited ? "" : "Also given to the model, not cited:\n\n");
		buf_addf(b, "- [%d] ", t->map.v[k].n);
		location(b, &t->map.v[k]);
		buf_addc(b, '\n');
		uncited = true;
	}
	if (uncited)
		buf_addc(b, '\n');
	if (t->map.ndropped) {
		buf_adds(b, "Retrieved but left out for the token budget:\n\n");
		for (size_t k = 0; k < t->map.ndropped; k++) {
			buf_adds(b, "- ");
			location(b, &t->map.dropped[k]);
			buf_addc(b, '\n');
		}
		buf_addc(b, '\n');
	}
	footnote_defs(b, t, &ns);
	*next = ns.next;
	free(ns.v);
}

char *session_to_markdown(const struct session *s)
{
	struct buf b = {0};
	front_matter(&b, s);
	buf_adds(&b, "# ");
	char *title = sanitize_str(s->title, SAN_ONELINE);
	buf_adds(&b, title);
	free(title);
	buf_adds(&b, "\n\n");
	int next = 1;
	for (size_t i = 0; i < s->nturns; i++)
		turn_md(&b, &s->turns[i], i, &next);
	while (b.len > 1 && b.p[b.len - 1] == '\n' && b.p[b.len - 2] == '\n')
		b.len--;
	b.p[b.len] = '\0';
	return buf_detach(&b);
}

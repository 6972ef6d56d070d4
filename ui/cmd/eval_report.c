/* eval_report.c - the figures eval compares, as a table, JSON, HTML and against a baseline
 * (see eval_report.h). */
#include "ui/cmd/eval_report.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/answer/cost.h"

static bool answered(const struct eval_report *r)
{
	return r->answered && r->completed;
}

#define GET(name, expr) \
	static double name(const struct eval_report *r) { return (expr); }
GET(g_accuracy, !r->answered ? -1 : r->judge >= 0 ? r->judge : r->contains)
GET(g_f1, r->answered ? r->f1 : -1)
GET(g_contains, r->answered ? r->contains : -1)
GET(g_judge, r->answered ? r->judge : -1)
GET(g_grounding, r->answered ? r->grounding : -1)
GET(g_relevance, r->answered ? r->relevance : -1)
GET(g_right, r->answered ? r->right_decline_rate : -1)
GET(g_halluc, r->answered ? r->hallucination_rate : -1)
GET(g_unsupported, answered(r) && r->sentences ? (double)r->unsupported / (double)r->sentences : -1)
GET(g_recall, r->retrieval ? r->recall : -1)
GET(g_ft50, answered(r) ? r->first_token_p50_ms : -1)
GET(g_ft95, answered(r) ? r->first_token_p95_ms : -1)
GET(g_tt50, answered(r) ? r->total_p50_ms : -1)
GET(g_tt95, answered(r) ? r->total_p95_ms : -1)
/* 0 tokens: the server did not say, not a free answer. */
GET(g_tokens, answered(r) && r->prompt_tokens + r->completion_tokens > 0
		      ? r->prompt_tokens + r->completion_tokens : -1)
GET(g_cost, r->answers_run && r->priced == r->answers_run
		    ? (double)((r->cost_micros + (int64_t)r->answers_run / 2) / (int64_t)r->answers_run) : -1)
#undef GET

const struct eval_figure eval_figures[] = {
	{"accuracy", "accuracy", 1, FIG_SHARE, g_accuracy},
	{"token_f1", "token F1", 1, FIG_SHARE, g_f1},
	{"contains_reference", "contains the reference", 1, FIG_SHARE, g_contains},
	{"judge", "judge score", 1, FIG_SHARE, g_judge},
	{"grounding", "grounding", 1, FIG_SHARE, g_grounding},
	{"relevance", "relevance of quotes", 1, FIG_SHARE, g_relevance},
	{"right_declines", "right declines", 1, FIG_SHARE, g_right},
	{"hallucination_rate", "hallucination rate", -1, FIG_SHARE, g_halluc},
	{"unsupported_sentences", "unsupported sentences", -1, FIG_SHARE, g_unsupported},
	{"recall", "retrieval recall", 1, FIG_SHARE, g_recall},
	{"first_token_p50_ms", "first token p50 ms", -1, FIG_MS, g_ft50},
	{"first_token_p95_ms", "first token p95 ms", -1, FIG_MS, g_ft95},
	{"total_p50_ms", "total p50 ms", -1, FIG_MS, g_tt50},
	{"total_p95_ms", "total p95 ms", -1, FIG_MS, g_tt95},
	{"tokens_per_answer", "tokens per answer", -1, FIG_TOKENS, g_tokens},
	{"cost_per_answer_micros", "cost per answer", -1, FIG_MONEY, g_cost},
};
const size_t eval_nfigures = sizeof eval_figures / sizeof *eval_figures;

void eval_figure_text(const struct eval_figure *f, const struct eval_report *r, const char *currency, char *out,
		      size_t len)
{
	double v = f->get(r);
	if (v < 0) {
		snprintf(out, len, "-");
		return;
	}
	switch (f->kind) {
	case FIG_SHARE: snprintf(out, len, "%.3f", v); break;
	case FIG_MS: snprintf(out, len, "%.0f", v); break;
	case FIG_TOKENS: snprintf(out, len, "%.0f", v); break;
	case FIG_MONEY: cost_format((int64_t)v, currency, out, len); break;
	}
}

int eval_figure_best(const struct eval_figure *f, const struct eval_report *r, size_t n)
{
	int best = -1, have = 0;
	bool differ = false;
	double bv = 0;
	for (size_t i = 0; i < n; i++) {
		double v = f->get(&r[i]);
		if (v < 0)
			continue;
		if (have++ && fabs(v - bv) > 1e-12)
			differ = true;
		if (best < 0 || (f->better > 0 ? v > bv + 1e-12 : v < bv - 1e-12)) {
			best = (int)i;
			bv = v;
		}
	}
	return have >= 2 && differ ? best : -1;
}

/* Whether profile i shares the best value of figure f (ties are all best). */
static bool is_best(const struct eval_figure *f, const struct eval_report *r, size_t n, size_t i)
{
	int best = eval_figure_best(f, r, n);
	return best >= 0 && f->get(&r[i]) >= 0 && fabs(f->get(&r[i]) - f->get(&r[best])) <= 1e-12;
}

static double max_of(const struct eval_figure *f, const struct eval_report *r, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++)
		if (f->get(&r[i]) > m)
			m = f->get(&r[i]);
	return m;
}

void eval_print_comparison(FILE *out, const struct eval_report *r, size_t n, const char *currency, bool bars)
{
	fprintf(out, "%-26s", "comparison (* best)");
	for (size_t i = 0; i < n; i++) {
		char *name = sanitize_str(r[i].profile, SAN_ONELINE);
		fprintf(out, " %16s", name);
		free(name);
	}
	fputc('\n', out);
	static const char *const eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
	for (size_t k = 0; k < eval_nfigures; k++) {
		const struct eval_figure *f = &eval_figures[k];
		fprintf(out, "%-26s", f->label);
		for (size_t i = 0; i < n; i++) {
			char cell[48], marked[56];
			eval_figure_text(f, &r[i], currency, cell, sizeof cell);
			snprintf(marked, sizeof marked, "%s%s", cell, is_best(f, r, n, i) ? "*" : "");
			fprintf(out, " %16s", marked);
		}
		fputc('\n', out);
		if (!bars)
			continue;
		double m = max_of(f, r, n);
		fprintf(out, "%-26s", "");
		for (size_t i = 0; i < n; i++) {
			double v = f->get(&r[i]);
			int e = v > 0 && m > 0 ? (int)lround(v / m * 12 * 8) : 0; /* up to 12 cells */
			struct buf b = {0};
			for (int j = 0; j < e / 8; j++)
				buf_adds(&b, "█");
			buf_adds(&b, eighths[e % 8]);
			int pad = 16 - (e / 8 + (e % 8 > 0));
			fprintf(out, " %*s%s", pad > 0 ? pad : 0, "", buf_str(&b));
			buf_free(&b);
		}
		fputc('\n', out);
	}
}

cJSON *eval_figures_json(const struct eval_report *r)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t k = 0; k < eval_nfigures; k++) {
		double v = eval_figures[k].get(r);
		if (v < 0)
			cJSON_AddNullToObject(o, eval_figures[k].key);
		else
			cJSON_AddNumberToObject(o, eval_figures[k].key, v);
	}
	return o;
}

/* ---- HTML ----------------------------------------------------------------------------- */

static void esc(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '&': buf_adds(b, "&amp;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		default: buf_addc(b, *s);
		}
	}
}

/* One horizontal bar chart of figure f: a bar per profile, the best one green. */
static void svg_chart(struct buf *b, const struct eval_figure *f, const struct eval_report *r, size_t n,
		      const char *currency)
{
	int h = 24 * (int)n + 8;
	double m = max_of(f, r, n);
	buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"420\" height=\"%d\" role=\"img\">", h);
	for (size_t i = 0; i < n; i++) {
		double v = f->get(&r[i]);
		int y = 4 + 24 * (int)i, w = v > 0 && m > 0 ? (int)lround(v / m * 240) : 0;
		char text[48];
		eval_figure_text(f, &r[i], currency, text, sizeof text);
		buf_adds(b, "<text x=\"0\" y=\"");
		buf_addf(b, "%d\" font-size=\"12\">", y + 14);
		esc(b, r[i].profile);
		buf_addf(b, "</text><rect x=\"100\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"%s\"/>", y, w,
			 is_best(f, r, n, i) ? "#2e7d32" : "#5c6bc0");
		buf_addf(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\">", 100 + w + 6, y + 14);
		esc(b, text);
		buf_adds(b, "</text>");
	}
	buf_adds(b, "</svg>");
}

int eval_write_html(const char *path, const char *title, const struct eval_report *r, size_t n,
		    const char *currency)
{
	struct buf b = {0};
	buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
	esc(&b, title);
	buf_adds(&b, "</title><style>body{font-family:sans-serif;margin:24px;background:#fff;color:#111}"
		     "table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 10px;text-align:right}"
		     "th:first-child,td:first-child{text-align:left}.best{background:#c8e6c9;font-weight:bold}"
		     "h2{font-size:15px;margin:18px 0 4px}</style></head><body>\n<h1>");
	esc(&b, title);
	buf_adds(&b, "</h1>\n<table><tr><th>figure</th>");
	for (size_t i = 0; i < n; i++) {
		buf_adds(&b, "<th>");
		esc(&b, r[i].profile);
		buf_adds(&b, "</th>");
	}
	buf_adds(&b, "</tr>\n");
	for (size_t k = 0; k < eval_nfigures; k++) {
		const struct eval_figure *f = &eval_figures[k];
		buf_adds(&b, "<tr><td>");
		esc(&b, f->label);
		buf_adds(&b, "</td>");
		for (size_t i = 0; i < n; i++) {
			char cell[48];
			eval_figure_text(f, &r[i], currency, cell, sizeof cell);
			buf_adds(&b, is_best(f, r, n, i) ? "<td class=\"best\">" : "<td>");
			esc(&b, cell);
			buf_adds(&b, "</td>");
		}
		buf_adds(&b, "</tr>\n");
	}
	buf_adds(&b, "</table>\n");
	for (size_t k = 0; k < eval_nfigures; k++) {
		const struct eval_figure *f = &eval_figures[k];
		if (max_of(f, r, n) <= 0)
			continue;
		buf_adds(&b, "<h2>");
		esc(&b, f->label);
		buf_adds(&b, f->better > 0 ? " (higher is better)" : " (lower is better)");
		buf_adds(&b, "</h2>\n");
		svg_chart(&b, f, r, n, currency);
		buf_addc(&b, '\n');
	}
	buf_adds(&b, "</body></html>\n");
	int rc = fs_write_atomic(path, buf_str(&b), b.len, 0644);
	buf_free(&b);
	return rc;
}

/* ---- baseline ------------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = {0};
	char chunk[8192];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, got);
	fclose(f);
	*len = b.len;
	buf_addc(&b, '\0');
	return buf_detach(&b);
}

int eval_compare_baseline(const char *path, const struct eval_report *r, size_t n, double tolerance, FILE *out,
			  char **err)
{
	size_t len = 0;
	char *text = slurp(path, &len);
	if (!text) {
		*err = xasprintf("%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	cJSON *root = cJSON_ParseWithLength(text, len);
	free(text);
	const cJSON *profiles = cJSON_GetObjectItemCaseSensitive(root, "profiles"), *p;
	if (!cJSON_IsArray(profiles)) {
		cJSON_Delete(root);
		*err = xasprintf("%s: not the output of `footnote eval --json` (no \"profiles\" list)", path);
		return -1;
	}
	int drops = 0;
	cJSON_ArrayForEach(p, profiles) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(p, "profile");
		const cJSON *figs = cJSON_GetObjectItemCaseSensitive(p, "figures");
		for (size_t i = 0; cJSON_IsString(name) && cJSON_IsObject(figs) && i < n; i++) {
			if (strcmp(r[i].profile, name->valuestring))
				continue;
			for (size_t k = 0; k < eval_nfigures; k++) {
				const struct eval_figure *f = &eval_figures[k];
				const cJSON *was = cJSON_GetObjectItemCaseSensitive(figs, f->key);
				double now = f->get(&r[i]);
				if (!cJSON_IsNumber(was) || now < 0)
					continue;
				double then = was->valuedouble, worse = f->better > 0 ? then - now : now - then;
				/* Times under 50 ms apart are noise on a loaded machine, not a drop. */
				double limit = f->kind == FIG_SHARE ? tolerance
					       : f->kind == FIG_MS ? fmax(tolerance * then, 50) : tolerance * then;
				if (worse > limit + 1e-12) {
					char *safe = sanitize_str(r[i].profile, SAN_ONELINE);
					fprintf(out, "footnote eval: profile \"%s\": %s went from %.4g to %.4g, worse by more "
						"than the tolerance %g%s\n", safe, f->label, then, now, tolerance,
						f->kind == FIG_SHARE ? "" : " (relative)");
					free(safe);
					drops++;
				}
			}
		}
	}
	cJSON_Delete(root);
	return drops;
}

/* eval_report.h - the figures `footnote eval` compares, one row each, and the ways they are
 * shown: the terminal table (best per row marked "*", bars on a terminal), the JSON
 * object's "figures", the self-contained HTML report (inline SVG, no scripts), and the
 * comparison with a baseline run. The one list of figures (eval_figures) serves them all,
 * so a figure added there appears everywhere. Main thread. */
#ifndef FN_EVAL_REPORT_H
#define FN_EVAL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/eval/eval.h"

struct cJSON;

enum fig_kind { FIG_SHARE, FIG_MS, FIG_TOKENS, FIG_MONEY };
struct eval_figure {
	const char *key;    /* in the JSON "figures" object and the baseline */
	const char *label;  /* in the table and the report */
	int better;         /* +1 higher is better, -1 lower is better */
	enum fig_kind kind;
	/* The value, or a negative number when it does not apply (not measured). Money is
	 * micro-units per answer. */
	double (*get)(const struct eval_report *r);
};
extern const struct eval_figure eval_figures[];
extern const size_t eval_nfigures;

/* The figure's value as the table shows it ("0.750", "12 ms", "$0.0012"), "-" when it does
 * not apply. */
void eval_figure_text(const struct eval_figure *f, const struct eval_report *r, const char *currency, char *out,
		      size_t len);
/* Index of the best profile of figure f among r[0..n), or -1 when fewer than two have a
 * value or all are equal. */
int eval_figure_best(const struct eval_figure *f, const struct eval_report *r, size_t n);

/* The comparison table (one column per profile); bars: a bar under each figure. */
void eval_print_comparison(FILE *out, const struct eval_report *r, size_t n, const char *currency, bool bars);
/* {key: value or null} of every figure. */
struct cJSON *eval_figures_json(const struct eval_report *r);
/* Writes the HTML report to path. 0, or -1 with errno. title is shown as it is (escaped). */
int eval_write_html(const char *path, const char *title, const struct eval_report *r, size_t n,
		    const char *currency);

/* Compares with a baseline (an earlier `eval --json`): every figure of a profile found in
 * both that is worse by more than tolerance - absolute for shares, relative for times,
 * tokens and cost (times also by 50 ms at least) - is written to out as one line. Returns how many; -1 when the baseline
 * cannot be read (*err says why, caller frees). */
int eval_compare_baseline(const char *path, const struct eval_report *r, size_t n, double tolerance, FILE *out,
			  char **err);

#endif

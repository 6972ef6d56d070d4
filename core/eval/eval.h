/* eval.h - what `footnote eval` measures: questions with relevance judgments, run through a
 * profile's retrieval (and its answers), summed up as figures.
 *
 * Questions come as JSONL, one {"id", "question", "relevant": [...]} per line, or in the
 * BEIR layout: queries.jsonl ({"_id", "text"}) plus a qrels TSV (query-id, corpus-id,
 * score; the header line is optional). A judged document is named by a path or a document
 * id: see eval_doc_matches. Only questions with at least one judgment (grade > 0) are
 * evaluated, and the out-of-scope ones ("relevant": [], an empty list written out): their
 * answers must be declines. The others are counted and skipped. A question may carry its
 * reference answer ("answer" or "reference"): answers are then scored against it
 * (core/eval/score.h), and by the judge model when the config names one.
 *
 * Retrieval is the turn's own (turn_query: the profile's mode, collections, per-file cap,
 * weights) with k raised to the cut-off asked for; answers go through turn_start, the same
 * path as `footnote ask`. Nothing here prints.
 *
 * Ownership: an eval_set owns its strings (eval_set_free); an eval_report owns its strings
 * (eval_report_free). Main thread (the answers wait on their own channel). */
#ifndef FN_EVAL_H
#define FN_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/app/config.h"
#include "index/idx.h"

struct eval_judgment {
	char *doc;      /* as written: a path, a path's tail, or a document id */
	char *canon;    /* the real path when doc names an existing file, else NULL */
	double grade;   /* > 0; the qrels score, 1 for a plain list */
};

struct eval_question {
	char *id;
	char *text;
	struct eval_judgment *rel;
	size_t nrel;
	size_t line;    /* where it was read, for messages */
	char *reference; /* the reference answer, or NULL */
	bool out_of_scope; /* "relevant": [] - nothing in the documents answers it */
};

struct eval_set {
	struct eval_question *v; /* only judged questions, in file order */
	size_t n;
	size_t unjudged;         /* questions read without any judgment (not evaluated) */
	size_t out_of_scope;     /* of v, the out-of-scope questions */
	char *questions_file;    /* what was read */
	char *qrels_file;        /* or NULL when the judgments were inline */
};

/* Reads the questions and judgments. `questions` is a JSONL file, a BEIR queries.jsonl or a
 * BEIR directory; `qrels` (may be NULL) is a TSV of judgments. With no qrels given and no
 * "relevant" in the file, qrels/test.tsv (or the only qrels/ *.tsv) beside the questions is
 * used. Returns 0, or -1 with *err = "FILE:LINE: what is wrong" (caller frees); nothing is
 * kept on failure. */
int eval_load(const char *questions, const char *qrels, struct eval_set *out, char **err);
void eval_set_free(struct eval_set *s);

/* Whether the indexed file `path` (canonical) is the judged document: the same real path,
 * a path ending in "/" + doc, or a file whose name without its extension is doc (a BEIR
 * corpus written one document per file as <id>.txt). Pure. */
bool eval_doc_matches(const struct eval_judgment *j, const char *path);

/* Counts citation markers ([1], [1, 2], [1-3], [1][2]) outside code fences: every number
 * is one citation, invalid when it is not 1..nsources. Pure. */
void eval_count_citations(const char *text, int nsources, size_t *total, size_t *invalid);

struct net;
struct eval_opts {
	const struct config *cfg;
	idx *ix;                          /* NULL: nothing is retrieved */
	const struct idx_embedder *emb;
	size_t k;                         /* cut-off for recall and precision */
	size_t limit;                     /* most questions to run; 0 = all */
	bool answers;                     /* also answer each question (turn_start) */
	bool judge;                       /* and have the config's judge grade them */
	struct net *net;                  /* for a model server; NULL with the builtin provider */
	/* Called after each question, on this thread. May be NULL. */
	void (*progress)(void *ctx, const char *profile, size_t done, size_t total);
	void *ctx;
};

/* One answer's scores, for --json and the verdicts file. */
struct eval_item {
	char *id;
	const char *outcome;    /* static: "completed", "declined", "failed" */
	bool out_of_scope;
	double f1, contains;    /* -1 when the question has no reference */
	double judge;           /* -1 when not judged */
	const char *verdict;    /* static, or NULL */
	char *judge_reply;      /* or NULL */
	int64_t cost_micros;
};

struct eval_report {
	char *profile;
	char *mode;             /* the profile's retrieval mode, "off" when it does not retrieve */
	int top_k;              /* the profile's: passages a turn shows the model */
	size_t k;               /* cut-off used for recall and precision */
	size_t questions;

	bool retrieval;         /* the figures below were measured */
	double recall, precision, mrr, ndcg; /* means: recall@k, precision@k, MRR@10, nDCG@10 */
	double no_hit;          /* share of questions with no relevant document in the top k */
	double empty;           /* share of questions for which retrieval found nothing */
	double retrieval_p50_ms, retrieval_p95_ms;

	bool answered;          /* answers were run */
	size_t completed, declined, failed;
	double first_token_p50_ms, first_token_p95_ms; /* over completed answers */
	double total_p50_ms, total_p95_ms;
	double prompt_tokens, completion_tokens;       /* means over completed answers */
	double grounding;       /* mean of turn_result.grounding where computed, else -1 */
	size_t grounded;        /* answers whose grounding was computed (not the extractive:
				 * a quote always supports itself) */
	double relevance;       /* mean turn_result.relevance of the extractive answers, else -1 */
	size_t quoted;          /* extractive answers */
	size_t citations, citations_invalid;
	char *first_error;      /* "ID: message" of the first failed answer, or NULL */
	int first_failure;      /* its enum turn_outcome */
	/* Accuracy, over the in-scope questions with a reference answer (declines score 0). */
	size_t referenced;      /* questions with a reference */
	double f1, contains;    /* means; -1 when none has a reference */
	size_t judged;          /* answers the judge graded */
	double judge;           /* mean verdict; -1 when none */
	/* Out-of-scope questions: declined is right, an answer is a hallucination. */
	size_t out_of_scope, right_declines;
	double right_decline_rate, hallucination_rate; /* -1 when there is none */
	size_t sentences, unsupported;                 /* in completed in-scope answers */
	/* Cost (core/answer/cost.h), summed in micro-units over the answers; priced is how
	 * many had a price (the others count 0). */
	int64_t cost_micros, judge_cost_micros;
	size_t priced, answers_run;
	struct eval_item *items; /* one per question answered, in order */
	size_t nitems;
};

/* Runs every question of s through profile pf. Returns 0, or an IDX_* code when a search
 * failed (the report then holds nothing useful). */
int eval_profile(const struct eval_set *s, const struct cfg_profile *pf, const struct eval_opts *o,
		 struct eval_report *out);
void eval_report_free(struct eval_report *r);

#endif

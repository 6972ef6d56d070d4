/* eval.c - questions and judgments in, figures out (see eval.h). */
#include "core/eval/eval.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/xmalloc.h"
#include "core/app/chan.h"
#include "core/answer/cite.h"
#include "core/answer/second.h"
#include "core/app/log.h"
#include "core/eval/judge.h"
#include "core/eval/metrics.h"
#include "core/eval/score.h"
#include "core/answer/turn.h"

enum { CUT = 10 }; /* MRR@10 and nDCG@10, whatever -k says */

/* ---- reading ------------------------------------------------------------------------ */

struct loader {
	struct eval_set *set;  /* questions read so far, judged or not */
	size_t cap;
	const char *file;      /* being read, for messages */
	bool inline_rel;       /* some line had "relevant" */
	size_t *order;         /* question indices sorted by id, for the qrels */
};

/* Calls fn for each non-empty line (CR/LF and a leading BOM removed). Stops at the first
 * error fn reports. */
static int each_line(const char *file, int (*fn)(struct loader *l, char *line, size_t lineno, char **err),
		     struct loader *l, char **err)
{
	FILE *f = fopen(file, "r");
	if (!f) {
		*err = xasprintf("%s: cannot open: %s", file, strerror(errno));
		return -1;
	}
	l->file = file;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;
	while (!rc && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		char *p = line;
		if (lineno == 1 && !strncmp(p, "\xEF\xBB\xBF", 3))
			p += 3;
		if (*p)
			rc = fn(l, p, lineno, err);
	}
	free(line);
	fclose(f);
	return rc;
}

static int fail(char **err, const struct loader *l, size_t lineno, const char *what)
{
	*err = xasprintf("%s:%zu: %s", l->file, lineno, what);
	return -1;
}

/* Adds a judgment, or updates the grade of one already there. */
static void add_judgment(struct eval_question *q, const char *doc, double grade)
{
	if (!strncmp(doc, "./", 2))
		doc += 2;
	for (size_t i = 0; i < q->nrel; i++)
		if (!strcmp(q->rel[i].doc, doc)) {
			q->rel[i].grade = grade;
			return;
		}
	q->rel = xrealloc(q->rel, (q->nrel + 1) * sizeof *q->rel);
	struct eval_judgment *j = &q->rel[q->nrel++];
	j->doc = xstrdup(doc);
	j->canon = NULL;
	j->grade = grade;
	char real[PATH_MAX];
	struct stat st;
	if (realpath(doc, real) && stat(real, &st) == 0 && S_ISREG(st.st_mode))
		j->canon = xstrdup(real);
}

static char *json_id(const cJSON *o, size_t lineno)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
	if (!id)
		id = cJSON_GetObjectItemCaseSensitive(o, "_id");
	if (cJSON_IsString(id) && *id->valuestring)
		return xstrdup(id->valuestring);
	if (cJSON_IsNumber(id))
		return xasprintf("%.0f", id->valuedouble);
	return id ? NULL : xasprintf("%zu", lineno); /* no id: the line number */
}

/* "relevant": ["a.md", "31715818"] (grade 1 each) or {"a.md": 2, "b.md": 1}. */
static int json_relevant(const struct loader *l, const cJSON *rel, struct eval_question *q, size_t lineno,
			 char **err)
{
	const char *bad = "\"relevant\" must be a list of paths or document ids, or an object of "
			  "them with grades";
	if (!cJSON_IsArray(rel) && !cJSON_IsObject(rel))
		return fail(err, l, lineno, bad);
	const cJSON *e;
	cJSON_ArrayForEach(e, rel) {
		const char *doc = cJSON_IsObject(rel) ? e->string : e->valuestring;
		double grade = 1;
		if (cJSON_IsObject(rel)) {
			if (!cJSON_IsNumber(e))
				return fail(err, l, lineno, "a grade in \"relevant\" is not a number");
			grade = e->valuedouble;
		} else if (!cJSON_IsString(e)) {
			return fail(err, l, lineno, bad);
		}
		if (!doc || !*doc)
			return fail(err, l, lineno, "an empty name in \"relevant\"");
		if (grade > 0)
			add_judgment(q, doc, grade);
	}
	return 0;
}

static int question_line(struct loader *l, char *line, size_t lineno, char **err)
{
	cJSON *o = cJSON_Parse(line);
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return fail(err, l, lineno, "expected a JSON object like {\"id\": \"q1\", \"question\": \"...\", "
					    "\"relevant\": [\"notes/a.md\"]}");
	}
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(o, "question");
	if (!text)
		text = cJSON_GetObjectItemCaseSensitive(o, "text");
	char *id = json_id(o, lineno);
	int rc = 0;
	if (!id)
		rc = fail(err, l, lineno, "\"id\" must be a string or a number");
	else if (!cJSON_IsString(text) || !*text->valuestring)
		rc = fail(err, l, lineno, "expected \"question\" (or BEIR's \"text\") as a non-empty string");
	if (rc) {
		free(id);
		cJSON_Delete(o);
		return rc;
	}
	struct eval_set *s = l->set;
	s->v = xgrow(s->v, &l->cap, s->n + 1, sizeof *s->v);
	struct eval_question *q = &s->v[s->n++];
	*q = (struct eval_question){.id = id, .text = xstrdup(text->valuestring), .line = lineno};
	const cJSON *rel = cJSON_GetObjectItemCaseSensitive(o, "relevant");
	const cJSON *ref = cJSON_GetObjectItemCaseSensitive(o, "answer");
	if (!ref)
		ref = cJSON_GetObjectItemCaseSensitive(o, "reference");
	if (cJSON_IsString(ref) && *ref->valuestring)
		q->reference = xstrdup(ref->valuestring);
	else if (ref && !cJSON_IsNull(ref))
		rc = fail(err, l, lineno, "\"answer\" (the reference answer) must be a non-empty string");
	if (rel && !rc) {
		l->inline_rel = true;
		rc = json_relevant(l, rel, q, lineno, err);
		q->out_of_scope = !rc && cJSON_GetArraySize(rel) == 0;
	}
	cJSON_Delete(o);
	return rc;
}

static int by_id(const void *a, const void *b, void *ctx)
{
	const struct eval_set *s = ctx;
	return strcmp(s->v[*(const size_t *)a].id, s->v[*(const size_t *)b].id);
}

/* Sorts question indices by id; a duplicate id is an error. */
static int index_ids(struct loader *l, char **err)
{
	const struct eval_set *s = l->set;
	l->order = xmalloc((s->n + 1) * sizeof *l->order);
	for (size_t i = 0; i < s->n; i++)
		l->order[i] = i;
	qsort_r(l->order, s->n, sizeof *l->order, by_id, (void *)s);
	for (size_t i = 1; i < s->n; i++) {
		const struct eval_question *a = &s->v[l->order[i - 1]], *b = &s->v[l->order[i]];
		if (!strcmp(a->id, b->id)) {
			const struct eval_question *first = a->line < b->line ? a : b, *second = first == a ? b : a;
			char *msg = xasprintf("duplicate id \"%s\" (first on line %zu)", second->id, first->line);
			fail(err, l, second->line, msg);
			free(msg);
			return -1;
		}
	}
	return 0;
}

static struct eval_question *find_id(const struct loader *l, const char *id)
{
	size_t lo = 0, hi = l->set->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, l->set->v[l->order[mid]].id);
		if (!c)
			return &l->set->v[l->order[mid]];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* BEIR: "query-id<TAB>corpus-id<TAB>score"; TREC's "qid 0 docid grade" is read too. */
static int qrels_line(struct loader *l, char *line, size_t lineno, char **err)
{
	char *f[5];
	size_t n = 0;
	for (char *save = NULL, *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
		f[n < 5 ? n++ : 4] = t;
	if (lineno == 1 && n >= 1 && !strcmp(f[0], "query-id"))
		return 0;
	if (n != 3 && n != 4)
		return fail(err, l, lineno, "expected query-id, corpus-id and score separated by tabs");
	const char *qid = f[0], *doc = f[n - 2], *score = f[n - 1];
	char *end;
	errno = 0;
	double grade = strtod(score, &end);
	if (*end || errno || !isfinite(grade)) {
		char *msg = xasprintf("the score \"%s\" is not a number", score);
		fail(err, l, lineno, msg);
		free(msg);
		return -1;
	}
	struct eval_question *q = find_id(l, qid);
	if (q && grade > 0)
		add_judgment(q, doc, grade); /* judgments of unknown questions are ignored, as in BEIR */
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* BEIR keeps judgments in DIR/qrels/{test,dev,train}.tsv: test.tsv, else the only one. */
static char *find_qrels(const char *dir, char **err)
{
	char *test = xasprintf("%s/qrels/test.tsv", dir);
	if (is_file(test))
		return test;
	free(test);
	char *qdir = xasprintf("%s/qrels", dir);
	DIR *d = opendir(qdir);
	char *found = NULL;
	size_t n = 0;
	for (struct dirent *e; d && (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len > 4 && !strcmp(e->d_name + len - 4, ".tsv") && n++ == 0)
			found = xasprintf("%s/%s", qdir, e->d_name);
	}
	if (d)
		closedir(d);
	if (n != 1) {
		*err = n ? xasprintf("%s: several qrels files and no test.tsv; choose one with --qrels FILE", qdir)
			 : xasprintf("%s: the questions have no \"relevant\" lists and there is no qrels/*.tsv "
				     "beside them; give the judgments with --qrels FILE", dir);
		free(found);
		found = NULL;
	}
	free(qdir);
	return found;
}

static void question_free(struct eval_question *q)
{
	for (size_t i = 0; i < q->nrel; i++) {
		free(q->rel[i].doc);
		free(q->rel[i].canon);
	}
	free(q->rel);
	free(q->id);
	free(q->text);
	free(q->reference);
}

/* Keeps the judged questions, in order, and counts the rest. */
static void keep_judged(struct eval_set *s)
{
	size_t n = 0;
	s->out_of_scope = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].nrel && s->v[i].out_of_scope)
			s->v[i].out_of_scope = false; /* a qrels file judged it after all */
		s->out_of_scope += s->v[i].out_of_scope;
		if (s->v[i].nrel || s->v[i].out_of_scope)
			s->v[n++] = s->v[i];
		else
			question_free(&s->v[i]);
	}
	s->unjudged = s->n - n;
	s->n = n;
}

static int load(const char *questions, const char *qrels, struct loader *l, char **err)
{
	struct eval_set *s = l->set;
	char *dir;
	if (is_dir(questions)) {
		dir = xstrdup(questions);
		s->questions_file = xasprintf("%s/queries.jsonl", questions);
	} else {
		const char *slash = strrchr(questions, '/');
		dir = slash ? xstrndup(questions, (size_t)(slash - questions) + (slash == questions)) : xstrdup(".");
		s->questions_file = xstrdup(questions);
	}
	int rc = each_line(s->questions_file, question_line, l, err);
	if (!rc)
		rc = index_ids(l, err);
	if (!rc && qrels)
		s->qrels_file = xstrdup(qrels);
	else if (!rc && !l->inline_rel && !(s->qrels_file = find_qrels(dir, err)))
		rc = -1;
	free(dir);
	if (!rc && s->qrels_file)
		rc = each_line(s->qrels_file, qrels_line, l, err);
	if (rc)
		return rc;
	keep_judged(s);
	if (!s->n) {
		*err = xasprintf("%s: no question has a relevance judgment (or \"relevant\": [] for one out of scope)%s",
				 s->questions_file,
				 s->qrels_file ? " in the qrels file (do the query ids match?)" : "");
		return -1;
	}
	return 0;
}

int eval_load(const char *questions, const char *qrels, struct eval_set *out, char **err)
{
	memset(out, 0, sizeof *out);
	struct loader l = {.set = out};
	*err = NULL;
	int rc = load(questions, qrels, &l, err);
	free(l.order);
	if (rc)
		eval_set_free(out);
	return rc;
}

void eval_set_free(struct eval_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		question_free(&s->v[i]);
	free(s->v);
	free(s->questions_file);
	free(s->qrels_file);
	memset(s, 0, sizeof *s);
}

/* ---- matching and counting ---------------------------------------------------------- */

bool eval_doc_matches(const struct eval_judgment *j, const char *path)
{
	if (j->canon && !strcmp(j->canon, path))
		return true;
	size_t pl = strlen(path), dl = strlen(j->doc);
	if (dl <= pl && !strcmp(path + pl - dl, j->doc) && (dl == pl || path[pl - dl - 1] == '/'))
		return true;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	size_t bl = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	return bl == dl && !memcmp(base, j->doc, dl);
}

/* Markers are read by core/answer/cite.h, the parser every other part of footnote uses. */
void eval_count_citations(const char *text, int nsources, size_t *total, size_t *invalid)
{
	struct cite_segs segs = {0};
	cite_parse(text, strlen(text), nsources, true, &segs);
	*total = 0;
	for (size_t i = 0; i < segs.n; i++)
		if (segs.v[i].kind == CITE_MARKER)
			*total += (size_t)segs.v[i].nids;
	*invalid = (size_t)segs.invalid;
	cite_segs_free(&segs);
}

/* ---- running ------------------------------------------------------------------------ */

/* Sums while the questions run; eval_profile turns them into the report. */
struct tally {
	double recall, precision, rr, ndcg;
	size_t no_hit, empty;
	double *retrieval_ms;     /* one per question */
	double *first_ms, *total_ms; /* one per completed answer */
	size_t completed;
	double prompt_tokens, completion_tokens, grounding, relevance;
	double f1, contains, judge;
	size_t oos_answered;
	size_t scoped;            /* in-scope questions: the retrieval figures' count */
};

/* The grade of each hit, best first. A document counts once (its best rank); each
 * judgment is credited to one document at most. */
static void grade_hits(const struct eval_question *q, const struct idx_hits *h, double *gains, bool *used)
{
	memset(used, 0, q->nrel * sizeof *used);
	for (size_t i = 0; i < h->n; i++) {
		gains[i] = 0;
		bool seen = false;
		for (size_t p = 0; p < i && !seen; p++)
			seen = !strcmp(h->v[p].path, h->v[i].path);
		size_t best = SIZE_MAX;
		for (size_t j = 0; !seen && j < q->nrel; j++)
			if (!used[j] && eval_doc_matches(&q->rel[j], h->v[i].path) &&
			    (best == SIZE_MAX || q->rel[j].grade > q->rel[best].grade))
				best = j;
		if (best != SIZE_MAX) {
			used[best] = true;
			gains[i] = q->rel[best].grade;
		}
	}
}

static int retrieve_one(const struct eval_question *q, const struct cfg_profile *pf, const struct eval_opts *o,
			struct tally *t, size_t qi)
{
	struct turn_request req = {.cfg = o->cfg, .profile = pf, .question = q->text, .ix = o->ix,
				   .emb = o->emb, .gen = 0, .may_block = true};
	struct idx_query iq;
	turn_query(&req, &iq);
	iq.k = o->k > CUT ? o->k : CUT;
	struct idx_hits h = {0};
	double t0 = clock_ms_f();
	int rc = idx_search(o->ix, &iq, &h);
	if (!rc) {
		/* A model reranker reorders them as in an answer (the builtin one already did). */
		char *why = NULL;
		second_rerank_now(o->cfg, pf, q->text, &h, 0, &why);
		if (why)
			log_warn("eval: %s; its first-stage order is measured", why);
		free(why);
	}
	t->retrieval_ms[qi] = clock_ms_f() - t0;
	if (rc)
		return rc;
	if (q->out_of_scope) { /* nothing is relevant: only its time counts */
		idx_hits_free(&h);
		return 0;
	}
	double *gains = xcalloc(h.n + 1, sizeof *gains);
	bool *used = xcalloc(q->nrel, sizeof *used);
	double *judged = xmalloc(q->nrel * sizeof *judged);
	grade_hits(q, &h, gains, used);
	for (size_t j = 0; j < q->nrel; j++)
		judged[j] = q->rel[j].grade;
	double recall = metric_recall(gains, h.n, o->k, q->nrel);
	t->recall += recall;
	t->precision += metric_precision(gains, h.n, o->k);
	t->rr += metric_rr(gains, h.n, CUT);
	t->ndcg += metric_ndcg(gains, h.n, judged, q->nrel, CUT);
	t->no_hit += recall == 0;
	t->empty += h.n == 0;
	free(gains);
	free(used);
	free(judged);
	idx_hits_free(&h);
	return 0;
}

/* What an answer scored against its question: the reference, the scope, the judge. */
static void score_one(const struct eval_question *q, const struct eval_opts *o, struct chan *chan, uint64_t gen,
		      const char *text, const struct turn_result *res, struct tally *t, struct eval_report *r,
		      struct eval_item *it)
{
	bool completed = res && res->outcome == TURN_COMPLETED, declined = res && res->outcome == TURN_DECLINED;
	it->outcome = completed ? "completed" : declined ? "declined" : "failed";
	it->f1 = it->contains = it->judge = -1;
	if (q->out_of_scope) {
		r->right_declines += declined;
		t->oos_answered += completed;
		return;
	}
	if (completed) {
		r->sentences += (size_t)(res->sentences > 0 ? res->sentences : 0);
		r->unsupported += (size_t)(res->sentences > res->sentences_supported
						  ? res->sentences - res->sentences_supported : 0);
	}
	if (!q->reference)
		return;
	r->referenced++;
	it->f1 = completed ? score_f1(text, q->reference) : 0;
	it->contains = completed ? score_contains(text, q->reference) : 0;
	t->f1 += it->f1;
	t->contains += it->contains;
	if (!o->judge)
		return;
	struct judge_verdict v;
	if (completed) {
		judge_ask(o->cfg, o->net, chan, gen, q->text, q->reference, text, &v);
	} else { /* a decline or a failure states nothing: no need to ask */
		v = (struct judge_verdict){0, "incorrect", xstrdup("not answered"), 0};
	}
	it->verdict = v.verdict;
	it->judge_reply = v.reply;
	r->judge_cost_micros += v.cost_micros;
	if (v.score >= 0) {
		it->judge = v.score;
		t->judge += v.score;
		r->judged++;
	}
}

/* One answer through turn_start, waited for on its own channel. */
static void answer_one(const struct eval_question *q, const struct cfg_profile *pf, const struct eval_opts *o,
		       struct chan *chan, uint64_t gen, struct tally *t, struct eval_report *r)
{
	struct turn_request req = {.cfg = o->cfg, .profile = pf, .question = q->text, .ix = o->ix,
				   .emb = o->emb, .gen = gen, .may_block = true};
	struct buf text = {0};
	struct turn *turn;
	struct turn_result *res = eval_answer(&req, o->net, chan, &text, &turn);
	struct eval_item *it = &r->items[r->nitems++];
	it->id = xstrdup(q->id);
	it->out_of_scope = q->out_of_scope;
	r->answers_run++;
	if (res && res->priced) {
		r->priced++;
		r->cost_micros += res->cost_micros;
		it->cost_micros = res->cost_micros;
	}
	if (res && res->outcome == TURN_COMPLETED) {
		t->first_ms[t->completed] = res->first_token_ms;
		t->total_ms[t->completed++] = res->total_ms;
		t->prompt_tokens += (double)res->prompt_tokens;
		t->completion_tokens += (double)res->completion_tokens;
		size_t total, invalid;
		eval_count_citations(buf_str(&text), (int)turn_sources(turn)->n, &total, &invalid);
		r->citations += total;
		r->citations_invalid += invalid;
		if (res->extractive && res->quoted_passages) {
			t->relevance += res->relevance;
			r->quoted++;
		} else if (res->grounding >= 0) {
			t->grounding += res->grounding;
			r->grounded++;
		}
	} else if (res && res->outcome == TURN_DECLINED) {
		r->declined++;
	} else {
		r->failed++;
		if (!r->first_error) {
			r->first_failure = res ? res->outcome : TURN_INTERRUPTED;
			r->first_error = xasprintf("%s: %s", q->id, !res ? "the answer never ended"
								   : res->message ? res->message : res->outcome_name);
		}
	}
	/* The judge's turn takes the next generation: gen + n is never an answer's. */
	score_one(q, o, chan, gen | (1ull << 62), buf_str(&text), res, t, r, it);
	turn_result_free(res);
	turn_free(turn);
	buf_free(&text);
}

static double mean(double sum, size_t n)
{
	return n ? sum / (double)n : 0;
}

static double share_or_none(size_t part, size_t whole)
{
	return whole ? (double)part / (double)whole : -1;
}

static void summarize(struct eval_report *r, const struct tally *t, size_t all)
{
	size_t n = t->scoped;
	if (r->retrieval) {
		r->recall = mean(t->recall, n);
		r->precision = mean(t->precision, n);
		r->mrr = mean(t->rr, n);
		r->ndcg = mean(t->ndcg, n);
		r->no_hit = mean((double)t->no_hit, n);
		r->empty = mean((double)t->empty, n);
		r->retrieval_p50_ms = metric_percentile(t->retrieval_ms, all, 50);
		r->retrieval_p95_ms = metric_percentile(t->retrieval_ms, all, 95);
	}
	if (r->answered) {
		r->completed = t->completed;
		r->first_token_p50_ms = metric_percentile(t->first_ms, t->completed, 50);
		r->first_token_p95_ms = metric_percentile(t->first_ms, t->completed, 95);
		r->total_p50_ms = metric_percentile(t->total_ms, t->completed, 50);
		r->total_p95_ms = metric_percentile(t->total_ms, t->completed, 95);
		r->prompt_tokens = mean(t->prompt_tokens, t->completed);
		r->completion_tokens = mean(t->completion_tokens, t->completed);
		r->grounding = r->grounded ? t->grounding / (double)r->grounded : -1;
		r->relevance = r->quoted ? t->relevance / (double)r->quoted : -1;
		r->f1 = r->referenced ? t->f1 / (double)r->referenced : -1;
		r->contains = r->referenced ? t->contains / (double)r->referenced : -1;
		r->judge = r->judged ? t->judge / (double)r->judged : -1;
		r->right_decline_rate = share_or_none(r->right_declines, r->out_of_scope);
		r->hallucination_rate = share_or_none(t->oos_answered, r->out_of_scope);
	}
}

int eval_profile(const struct eval_set *s, const struct cfg_profile *pf, const struct eval_opts *o,
		 struct eval_report *out)
{
	size_t n = o->limit && o->limit < s->n ? o->limit : s->n;
	memset(out, 0, sizeof *out);
	out->profile = xstrdup(pf->name);
	out->retrieval = pf->retrieval.enabled && o->ix;
	out->mode = xstrdup(out->retrieval ? pf->retrieval.mode : "off");
	out->top_k = pf->retrieval.top_k;
	out->k = o->k;
	out->questions = n;
	out->answered = o->answers;
	out->grounding = -1;
	out->relevance = -1;
	struct tally t = {
		.retrieval_ms = xcalloc(n + 1, sizeof(double)),
		.first_ms = xcalloc(n + 1, sizeof(double)),
		.total_ms = xcalloc(n + 1, sizeof(double)),
	};
	struct chan *chan = o->answers ? chan_new() : NULL;
	int rc = 0;
	out->items = xcalloc(n + 1, sizeof *out->items);
	out->f1 = out->contains = out->judge = out->right_decline_rate = out->hallucination_rate = -1;
	for (size_t i = 0; i < n; i++)
		out->out_of_scope += s->v[i].out_of_scope;
	t.scoped = n - out->out_of_scope;
	for (size_t i = 0; i < n && !rc; i++) {
		if (out->retrieval)
			rc = retrieve_one(&s->v[i], pf, o, &t, i);
		if (!rc && o->answers)
			answer_one(&s->v[i], pf, o, chan, i + 1, &t, out);
		if (o->progress)
			o->progress(o->ctx, pf->name, i + 1, n);
	}
	if (!rc)
		summarize(out, &t, n);
	if (chan)
		chan_free(chan);
	free(t.retrieval_ms);
	free(t.first_ms);
	free(t.total_ms);
	return rc;
}

void eval_report_free(struct eval_report *r)
{
	for (size_t i = 0; i < r->nitems; i++) {
		free(r->items[i].id);
		free(r->items[i].judge_reply);
	}
	free(r->items);
	free(r->profile);
	free(r->mode);
	free(r->first_error);
	memset(r, 0, sizeof *r);
}

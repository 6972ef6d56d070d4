/* conv_bench.c - follow-up questions on SciFact (issue 13): recall@10 of a follow-up searched
 * alone and with the conversation (idx_query.context), and what a long conversation costs a
 * request's start.
 *
 * The conversations are two turns built from the judged train claims (qrels/train.tsv),
 * deterministically: the first turn is the claim; the follow-up is "And what about its
 * WORD?", WORD being the claim's rarest word that still appears in at least MIN_DF
 * abstracts (so the word alone does not single out the claim's abstract). Both turns are
 * judged by the claim's relevant abstracts. Nothing here was tuned on the test split: the
 * context weight is IDX_CONTEXT_WEIGHT, chosen a priori.
 *
 * The request start is what a turn does with its conversation before anything is sent:
 * session_history, history_from and prompt_build, for a session of 500 turns and of 1.
 * Prints ROW lines (bench.h); work files live in $FN_BENCH_DIR/conv. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hmap.h"
#include "base/xmalloc.h"
#include "core/answer/history.h"
#include "core/answer/prompt.h"
#include "core/session/session.h"
#include "index/idx.h"
#include "tests/bench/bench.h"

enum { MIN_DF = 10, K = 10 };

struct doc {
	char *id, *body;
};
struct query {
	char *id, *text, *follow;
	char **rel;
	size_t nrel;
};

static struct doc *docs;
static size_t ndocs;
static struct query *queries;
static size_t nqueries;

static const char *json_str(cJSON *j, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static void load(const char *dir)
{
	char *path = xasprintf("%s/corpus.jsonl", dir);
	char *all = bench_slurp(path, NULL);
	size_t cap = 0;
	for (char *save, *line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cJSON *j = cJSON_Parse(line);
		if (!j)
			bench_die("%s: a line is not JSON", path);
		docs = xgrow(docs, &cap, ndocs + 1, sizeof *docs);
		docs[ndocs].id = xstrdup(json_str(j, "_id"));
		docs[ndocs++].body = xasprintf("%s\n\n%s\n", json_str(j, "title"), json_str(j, "text"));
		cJSON_Delete(j);
	}
	free(all);
	free(path);
	path = xasprintf("%s/queries.jsonl", dir);
	all = bench_slurp(path, NULL);
	cap = 0;
	for (char *save, *line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cJSON *j = cJSON_Parse(line);
		if (!j)
			bench_die("%s: a line is not JSON", path);
		queries = xgrow(queries, &cap, nqueries + 1, sizeof *queries);
		queries[nqueries++] = (struct query){xstrdup(json_str(j, "_id")), xstrdup(json_str(j, "text")), NULL,
						     NULL, 0};
		cJSON_Delete(j);
	}
	free(all);
	free(path);
	path = xasprintf("%s/qrels/train.tsv", dir);
	all = bench_slurp(path, NULL);
	for (char *save, *line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char qid[64], did[64];
		int score;
		if (sscanf(line, "%63s %63s %d", qid, did, &score) != 3 || score <= 0)
			continue;
		for (size_t i = 0; i < nqueries; i++)
			if (!strcmp(queries[i].id, qid)) {
				queries[i].rel = xrealloc(queries[i].rel, (queries[i].nrel + 1) * sizeof *queries[i].rel);
				queries[i].rel[queries[i].nrel++] = xstrdup(did);
				break;
			}
	}
	free(all);
	free(path);
}

static void write_docs(const char *docdir)
{
	bench_rmrf(docdir);
	bench_mkdirs(docdir);
	for (size_t i = 0; i < ndocs; i++) {
		char *path = xasprintf("%s/%s.txt", docdir, docs[i].id);
		bench_write(path, docs[i].body, strlen(docs[i].body));
		free(path);
	}
}

/* ---- document frequencies of stemmed terms, to pick the follow-up's word ---------------- */

struct dfctx {
	struct strmap *df, *seen;
	char first[256];
	size_t firstlen;
	bool stop;
};

static int count_term(void *ctx, const char *term, size_t len, bool stop)
{
	struct dfctx *c = ctx;
	(void)stop;
	int isnew;
	strmap_put(c->seen, term, len, &isnew);
	if (isnew)
		(*strmap_put(c->df, term, len, &isnew))++;
	return 0;
}

static int first_term(void *ctx, const char *term, size_t len, bool stop)
{
	struct dfctx *c = ctx;
	c->firstlen = len < sizeof c->first ? len : 0;
	memcpy(c->first, term, c->firstlen);
	c->stop = stop;
	return 1;
}

/* Sets each query's follow-up; returns how many have one. */
static size_t make_followups(struct idx_tokenizer *tk)
{
	struct strmap df = {0}, seen = {0};
	struct dfctx c = {&df, &seen, {0}, 0, false};
	for (size_t i = 0; i < ndocs; i++) {
		strmap_clear(&seen);
		idx_tokenize(tk, docs[i].body, strlen(docs[i].body), count_term, &c);
	}
	size_t n = 0;
	for (size_t q = 0; q < nqueries; q++) {
		if (!queries[q].nrel)
			continue;
		const char *p = queries[q].text, *best = NULL;
		size_t bestlen = 0, bestdf = (size_t)-1;
		while (*p) {
			while (*p && !isalnum((unsigned char)*p))
				p++;
			const char *w = p;
			while (isalnum((unsigned char)*p) || *p == '-')
				p++;
			size_t len = (size_t)(p - w);
			if (len < 4)
				continue;
			c.firstlen = 0;
			idx_tokenize(tk, w, len, first_term, &c);
			size_t *d = c.firstlen ? strmap_get(&df, c.first, c.firstlen) : NULL;
			if (!d || c.stop || *d < MIN_DF || *d >= bestdf)
				continue;
			best = w;
			bestlen = len;
			bestdf = *d;
		}
		if (best) {
			queries[q].follow = xasprintf("And what about its %.*s?", (int)bestlen, best);
			n++;
		}
	}
	strmap_free(&df);
	strmap_free(&seen);
	return n;
}

static char *doc_id_of(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	return xstrndup(base, dot ? (size_t)(dot - base) : strlen(base));
}

/* Mean recall@10 over the queries with a follow-up. which: 0 the claim, 1 the follow-up
 * alone, 2 the follow-up with the claim as its conversation. */
static double recall(idx *ix, enum idx_mode mode, int which)
{
	double sum = 0;
	size_t n = 0;
	for (size_t i = 0; i < nqueries; i++) {
		const struct query *qu = &queries[i];
		if (!qu->follow)
			continue;
		struct idx_query q = {.text = which ? qu->follow : qu->text, .k = K, .mode = mode,
				      .emb = idx_embedder_builtin(), .per_file_cap = 1,
				      .context = which == 2 ? qu->text : NULL};
		struct idx_hits h;
		if (idx_search(ix, &q, &h))
			bench_die("search %s failed", qu->id);
		size_t found = 0;
		for (size_t r = 0; r < qu->nrel; r++)
			for (size_t k = 0; k < h.n; k++) {
				char *id = doc_id_of(h.v[k].path);
				bool hit = !strcmp(id, qu->rel[r]);
				free(id);
				if (hit) {
					found++;
					break;
				}
			}
		sum += (double)found / (double)qu->nrel;
		n++;
		idx_hits_free(&h);
	}
	return n ? sum / (double)n : NAN;
}

/* ---- the request start ------------------------------------------------------------------ */

static double request_start_ms(size_t turns)
{
	struct session *s = session_new("first");
	struct buf answer = {0};
	for (int i = 0; i < 40; i++)
		buf_adds(&answer, "An answer sentence of about twenty words, cited [1]. ");
	struct turn_result r = {.outcome = TURN_COMPLETED, .outcome_name = (char *)"completed", .grounding = -1};
	for (size_t i = 0; i < turns; i++) {
		char *q = xasprintf("Question number %zu about the documents, asked in the conversation?", i);
		session_add(s, q, NULL, &(struct cite_map){0}, buf_str(&answer), "", &r);
		free(q);
	}
	enum { REPS = 200 };
	double lat[REPS];
	for (int k = 0; k < REPS; k++) {
		double t0 = bench_now();
		size_t nh;
		struct history_turn *v = session_history(s, &nh);
		struct history h;
		history_from(v, nh, "rag", 8192, &h);
		struct prompt_opts o = {.retrieval = true, .context_tokens = 8192, .answer_tokens = 1024, .history = &h};
		struct prompt p;
		struct cite_map m;
		prompt_build("And the next question?", NULL, &o, &p, &m);
		prompt_free(&p);
		cite_map_free(&m);
		history_free(&h);
		free(v);
		lat[k] = (bench_now() - t0) * 1e3;
	}
	buf_free(&answer);
	session_free(s);
	return bench_pct(lat, REPS, 50);
}

int main(void)
{
	char *sci = xasprintf("%s/data/scifact", bench_shared());
	char *work = xasprintf("%s/conv", bench_dir());
	char *docdir = xasprintf("%s/docs", work), *ixdir = xasprintf("%s/index", work);
	load(sci);
	write_docs(docdir);
	struct idx_tokenizer *tk = idx_tokenizer_new("english");
	size_t nconv = make_followups(tk);
	idx_tokenizer_free(tk);
	fprintf(stderr, "conv: %zu abstracts, %zu two-turn conversations from the train claims\n", ndocs, nconv);
	for (size_t i = 0, shown = 0; i < nqueries && shown < 3; i++)
		if (queries[i].follow)
			fprintf(stderr, "conv: e.g. \"%s\" -> \"%s\"\n", queries[i].text, queries[i].follow), shown++;

	bench_rmrf(ixdir);
	idx *ix;
	struct idx_folder fo = {docdir, "scifact"};
	struct idx_options opt = {.folders = &fo, .nfolders = 1, .language = "english"};
	if (idx_open(ixdir, IDX_CREATE, &ix) || idx_sync(ix, &opt, idx_embedder_builtin(), NULL, NULL))
		bench_die("cannot index %s", docdir);

	const struct {
		enum idx_mode mode;
		const char *name;
	} modes[] = {{IDX_LEXICAL, "lexical"}, {IDX_HYBRID, "hybrid"}};
	for (size_t m = 0; m < 2; m++) {
		double claim = recall(ix, modes[m].mode, 0), bare = recall(ix, modes[m].mode, 1),
		       conv = recall(ix, modes[m].mode, 2);
		fprintf(stderr, "conv: %s recall@10: claim %.4f, follow-up alone %.4f, with the conversation %.4f\n",
			modes[m].name, claim, bare, conv);
		char *metric = xasprintf("SciFact follow-up recall@10, %s, with the conversation", modes[m].name);
		bench_row("13", metric, conv, "-", "follow-up alone", bare, "> alone", bench_verdict(conv > bare));
		free(metric);
		metric = xasprintf("SciFact first-turn claim recall@10, %s (reference)", modes[m].name);
		bench_row("13", metric, claim, "-", NULL, NAN, "-", "info");
		free(metric);
	}
	double t500 = request_start_ms(500), t1 = request_start_ms(1);
	fprintf(stderr, "conv: request start p50 %.3f ms with 500 turns, %.3f ms with 1\n", t500, t1);
	bench_row("13", "request start with 500 turns (history + prompt), p50", t500, "ms", "1 turn", t1,
		  "<= 1 turn + 1 ms", bench_verdict(t500 <= t1 + 1));
	idx_close(ix);
	free(sci), free(work), free(docdir), free(ixdir);
	return 0;
}

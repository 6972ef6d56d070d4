/* sci_bench.c - the index on SciFact beside SQLite FTS5 (issue 3, Performance).
 *
 * Each abstract of $FN_SHARED/scifact/corpus.jsonl is written to its own file
 * "<id>.txt" (title, blank line, text). Both engines index those files from scratch, then
 * answer the judged train queries (qrels/train.tsv) with the same query text:
 *   - footnote through idx.h: lexical, vector and hybrid with the builtin embedder, k 10,
 *     one hit per file (a file is a document);
 *   - FTS5 through the sqlite3 C API: tokenize='porter unicode61', the query turned into an
 *     OR of its quoted terms as BEIR-style evaluations do, ORDER BY bm25().
 * Every query set runs once to warm up, then once timed; nDCG@10 comes from the timed pass.
 * Then (issue 21) IVF lists are forced on the builtin embedder's vectors, and on those of
 * the loopback server's embedder (tests/server/fakellm.py; FN_BENCH_LOOPBACK=0 skips it),
 * and vector search through them is compared with the exact scan (recall@10).
 * Prints ROW lines (bench.h) and progress on stderr. Work files live in $FN_BENCH_DIR/scifact
 * and are rebuilt on every run. For experiments: FN_SCI_CHUNK=n indexes with chunk_chars n,
 * and FN_SCI_DUMP=path writes the reranked top 40 of every query to path as TSV (query id,
 * rank, document id, score, lexical score, vector score). */
#include <cjson/cJSON.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/answer/extractive.h"
#include "core/answer/prompt.h"
#include "core/app/config.h"
#include "core/net/embed_http.h"
#include "index/idx.h"
#include "index/search/ivf.h"
#include "index/search/rerank.h"
#include "index/search/vector.h"
#include "tests/bench/bench.h"

struct doc {
	char *id, *body;
};
struct query {
	char *id, *text;
	char **rel;
	size_t nrel;
};
struct run {
	const char *name;
	double ndcg, p50, p95;
	double half[2]; /* nDCG@10 over the queries at even (tuning) and odd (held-out) places */
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

static void load_corpus(const char *dir)
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
}

static struct query *query_by_id(const char *id)
{
	for (size_t i = 0; i < nqueries; i++)
		if (strcmp(queries[i].id, id) == 0)
			return &queries[i];
	return NULL;
}

/* The queries that have judgments in qrels/train.tsv, with their relevant documents. */
static void load_queries(const char *dir)
{
	char *path = xasprintf("%s/queries.jsonl", dir);
	char *all = bench_slurp(path, NULL);
	size_t cap = 0;
	for (char *save, *line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cJSON *j = cJSON_Parse(line);
		if (!j)
			bench_die("%s: a line is not JSON", path);
		queries = xgrow(queries, &cap, nqueries + 1, sizeof *queries);
		queries[nqueries++] = (struct query){xstrdup(json_str(j, "_id")), xstrdup(json_str(j, "text")), NULL, 0};
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
			continue; /* the header, or not relevant */
		struct query *q = query_by_id(qid);
		if (!q)
			bench_die("%s: query %s is not in queries.jsonl", path, qid);
		q->rel = xrealloc(q->rel, (q->nrel + 1) * sizeof *q->rel);
		q->rel[q->nrel++] = xstrdup(did);
	}
	free(all);
	free(path);
	size_t n = 0;
	for (size_t i = 0; i < nqueries; i++) {
		if (queries[i].nrel)
			queries[n++] = queries[i];
		else
			free(queries[i].id), free(queries[i].text);
	}
	nqueries = n;
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

static void sink_event(void *ctx, const struct idx_event *ev)
{
	(void)ctx;
	if (ev->kind == IDX_EV_ERROR || (ev->kind == IDX_EV_FILE && ev->state == IDX_FILE_FAILED))
		fprintf(stderr, "index: %s %s\n", ev->path ? ev->path : "", ev->message ? ev->message : "");
}

/* A full build from scratch with the builtin embedder: open + sync. Returns seconds. */
static double build_ours(const char *docdir, const char *ixdir, idx **out)
{
	bench_rmrf(ixdir);
	struct idx_folder fo = {docdir, "scifact"};
	struct idx_options opt = {.folders = &fo, .nfolders = 1, .language = "english"};
	if (getenv("FN_SCI_CHUNK"))
		opt.chunk_chars = (size_t)atol(getenv("FN_SCI_CHUNK"));
	struct idx_sink sink = {sink_event, NULL};
	double t0 = bench_now();
	int rc = idx_open(ixdir, IDX_CREATE, out);
	if (!rc)
		rc = idx_sync(*out, &opt, idx_embedder_builtin(), &sink, NULL);
	double t = bench_now() - t0;
	if (rc)
		bench_die("footnote index of %s: %s", docdir, idx_strerror(rc));
	return t;
}

static void sql_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		bench_die("sqlite: %s: %s", sql, err ? err : "?");
}

/* The same files into an FTS5 table, one transaction. Returns seconds. */
static double build_fts(const char *docdir, const char *dbpath, sqlite3 **out)
{
	bench_rmrf(dbpath);
	double t0 = bench_now();
	if (sqlite3_open(dbpath, out) != SQLITE_OK)
		bench_die("sqlite: cannot open %s", dbpath);
	sqlite3 *db = *out;
	sql_exec(db, "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, body, tokenize='porter unicode61')");
	sql_exec(db, "BEGIN");
	sqlite3_stmt *ins;
	if (sqlite3_prepare_v2(db, "INSERT INTO docs(id, body) VALUES (?1, ?2)", -1, &ins, NULL) != SQLITE_OK)
		bench_die("sqlite: %s", sqlite3_errmsg(db));
	for (size_t i = 0; i < ndocs; i++) {
		size_t len;
		char *path = xasprintf("%s/%s.txt", docdir, docs[i].id);
		char *body = bench_slurp(path, &len);
		free(path);
		sqlite3_bind_text(ins, 1, docs[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, body, (int)len, free);
		if (sqlite3_step(ins) != SQLITE_DONE)
			bench_die("sqlite insert: %s", sqlite3_errmsg(db));
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	sql_exec(db, "COMMIT");
	return bench_now() - t0;
}

/* "a b-c" -> "\"a\" OR \"b\" OR \"c\"": the query's words (runs of ASCII letters and
 * digits and any non-ASCII byte, as unicode61 splits them), quoted, joined by OR. */
static char *fts_query(const char *text)
{
	struct buf b = {0};
	for (const unsigned char *p = (const unsigned char *)text; *p;) {
		if (!(*p >= 0x80 || (*p >= '0' && *p <= '9') || ((*p | 32) >= 'a' && (*p | 32) <= 'z'))) {
			p++;
			continue;
		}
		const unsigned char *s = p;
		while (*p >= 0x80 || (*p >= '0' && *p <= '9') || ((*p | 32) >= 'a' && (*p | 32) <= 'z'))
			p++;
		buf_addf(&b, "%s\"%.*s\"", b.len ? " OR " : "", (int)(p - s), (const char *)s);
	}
	return buf_detach(&b);
}

static char *doc_id_of(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	return xstrndup(base, dot ? (size_t)(dot - base) : strlen(base));
}

/* One pass over the queries (every one, or those at even or odd places when only is 0 or
 * 1); when lat is not NULL, records latencies. Returns the mean nDCG@10, and each half's in
 * half[] when not NULL. rr: the builtin reranker's weights, or NULL for none. */
static double pass_ours(idx *ix, enum idx_mode mode, const struct idx_rerank_weights *rr, int only,
			double *lat, double *half)
{
	double sum = 0, hs[2] = {0, 0};
	size_t cnt = 0;
	const char *dp = getenv("FN_SCI_DUMP");
	FILE *dump = dp && rr && lat ? fopen(dp, "w") : NULL;
	for (size_t i = 0; i < nqueries; i++) {
		if (only >= 0 && (int)(i % 2) != only)
			continue;
		struct idx_query q = {.text = queries[i].text, .k = dump ? 40 : 10, .mode = mode,
				      .emb = idx_embedder_builtin(), .per_file_cap = 1,
				      .rerank = rr != NULL, .rerank_weights = rr};
		struct idx_hits h;
		double t0 = bench_now();
		int rc = idx_search(ix, &q, &h);
		double t = bench_now() - t0;
		if (rc)
			bench_die("search %s: %s", queries[i].id, idx_strerror(rc));
		char *ids[10];
		size_t n = h.n < 10 ? h.n : 10;
		for (size_t r = 0; r < n; r++)
			ids[r] = doc_id_of(h.v[r].path);
		for (size_t r = 0; dump && r < h.n; r++) {
			char *d = doc_id_of(h.v[r].path);
			fprintf(dump, "%s\t%zu\t%s\t%.6f\t%.6f\t%.6f\n", queries[i].id, r, d, h.v[r].score,
				h.v[r].lexical_score, h.v[r].vector_score);
			free(d);
		}
		double g = bench_ndcg10((const char *const *)ids, n, (const char *const *)queries[i].rel, queries[i].nrel);
		sum += g;
		hs[i % 2] += g;
		cnt++;
		for (size_t r = 0; r < n; r++)
			free(ids[r]);
		idx_hits_free(&h);
		if (lat)
			lat[i] = t * 1e3;
	}
	if (dump)
		fclose(dump);
	if (half) {
		half[0] = hs[0] / (double)((nqueries + 1) / 2);
		half[1] = hs[1] / (double)(nqueries / 2);
	}
	return cnt ? sum / (double)cnt : 0;
}

static double pass_fts(sqlite3 *db, char **match, double *lat)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT id FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs) LIMIT 10", -1,
			       &st, NULL) != SQLITE_OK)
		bench_die("sqlite: %s", sqlite3_errmsg(db));
	double sum = 0;
	for (size_t i = 0; i < nqueries; i++) {
		char *ids[10];
		size_t n = 0;
		double t0 = bench_now();
		sqlite3_bind_text(st, 1, match[i], -1, SQLITE_STATIC);
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 10)
			ids[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			bench_die("fts5 query %s (%s): %s", queries[i].id, match[i], sqlite3_errmsg(db));
		sqlite3_reset(st);
		double t = bench_now() - t0;
		sum += bench_ndcg10((const char *const *)ids, n, (const char *const *)queries[i].rel, queries[i].nrel);
		for (size_t r = 0; r < n; r++)
			free(ids[r]);
		if (lat)
			lat[i] = t * 1e3;
	}
	sqlite3_finalize(st);
	return sum / (double)nqueries;
}

static struct run run_ours(idx *ix, enum idx_mode mode, const struct idx_rerank_weights *rr, const char *name)
{
	double *lat = xmalloc(nqueries * sizeof *lat);
	pass_ours(ix, mode, rr, -1, NULL, NULL);
	struct run r = {name, 0, 0, 0, {0, 0}};
	r.ndcg = pass_ours(ix, mode, rr, -1, lat, r.half);
	r.p50 = bench_pct(lat, nqueries, 50);
	r.p95 = bench_pct(lat, nqueries, 95);
	free(lat);
	fprintf(stderr, "sci: %-16s nDCG@10 %.4f (even %.4f, odd %.4f)  p50 %.3f ms  p95 %.3f ms\n", name, r.ndcg,
		r.half[0], r.half[1], r.p50, r.p95);
	return r;
}

/* FN_SCI_TUNE=1: coordinate ascent on the reranker's weights over the queries at even
 * places only (the odd ones stay held out), printed on stderr for rerank.c. */
static void tune(idx *ix)
{
	struct idx_rerank_weights w = *rerank_defaults();
	static const double steps[] = {-0.4, -0.2, -0.1, -0.05, 0.05, 0.1, 0.2, 0.4};
	double best = pass_ours(ix, IDX_HYBRID, &w, 0, NULL, NULL);
	fprintf(stderr, "tune: start %.4f (held out %.4f)\n", best, pass_ours(ix, IDX_HYBRID, &w, 1, NULL, NULL));
	for (int round = 0; round < 4; round++) {
		int moved = 0;
		for (int k = 0; k < RR_NFEAT; k++) {
			for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
				struct idx_rerank_weights t = w;
				t.w[k] += steps[s];
				if (t.w[k] < 0)
					continue;
				double g = pass_ours(ix, IDX_HYBRID, &t, 0, NULL, NULL);
				if (g > best + 1e-5) {
					best = g;
					w = t;
					moved = 1;
				}
			}
			fprintf(stderr, "tune: round %d feature %d -> %.4f\n", round, k, best);
		}
		static const size_t tops[] = {20, 30, 40, 50, 70, 100};
		for (size_t s = 0; s < sizeof tops / sizeof *tops; s++) {
			struct idx_rerank_weights t = w;
			t.top_n = tops[s];
			double g = pass_ours(ix, IDX_HYBRID, &t, 0, NULL, NULL);
			if (g > best + 1e-5) {
				best = g;
				w = t;
				moved = 1;
			}
		}
		fprintf(stderr, "tune: round %d: %.4f top_n %zu w", round, best, w.top_n);
		for (int k = 0; k < RR_NFEAT; k++)
			fprintf(stderr, " %.3f", w.w[k]);
		fprintf(stderr, "  (held out %.4f)\n", pass_ours(ix, IDX_HYBRID, &w, 1, NULL, NULL));
		if (!moved)
			break;
	}
}

static struct run run_fts(sqlite3 *db)
{
	char **match = xmalloc(nqueries * sizeof *match);
	for (size_t i = 0; i < nqueries; i++)
		match[i] = fts_query(queries[i].text);
	double *lat = xmalloc(nqueries * sizeof *lat);
	pass_fts(db, match, NULL);
	struct run r = {"fts5", pass_fts(db, match, lat), 0, 0, {0, 0}};
	r.p50 = bench_pct(lat, nqueries, 50);
	r.p95 = bench_pct(lat, nqueries, 95);
	for (size_t i = 0; i < nqueries; i++)
		free(match[i]);
	free(match);
	free(lat);
	fprintf(stderr, "sci: %-16s nDCG@10 %.4f  p50 %.3f ms  p95 %.3f ms\n", r.name, r.ndcg, r.p50, r.p95);
	return r;
}

/* The offline answerer on the claims (issue 16): hybrid top 6, one hit per abstract, the
 * claim as the question. Counts the answers whose first quoted sentence cites a relevant
 * abstract, and the mean relevance figure of those that do and of those that do not. */
struct answers {
	double first_relevant, top1, rel_right, rel_wrong, p50;
	size_t answered;
};

static struct answers pass_extractive(idx *ix)
{
	struct answers a = {0};
	size_t right = 0, wrong = 0;
	double *lat = xmalloc(nqueries * sizeof *lat);
	for (size_t i = 0; i < nqueries; i++) {
		struct idx_query q = {.text = queries[i].text, .k = 6, .mode = IDX_HYBRID,
				      .emb = idx_embedder_builtin(), .per_file_cap = 1};
		struct idx_hits h;
		if (idx_search(ix, &q, &h))
			bench_die("search %s", queries[i].id);
		if (h.n) {
			char *id = doc_id_of(h.v[0].path);
			for (size_t r = 0; r < queries[i].nrel; r++)
				if (!strcmp(id, queries[i].rel[r])) {
					a.top1 += 1.0 / (double)nqueries;
					break;
				}
			free(id);
		}
		struct prompt_opts o = {.retrieval = true, .context_tokens = 1 << 20, .answer_tokens = 512};
		struct prompt pr;
		struct cite_map m;
		prompt_build(queries[i].text, &h, &o, &pr, &m);
		struct extractive ex;
		double t0 = bench_now();
		bool ok = extractive_answer(queries[i].text, &m, "english", 3, &ex);
		lat[i] = (bench_now() - t0) * 1e3;
		const char *mark = ok ? strchr(ex.text, '[') : NULL;
		const struct source *src = mark ? cite_map_get(&m, atoi(mark + 1)) : NULL;
		if (src) {
			a.answered++;
			char *id = doc_id_of(src->path);
			bool rel = false;
			for (size_t r = 0; r < queries[i].nrel; r++)
				rel = rel || !strcmp(id, queries[i].rel[r]);
			free(id);
			if (rel)
				right++, a.rel_right += ex.relevance;
			else
				wrong++, a.rel_wrong += ex.relevance;
		}
		free(ex.text);
		prompt_free(&pr);
		cite_map_free(&m);
		idx_hits_free(&h);
	}
	a.first_relevant = (double)right / (double)nqueries;
	a.rel_right = right ? a.rel_right / (double)right : NAN;
	a.rel_wrong = wrong ? a.rel_wrong / (double)wrong : NAN;
	a.p50 = bench_pct(lat, nqueries, 50);
	free(lat);
	fprintf(stderr, "sci: extractive: %zu of %zu answered, first sentence from a relevant abstract %.3f, "
		"relevance %.2f when it is, %.2f when not, p50 %.3f ms\n",
		a.answered, nqueries, a.first_relevant, a.rel_right, a.rel_wrong, a.p50);
	return a;
}

/* ---- the IVF on real vectors ---------------------------------------------------------- */

#define IVF_FORCE_MIN 1000 /* SciFact is below IVF_MIN: lists forced from this many vectors */

struct force {
	idx *ix;
	int dim;
};
static int force_ivf(MDB_txn *txn, void *arg)
{
	struct force *f = arg;
	return ivf_rebuild(txn, f->ix, f->dim);
}

/* Each query's vector-mode hits as "path:line" strings (k 10, no per-file cap). */
static char **vector_hits(idx *ix, const struct idx_embedder *emb, size_t *nper)
{
	char **out = xcalloc(nqueries * 10, sizeof *out);
	for (size_t i = 0; i < nqueries; i++) {
		struct idx_query q = {.text = queries[i].text, .k = 10, .mode = IDX_VECTOR, .emb = emb};
		struct idx_hits h;
		int rc = idx_search(ix, &q, &h);
		if (rc)
			bench_die("search %s: %s", queries[i].id, idx_strerror(rc));
		nper[i] = h.n < 10 ? h.n : 10;
		for (size_t r = 0; r < nper[i]; r++)
			out[i * 10 + r] = xasprintf("%s:%u", h.v[r].path, h.v[r].line_start);
		idx_hits_free(&h);
	}
	return out;
}

/* recall@10 of vector search through IVF lists trained on an embedder's SciFact vectors
 * (forced: the corpus is below IVF_MIN) against the exact int8 scan, same queries. */
static double ivf_recall(idx *ix, const struct idx_embedder *emb, unsigned *nlist, unsigned *nprobe)
{
	ivf_set_params(IVF_FORCE_MIN, 0, 0);
	struct force f = {ix, emb->dim};
	int rc = store_write(ix, force_ivf, &f);
	if (rc)
		bench_die("training the IVF on SciFact: %s", idx_strerror(store_err(rc)));
	MDB_txn *txn;
	struct cents c = {0};
	if (store_rtxn_begin(ix, &txn) == 0) {
		if (ivf_cents_load(txn, ix, emb->dim, &c) == 0) {
			*nlist = c.nlist;
			*nprobe = c.nprobe;
			ivf_cents_free(&c);
		}
		store_rtxn_end(ix, txn);
	}
	size_t *ne = xcalloc(nqueries, sizeof *ne), *ni = xcalloc(nqueries, sizeof *ni);
	vec_set_approx(SIZE_MAX, 0);
	char **exact = vector_hits(ix, emb, ne);
	vec_set_approx(1, 0);
	const char *cs = getenv("FN_BENCH_IVF_CAND"); /* diagnosis: candidates rescored */
	ivf_set_params(0, *nprobe > 4 ? *nprobe : 4, cs && atoi(cs) > 0 ? (size_t)atoi(cs) : 0); /* even when tuning says "scan" */
	char **ivf = vector_hits(ix, emb, ni);
	vec_set_approx(200000, 0);
	ivf_set_params(IVF_MIN, 0, 0);
	double r = 0;
	for (size_t i = 0; i < nqueries; i++) {
		size_t hit = 0;
		for (size_t a = 0; a < ni[i]; a++)
			for (size_t b = 0; b < ne[i]; b++)
				hit += strcmp(ivf[i * 10 + a], exact[i * 10 + b]) == 0;
		r += ne[i] ? (double)hit / (double)ne[i] : 1;
	}
	for (size_t i = 0; i < nqueries * 10; i++)
		free(exact[i]), free(ivf[i]);
	free(exact), free(ivf), free(ne), free(ni);
	return r / (double)nqueries;
}

static void ivf_row(const char *what, double r, size_t nchunks, unsigned nl, unsigned np)
{
	fprintf(stderr, "sci: IVF on %zu %s vectors (%u lists, tuned nprobe %u): recall@10 vs the exact scan %.3f\n",
		nchunks, what, nl, np, r);
	char m[200];
	snprintf(m, sizeof m, "SciFact IVF vector recall@10 vs exact scan (%s, %zu chunks, %u lists, nprobe %u%s)", what,
		 nchunks, nl, np > 4 ? np : 4, np > nl / 4 ? ": search would scan" : "");
	bench_row("21", m, r, "-", NULL, NAN, ">= 0.95", bench_verdict(r >= 0.95));
}

/* The loopback model server (tests/server/fakellm.py) as an OpenAI embedder: hashed words,
 * 384 dimensions. Returns its pid, or -1 when it does not come up (the row is skipped). */
static pid_t loopback_start(const char *work, int *port)
{
	char *server = xasprintf("%s/tests/server/fakellm.py", getenv("FN_ROOT") ? getenv("FN_ROOT") : ".");
	char *pf = xasprintf("%s/fakellm.port", work);
	unlink(pf);
	pid_t pid = fork();
	if (pid == 0) {
		execlp("python3", "python3", server, "--port", "0", "--port-file", pf, "--max-seconds", "1800", (char *)NULL);
		_exit(127);
	}
	*port = 0;
	for (int i = 0; pid > 0 && i < 1000 && !*port; i++) {
		FILE *f = fopen(pf, "r");
		if (!f || fscanf(f, "%d", port) != 1)
			*port = 0;
		if (f)
			fclose(f);
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
	}
	free(server), free(pf);
	if (pid > 0 && !*port) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static void loopback_recall(const char *work, const char *docdir)
{
	int port;
	pid_t pid = loopback_start(work, &port);
	if (pid < 0) {
		fprintf(stderr, "sci: skipping the loopback embedder's IVF recall: tests/server/fakellm.py did not start\n");
		return;
	}
	char *base = xasprintf("http://127.0.0.1:%d/v1", port);
	struct cfg_provider p = {.name = (char *)"loopback", .kind = PROVIDER_OPENAI, .base_url = base,
				 .api_key_env = (char *)"", .api_key_cmd = (char *)"", .api_key = (char *)"",
				 .timeout_s = 60, .connect_timeout_s = 5, .idle_timeout_s = 30, .max_retries = 2};
	struct embed_http *e = embed_http_new(&p, "embed:dim=384", NULL, 64, 384);
	const struct idx_embedder *emb = embed_http_embedder(e);
	char *ixdir = xasprintf("%s/index-loopback", work);
	bench_rmrf(ixdir);
	struct idx_folder fo = {docdir, "scifact"};
	struct idx_options opt = {.folders = &fo, .nfolders = 1, .language = "english"};
	struct idx_sink sink = {sink_event, NULL};
	idx *ix;
	double t0 = bench_now();
	int rc = idx_open(ixdir, IDX_CREATE, &ix);
	if (!rc)
		rc = idx_sync(ix, &opt, emb, &sink, NULL);
	if (rc)
		bench_die("SciFact through the loopback embedder: %s", idx_strerror(rc));
	struct idx_stats st;
	idx_stats(ix, &st);
	fprintf(stderr, "sci: indexed %llu chunks through the loopback embedder in %.1f s\n",
		(unsigned long long)st.chunks, bench_now() - t0);
	unsigned nl = 0, np = 0;
	double r = ivf_recall(ix, emb, &nl, &np);
	ivf_row("loopback server's embedder", r, (size_t)st.chunks, nl, np);
	idx_close(ix);
	embed_http_free(e);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	bench_rmrf(ixdir);
	free(ixdir), free(base);
}

int main(void)
{
	char *sci = xasprintf("%s/data/scifact", bench_shared());
	char *work = xasprintf("%s/scifact", bench_dir());
	char *docdir = xasprintf("%s/docs", work), *ixdir = xasprintf("%s/index", work);
	char *dbpath = xasprintf("%s/fts5.db", work);

	load_corpus(sci);
	load_queries(sci);
	fprintf(stderr, "sci: %zu abstracts, %zu judged train queries\n", ndocs, nqueries);
	write_docs(docdir);

	idx *ix;
	sqlite3 *db;
	double tb = build_ours(docdir, ixdir, &ix);
	double tf = build_fts(docdir, dbpath, &db);
	struct idx_stats st;
	idx_stats(ix, &st);
	fprintf(stderr, "sci: built %llu files, %llu chunks in %.2f s; FTS5 in %.2f s\n",
		(unsigned long long)st.files, (unsigned long long)st.chunks, tb, tf);

	if (getenv("FN_SCI_TUNE")) {
		tune(ix);
		idx_close(ix);
		sqlite3_close(db);
		return 0;
	}
	struct run lex = run_ours(ix, IDX_LEXICAL, NULL, "footnote lexical");
	struct run vec = run_ours(ix, IDX_VECTOR, NULL, "footnote vector");
	struct run hyb = run_ours(ix, IDX_HYBRID, NULL, "footnote hybrid");
	struct run rrk = run_ours(ix, IDX_HYBRID, rerank_defaults(), "hybrid + rerank");
	struct run fts = run_fts(db);
	struct answers ans = pass_extractive(ix);

	bench_row("3", "SciFact full build from scratch (builtin embedder)", tb, "s", "FTS5 build (lexical only)", tf,
		  "<= 5 s", bench_verdict(tb <= 5));
	bench_row("3", "SciFact lexical nDCG@10 (train queries)", lex.ndcg, "-", "FTS5 bm25()", fts.ndcg,
		  ">= FTS5", bench_verdict(lex.ndcg >= fts.ndcg));
	bench_row("3", "SciFact hybrid nDCG@10 (builtin embedder)", hyb.ndcg, "-", "footnote lexical", lex.ndcg,
		  ">= lexical", bench_verdict(hyb.ndcg >= lex.ndcg));
	bench_row("3", "SciFact vector nDCG@10 (builtin embedder)", vec.ndcg, "-", NULL, NAN, "-", "info");
	bench_row("3", "SciFact lexical search p50, warm", lex.p50, "ms", "FTS5 bm25()", fts.p50,
		  "<= FTS5 / 2", bench_verdict(lex.p50 <= fts.p50 / 2));
	bench_row("3", "SciFact lexical search p95, warm", lex.p95, "ms", "FTS5 bm25()", fts.p95, "-", "info");
	bench_row("3", "SciFact hybrid search p50, warm", hyb.p50, "ms", NULL, NAN, "-", "info");
	bench_row("16", "SciFact offline answers: first sentence from a relevant abstract", ans.first_relevant, "-",
		  "the first hit is relevant", ans.top1, "-", "info");
	bench_row("16", "SciFact offline answers: relevance figure, first sentence relevant", ans.rel_right, "-",
		  "when not", ans.rel_wrong, "> when not", bench_verdict(ans.rel_right > ans.rel_wrong));
	bench_row("16", "SciFact offline answer p50 (sentence selection only)", ans.p50, "ms", NULL, NAN, "-", "info");
	bench_row("16", "SciFact hybrid + builtin rerank nDCG@10", rrk.ndcg, "-", "bge-small-en-v1.5 (BEIR test)", 0.713,
		  ">= 0.72", bench_verdict(rrk.ndcg >= 0.72));
	bench_row("16", "SciFact hybrid + builtin rerank nDCG@10, held-out half (odd claims)", rrk.half[1], "-",
		  "hybrid, same half", hyb.half[1], "> hybrid", bench_verdict(rrk.half[1] > hyb.half[1]));
	bench_row("16", "SciFact builtin rerank added p50", rrk.p50 - hyb.p50, "ms", "hybrid p50", hyb.p50, "<= 5 ms",
		  bench_verdict(rrk.p50 - hyb.p50 <= 5));

	unsigned nl = 0, np = 0;
	double r = ivf_recall(ix, idx_embedder_builtin(), &nl, &np);
	ivf_row("builtin embedder", r, (size_t)st.chunks, nl, np);
	sqlite3_close(db);
	idx_close(ix);
	const char *lb = getenv("FN_BENCH_LOOPBACK");
	if (!lb || strcmp(lb, "0") != 0)
		loopback_recall(work, docdir);
	free(sci), free(work), free(docdir), free(ixdir), free(dbpath);
	return 0;
}

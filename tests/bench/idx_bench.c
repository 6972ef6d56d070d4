/* idx_bench.c - index benchmark on SciFact: build time with the builtin embedder, nDCG@10
 * of lexical / vector / hybrid on the train judgments, query latency p50.
 *   idx_bench SHARED_DATA_DIR [WORKDIR] */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <math.h>

#include "base/clock.h"
#include "base/xmalloc.h"
#include "index/idx.h"

static double now(void)
{
	return clock_ms_f() / 1e3;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) { perror(path); exit(1); }
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = xmalloc((size_t)n + 1);
	if (fread(p, 1, (size_t)n, f) != (size_t)n) exit(1);
	p[n] = 0;
	fclose(f);
	return p;
}

struct qrel { char qid[32]; char did[32]; };
static struct qrel *qrels;
static size_t nqrels;

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void sink_ev(void *ctx, const struct idx_event *ev)
{
	(void)ctx;
	if (ev->kind == IDX_EV_ERROR || (ev->kind == IDX_EV_FILE && ev->state == IDX_FILE_FAILED))
		fprintf(stderr, "event: %s %s\n", ev->path ? ev->path : "", ev->message ? ev->message : "");
}

int main(int argc, char **argv)
{
	const char *data = argc > 1 ? argv[1] : "../shared/data";
	const char *work = argc > 2 ? argv[2] : "/tmp/fnbench";
	char path[4096];
	char docs[4096], ixdir[4096];
	snprintf(docs, sizeof docs, "%s/docs", work);
	snprintf(ixdir, sizeof ixdir, "%s/index", work);
	char cmd[9000];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", work, docs);
	if (system(cmd)) return 1;
	snprintf(path, sizeof path, "%s/scifact/corpus.jsonl", data);
	char *corpus = slurp(path);
	size_t ndocs = 0;
	for (char *line = strtok(corpus, "\n"); line; line = strtok(NULL, "\n")) {
		cJSON *j = cJSON_Parse(line);
		if (!j) continue;
		const char *id = cJSON_GetObjectItem(j, "_id")->valuestring;
		const char *title = cJSON_GetObjectItem(j, "title")->valuestring;
		const char *text = cJSON_GetObjectItem(j, "text")->valuestring;
		char fp[4200];
		snprintf(fp, sizeof fp, "%s/%s.txt", docs, id);
		FILE *f = fopen(fp, "w");
		fprintf(f, "%s\n\n%s\n", title, text);
		fclose(f);
		cJSON_Delete(j);
		ndocs++;
	}
	free(corpus);
	idx *ix;
	int rc = idx_open(ixdir, IDX_CREATE, &ix);
	if (rc) { fprintf(stderr, "open: %s\n", idx_strerror(rc)); return 1; }
	struct idx_folder fo = {docs, "scifact"};
	struct idx_options opt = {.folders = &fo, .nfolders = 1, .language = "english"};
	struct idx_sink sink = {sink_ev, NULL};
	const struct idx_embedder *emb = idx_embedder_builtin();
	double t0 = now();
	rc = idx_sync(ix, &opt, emb, &sink, NULL);
	double tb = now() - t0;
	struct idx_stats st;
	idx_stats(ix, &st);
	printf("build: %zu docs, %llu files, %llu chunks, %llu terms in %.2f s (rc %d), map %.1f MB\n", ndocs,
	       (unsigned long long)st.files, (unsigned long long)st.chunks, (unsigned long long)st.terms, tb, rc,
	       st.map_bytes / 1e6);
	t0 = now();
	rc = idx_sync(ix, &opt, emb, &sink, NULL);
	printf("resync (nothing changed): %.3f s\n", now() - t0);

	/* qrels */
	snprintf(path, sizeof path, "%s/scifact/qrels/train.tsv", data);
	char *qr = slurp(path);
	for (char *line = strtok(qr, "\n"); line; line = strtok(NULL, "\n")) {
		struct qrel q;
		if (sscanf(line, "%31s %31s", q.qid, q.did) != 2 || strcmp(q.qid, "query-id") == 0) continue;
		qrels = realloc(qrels, (nqrels + 1) * sizeof *qrels);
		qrels[nqrels++] = q;
	}
	free(qr);
	snprintf(path, sizeof path, "%s/scifact/queries.jsonl", data);
	char *qs = slurp(path);
	char **qids = NULL, **qtexts = NULL;
	size_t nq = 0;
	for (char *line = strtok(qs, "\n"); line; line = strtok(NULL, "\n")) {
		cJSON *j = cJSON_Parse(line);
		if (!j) continue;
		const char *id = cJSON_GetObjectItem(j, "_id")->valuestring;
		int judged = 0;
		for (size_t i = 0; i < nqrels; i++) judged |= strcmp(qrels[i].qid, id) == 0;
		if (judged) {
			qids = realloc(qids, (nq + 1) * sizeof *qids);
			qtexts = realloc(qtexts, (nq + 1) * sizeof *qtexts);
			qids[nq] = xstrdup(id);
			qtexts[nq++] = xstrdup(cJSON_GetObjectItem(j, "text")->valuestring);
		}
		cJSON_Delete(j);
	}
	free(qs);
	const char *names[] = {"lexical", "vector", "hybrid"};
	enum idx_mode modes[] = {IDX_LEXICAL, IDX_VECTOR, IDX_HYBRID};
	for (int m = 0; m < 3; m++) {
		double *lat = xmalloc(nq * sizeof *lat);
		double ndcg = 0, half[2] = {0, 0};
		for (size_t qi = 0; qi < nq; qi++) {
			struct idx_query q = {.text = qtexts[qi], .k = 10, .mode = modes[m], .emb = emb, .per_file_cap = 1,
						 .w_lexical = getenv("WL") ? atof(getenv("WL")) : 1, .w_vector = getenv("WV") ? atof(getenv("WV")) : 1};
			struct idx_hits h;
			double t1 = now();
			rc = idx_search(ix, &q, &h);
			lat[qi] = now() - t1;
			if (rc) { fprintf(stderr, "search: %s\n", idx_strerror(rc)); return 1; }
			double dcg = 0, idcg = 0;
			size_t nrel = 0;
			for (size_t i = 0; i < nqrels; i++) nrel += strcmp(qrels[i].qid, qids[qi]) == 0;
			for (size_t r = 0; r < h.n; r++) {
				const char *base = strrchr(h.v[r].path, '/') + 1;
				for (size_t i = 0; i < nqrels; i++)
					if (strcmp(qrels[i].qid, qids[qi]) == 0 && strncmp(base, qrels[i].did, strlen(qrels[i].did)) == 0 &&
					    base[strlen(qrels[i].did)] == '.')
						dcg += 1.0 / log2(r + 2.0);
			}
			for (size_t r = 0; r < nrel && r < 10; r++) idcg += 1.0 / log2(r + 2.0);
			ndcg += idcg > 0 ? dcg / idcg : 0;
			half[qi & 1] += idcg > 0 ? dcg / idcg : 0;
			idx_hits_free(&h);
		}
		qsort(lat, nq, sizeof *lat, cmp_d);
		printf("%-8s nDCG@10 %.4f over %zu queries (even %.4f, odd %.4f), p50 %.3f ms, p95 %.3f ms\n",
		       names[m], ndcg / nq, nq, half[0] / ((nq + 1) / 2), half[1] / (nq / 2), lat[nq / 2] * 1e3,
		       lat[nq * 95 / 100] * 1e3);
		free(lat);
	}
	idx_close(ix);
	return 0;
}

/* scale_bench.c - the index at scale (issue 3, Performance): a synthetic corpus of
 * FN_BENCH_CHUNKS chunks of about 100 words with 384-dimensional vectors.
 *
 *   scale_bench            prepare (or reuse) the corpus and index, then measure
 *   scale_bench open|cold|search DIR    the probes, each in a fresh process (run by the above)
 *
 * The corpus: files of 1000 Markdown sections "# —" + one paragraph; each section is one
 * chunk (a heading is a hard chunk boundary, so there is no overlap). Words follow a Zipf
 * law over a synthetic vocabulary whose 40 most frequent words are English stopwords.
 * Vectors come from a bench embedder handed to idx_sync (the index API takes vectors only
 * through an embedder): it looks the paragraph up by hash and returns that chunk's vector,
 * drawn around one of 1000 centroids plus noise in a 32-dimensional subspace plus a little
 * noise everywhere, so neighbourhoods exist as in real embeddings. Queries: 4 words of a
 * random chunk, and that chunk's vector plus noise. Everything is deterministic, and the
 * corpus, index, hnswlib graph and ground truth are cached in $FN_BENCH_DIR/scale-N-v1.
 *
 * Measured: open + first hybrid search in a fresh process (warm page cache; a cold-cache
 * figure as info), hybrid and lexical p50, anonymous resident memory after the searches
 * (/proc/self/smaps), exact vector search beside hnswlib (speed, and recall@10 of both
 * against an f32 brute force; hnswlib at the smallest ef that reaches 0.95), and (issue 21)
 * the IVF lists: an nprobe sweep, the tuned defaults beside hnswlib, the IVF's training
 * time, a build now and as before this round (FN_BENCH_NOIVF: no IVF, new postings onto
 * each term's last segment; FN_BENCH_REBUILD, FN_BENCH_BUILD_ONLY), syncs adding and
 * removing 1,000 chunks in both ways and the two mixed, in two copies of the index by turns
 * (FN_BENCH_INCR=0 skips them, FN_BENCH_INCR_ONLY=1 runs only them), then store_check of
 * the whole index. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "index/idx.h"
#include "index/search/ivf.h"
#include "index/search/lexical.h"
#include "index/search/vector.h"
#include "tests/bench/bench.h"
#include "tests/bench/hnsw_shim.h"
#include "tests/bench/scale_bench.h"
#include "tests/bench/scale_gen.h"

#define NQUERY 200   /* timed searches */
#define NANN 100     /* queries for the vector comparison */
#define HNSW_M 16
#define HNSW_EFC 100
#define PROFILE_CAP 3 /* hits per file, as the default profile (retrieval.per_file_cap) */

/* ---- the bench embedder ---------------------------------------------------------------- */

static uint64_t para_hash(const char *t, const char **para)
{
	if (t[0] == '#') {
		const char *nl = strchr(t, '\n');
		t = nl ? nl : t + strlen(t);
	}
	while (*t == '\n' || *t == ' ')
		t++;
	size_t len = strlen(t);
	while (len && (t[len - 1] == '\n' || t[len - 1] == ' '))
		len--;
	if (para)
		*para = t;
	return XXH3_64bits(t, len);
}

int cmp_hash(const void *a, const void *b)
{
	uint64_t x = ((const struct hashent *)a)->hash, y = ((const struct hashent *)b)->hash;
	return x < y ? -1 : x > y;
}

static int synth_embed(void *ctx, const char *const *texts, size_t n, float *out, char *err, size_t errlen)
{
	struct synth *sy = ctx;
	for (size_t i = 0; i < n; i++) {
		if (sy->qvec) {
			memcpy(out + i * DIM, sy->qvec, DIM * sizeof *out);
			continue;
		}
		if (!sy->map) {
			snprintf(err, errlen, "the cached index is out of date (a chunk needs a vector): remove its directory");
			return IDX_EEMBED;
		}
		struct hashent key = {para_hash(texts[i], NULL), 0};
		struct hashent *e = bsearch(&key, sy->map, sy->nmap, sizeof key, cmp_hash);
		if (!e) {
			snprintf(err, errlen, "a chunk that is not one generated section: \"%.60s\"", texts[i]);
			return IDX_EEMBED;
		}
		vec_of(e->n, out + i * DIM);
	}
	return 0;
}

struct synth synth_ctx;
const struct idx_embedder synth_emb = {"bench-synth-384-" GEN, DIM, 256, synth_embed, &synth_ctx};

/* ---- preparing the corpus and the index ----------------------------------------------- */

char *dir, *docdir, *ixdir;
size_t nchunks;
bool no_ivf; /* FN_BENCH_NOIVF: the index as it was before this round (no IVF, postings in place) */

static double scan_done_at; /* bench_now() of the last IDX_EV_SCAN_DONE */

static void sink_event(void *ctx, const struct idx_event *ev)
{
	static size_t last;
	(void)ctx;
	if (ev->kind == IDX_EV_SCAN_DONE)
		scan_done_at = bench_now();
	if (ev->kind == IDX_EV_ERROR || (ev->kind == IDX_EV_FILE && ev->state == IDX_FILE_FAILED))
		fprintf(stderr, "index: %s %s\n", ev->path ? ev->path : "", ev->message ? ev->message : "");
	if (ev->kind == IDX_EV_FILE && ev->files_total && ev->files_done * 10 / ev->files_total != last) {
		last = ev->files_done * 10 / ev->files_total;
		fprintf(stderr, "scale: indexed %zu of %zu files, %zu chunks\n", ev->files_done, ev->files_total,
			ev->chunks_total);
	}
}

/* Reads "key value" from the cache's info file; NAN when absent. */
static double info_get(const char *key)
{
	char line[256];
	char *path = xasprintf("%s/ready", dir);
	FILE *f = fopen(path, "r");
	double v = NAN;
	free(path);
	if (!f)
		return v;
	size_t kl = strlen(key);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ')
			v = atof(line + kl + 1);
	fclose(f);
	return v;
}

static void info_add(const char *key, double v)
{
	char *path = xasprintf("%s/ready", dir);
	FILE *f = fopen(path, "a");
	if (!f || fprintf(f, "%s %.6f\n", key, v) < 0 || fclose(f))
		bench_die("%s: %s", path, strerror(errno));
	free(path);
}

static void write_corpus(void)
{
	bench_mkdirs(docdir);
	synth_ctx.map = xmalloc(nchunks * sizeof *synth_ctx.map);
	struct buf file = {0}, para = {0};
	for (size_t f = 0; f * PER_FILE < nchunks; f++) {
		buf_reset(&file);
		for (size_t n = f * PER_FILE; n < nchunks && n < (f + 1) * PER_FILE; n++) {
			text_of(n, &para, NULL);
			buf_addf(&file, "# \xE2\x80\x94\n\n%s\n\n", buf_str(&para));
			synth_ctx.map[synth_ctx.nmap++] = (struct hashent){XXH3_64bits(para.p, para.len), n};
		}
		char *path = xasprintf("%s/part-%05zu.md", docdir, f);
		bench_write(path, file.p, file.len);
		free(path);
	}
	buf_free(&file);
	buf_free(&para);
	qsort(synth_ctx.map, synth_ctx.nmap, sizeof *synth_ctx.map, cmp_hash);
}

/* True when the index has its IVF lists. */
static int ivf_present(idx *ix)
{
	MDB_txn *txn;
	if (store_rtxn_begin(ix, &txn))
		return 0;
	int r = ivf_ready(txn, ix, DIM, NULL);
	store_rtxn_end(ix, txn);
	return r;
}

/* The IVF's lists and the nprobe ivf_tune chose (0, 0 without an IVF). */
static void ivf_shape(idx *ix, unsigned *nlist, unsigned *nprobe)
{
	MDB_txn *txn;
	struct cents c;
	*nlist = *nprobe = 0;
	if (store_rtxn_begin(ix, &txn))
		return;
	if (ivf_cents_load(txn, ix, DIM, &c) == 0) {
		*nlist = c.nlist;
		*nprobe = c.nprobe;
		ivf_cents_free(&c);
	}
	store_rtxn_end(ix, txn);
}

/* A sync of the cached index that finds nothing to re-index; an index made before the
 * sign codes of the approximate vector search, or before the IVF lists, gets them here
 * (once: the IVF's training time is recorded). */
static void refresh(void)
{
	struct idx_folder fo = {docdir, "synthetic"};
	struct idx_options opt = {.folders = &fo, .nfolders = 1, .language = "english"};
	struct idx_sink sink = {sink_event, NULL};
	idx *ix;
	double t0 = bench_now();
	int rc = idx_open(ixdir, 0, &ix);
	int had = !rc && ivf_present(ix);
	if (!rc)
		rc = idx_sync(ix, &opt, &synth_emb, &sink, NULL);
	if (rc)
		bench_die("syncing the cached index: %s", idx_strerror(rc));
	int has = ivf_present(ix);
	idx_close(ix);
	double t = bench_now() - t0;
	fprintf(stderr, "scale: reusing the index in %s (sync %.1f s%s)\n", dir, t,
		!had && has ? ", the IVF trained in it" : "");
	if (!had && has)
		info_add("ivf_train_s", t);
}

static void prepare(void)
{
	const char *rebuild = getenv("FN_BENCH_REBUILD");
	if (!isnan(info_get("build_s")) && !(rebuild && *rebuild)) {
		refresh();
		return;
	}
	/* The hnswlib graph and the ground truth depend only on the generator: kept, with
	 * their build time and that of an earlier build without the IVF. */
	double hb = info_get("hnsw_build_s"), nb = info_get("build_noivf_s");
	bench_rmrf(docdir);
	bench_rmrf(ixdir);
	char *rp = xasprintf("%s/ready", dir);
	unlink(rp);
	free(rp);
	bench_mkdirs(dir);
	if (!isnan(hb))
		info_add("hnsw_build_s", hb);
	if (!isnan(nb) && !no_ivf)
		info_add("build_noivf_s", nb);
	fprintf(stderr, "scale: writing %zu chunks to %s\n", nchunks, docdir);
	write_corpus();
	struct idx_folder fo = {docdir, "synthetic"};
	struct idx_options opt = {.folders = &fo, .nfolders = 1, .language = "english"};
	struct idx_sink sink = {sink_event, NULL};
	idx *ix;
	double t0 = bench_now();
	int rc = idx_open(ixdir, IDX_CREATE, &ix);
	if (!rc)
		rc = idx_sync(ix, &opt, &synth_emb, &sink, NULL);
	double t = bench_now() - t0, tail = scan_done_at > 0 ? bench_now() - scan_done_at : NAN;
	if (rc)
		bench_die("indexing the synthetic corpus: %s", idx_strerror(rc));
	struct idx_stats st;
	idx_stats(ix, &st);
	idx_close(ix);
	if (st.chunks != nchunks)
		bench_die("the index holds %llu chunks, expected %zu: the chunker no longer makes one chunk per section",
			  (unsigned long long)st.chunks, nchunks);
	free(synth_ctx.map);
	synth_ctx.map = NULL;
	fprintf(stderr, "scale: indexed %zu chunks in %.1f s (%.1f s of it after the last chunk was searchable: the IVF's "
		"training), map %.0f MB\n", nchunks, t, tail, st.map_bytes / 1e6);
	info_add("map_mb", st.map_bytes / 1e6);
	info_add("build_s", t);
	if (!no_ivf && !isnan(tail))
		info_add("build_ivf_tail_s", tail);
	if (no_ivf)
		info_add("build_noivf_s", t);
}

/* ---- the probes (fresh processes) ------------------------------------------------------ */

int search_one(idx *ix, const struct query *q, enum idx_mode mode, size_t cap, struct idx_hits *h)
{
	synth_ctx.qvec = q->vec;
	struct idx_query iq = {.text = q->text, .k = 10, .mode = mode, .emb = &synth_emb, .per_file_cap = cap};
	return idx_search(ix, &iq, h);
}

/* Open + first hybrid search; prints milliseconds. With cold, first drops the index file
 * from the page cache (this file only: posix_fadvise). */
static int probe_open(const char *qpath, bool cold)
{
	size_t nq;
	struct query *q = load_queries(qpath, &nq);
	if (cold) {
		char *path = xasprintf("%s/data.mdb", ixdir);
		int fd = open(path, O_RDONLY);
		if (fd < 0 || fdatasync(fd) || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
			bench_die("%s: cannot drop it from the page cache: %s", path, strerror(errno));
		close(fd);
		free(path);
	}
	idx *ix;
	struct idx_hits h;
	double t0 = bench_now();
	int rc = idx_open(ixdir, IDX_RDONLY, &ix);
	if (!rc)
		rc = search_one(ix, &q[nq - 1], IDX_HYBRID, PROFILE_CAP, &h);
	double t = bench_now() - t0;
	if (rc)
		bench_die("open + search: %s", idx_strerror(rc));
	printf("%.3f\n", t * 1e3);
	idx_hits_free(&h);
	idx_close(ix);
	free(q);
	return 0;
}

static double timed_pass(idx *ix, const struct query *q, size_t nq, enum idx_mode mode, double *lat)
{
	for (size_t i = 0; i < nq; i++) {
		struct idx_hits h;
		double t0 = bench_now();
		int rc = search_one(ix, &q[i], mode, PROFILE_CAP, &h);
		if (lat)
			lat[i] = (bench_now() - t0) * 1e3;
		if (rc)
			bench_die("search \"%s\": %s", q[i].text, idx_strerror(rc));
		idx_hits_free(&h);
	}
	return lat ? bench_pct(lat, nq, 50) : NAN;
}

/* Hybrid and lexical p50 (warm), then the anonymous memory this process holds. */
static int probe_search(const char *qpath)
{
	size_t nq;
	struct query *q = load_queries(qpath, &nq);
	long long base = bench_anon_bytes();
	idx *ix;
	int rc = idx_open(ixdir, IDX_RDONLY, &ix);
	if (rc)
		bench_die("open %s: %s", ixdir, idx_strerror(rc));
	double *lat = xmalloc(nq * sizeof *lat);
	timed_pass(ix, q, nq, IDX_HYBRID, NULL);
	double hyb = timed_pass(ix, q, nq, IDX_HYBRID, lat);
	double hyb95 = bench_pct(lat, nq, 95);
	timed_pass(ix, q, nq, IDX_LEXICAL, NULL);
	double lex = timed_pass(ix, q, nq, IDX_LEXICAL, lat);
	long long anon = bench_anon_bytes(), file = bench_file_rss_bytes();
	fprintf(stderr, "scale: hybrid p50 %.2f ms p95 %.2f ms, lexical p50 %.2f ms; anonymous RSS %.1f MB "
		"(%.1f MB before opening), file-backed RSS %.0f MB\n", hyb, hyb95, lex, anon / 1e6, base / 1e6, file / 1e6);
	bool at_scale = nchunks >= 1000000;
	char m[160];
	snprintf(m, sizeof m, "hybrid search p50, warm (%zu chunks)", nchunks);
	bench_row("3", m, hyb, "ms", NULL, NAN, "<= 50 ms at 1M", at_scale ? bench_verdict(hyb <= 50) : "info");
	snprintf(m, sizeof m, "hybrid search p95, warm (%zu chunks)", nchunks);
	bench_row("3", m, hyb95, "ms", NULL, NAN, "-", "info");
	snprintf(m, sizeof m, "lexical search p50, warm (%zu chunks)", nchunks);
	bench_row("3", m, lex, "ms", NULL, NAN, "-", "info");
	snprintf(m, sizeof m, "anonymous RSS after open + %zu searches (%zu chunks)", 4 * nq, nchunks);
	bench_row("3", m, anon / 1048576.0, "MB", NULL, NAN, "<= 64 MB at 1M",
		  at_scale ? bench_verdict(anon <= 64ll << 20) : "info");
	free(lat);
	idx_close(ix);
	free(q);
	return 0;
}

/* Runs this program with mode and the query file; returns the number it printed. */
static double run_probe(const char *mode, const char *qpath)
{
	char *cmd = xasprintf("'/proc/%d/exe' %s '%s'", (int)getpid(), mode, qpath);
	FILE *p = popen(cmd, "r");
	free(cmd);
	double v = NAN;
	if (!p || fscanf(p, "%lf", &v) != 1)
		v = NAN;
	if (!p || pclose(p) != 0)
		bench_die("probe %s failed", mode);
	return v;
}

/* ---- vectors beside hnswlib -------------------------------------------------------------- */

struct top10 {
	uint64_t id[10];
	float s[10];
	int n;
};

static void top_push(struct top10 *t, uint64_t id, float s)
{
	if (t->n == 10 && s <= t->s[9])
		return;
	int i = t->n < 10 ? t->n++ : 9;
	while (i > 0 && t->s[i - 1] < s) {
		t->s[i] = t->s[i - 1];
		t->id[i] = t->id[i - 1];
		i--;
	}
	t->s[i] = s;
	t->id[i] = id;
}

/* The f32 brute-force top 10 of each query (cached), and the hnswlib graph (cached): one
 * pass generates the vectors block by block for both. */
static struct top10 *truth_and_graph(const struct query *q, size_t nq, struct hnsw **graph, double *build_s)
{
	char *gpath = xasprintf("%s/hnsw-M%d-efc%d.bin", dir, HNSW_M, HNSW_EFC);
	char *tpath = xasprintf("%s/truth-%zu.bin", dir, nq);
	*graph = hnsw_load(gpath, DIM);
	*build_s = info_get("hnsw_build_s");
	struct top10 *gt = NULL;
	struct stat st;
	if (stat(tpath, &st) == 0 && (size_t)st.st_size == nq * sizeof *gt) {
		gt = (struct top10 *)bench_slurp(tpath, NULL);
		if (*graph) {
			free(gpath), free(tpath);
			return gt;
		}
	}
	bool want_gt = !gt, want_graph = !*graph;
	if (want_gt)
		gt = xcalloc(nq, sizeof *gt);
	if (want_graph)
		*graph = hnsw_new(DIM, nchunks, HNSW_M, HNSW_EFC);
	if (!*graph)
		bench_die("hnswlib: cannot create an index of %zu vectors", nchunks);
	fprintf(stderr, "scale: generating %zu vectors for%s%s%s\n", nchunks, want_gt ? " the f32 ground truth" : "",
		want_gt && want_graph ? " and" : "", want_graph ? " the hnswlib graph" : "");
	float *qt = xmalloc((size_t)DIM * nq * sizeof *qt); /* transposed: dim-major */
	for (size_t i = 0; i < nq; i++)
		for (int d = 0; d < DIM; d++)
			qt[(size_t)d * nq + i] = q[i].vec[d];
	enum { BLOCK = 8192 };
	float *blk = xmalloc((size_t)BLOCK * DIM * sizeof *blk), *acc = xmalloc(nq * sizeof *acc);
	double tg = 0;
	for (size_t b = 0; b < nchunks; b += BLOCK) {
		size_t n = nchunks - b < BLOCK ? nchunks - b : BLOCK;
		for (size_t i = 0; i < n; i++)
			vec_of(b + i, blk + i * DIM);
		for (size_t i = 0; i < n && want_gt; i++) {
			memset(acc, 0, nq * sizeof *acc);
			for (int d = 0; d < DIM; d++) {
				float x = blk[i * DIM + (size_t)d];
				const float *row = qt + (size_t)d * nq;
				for (size_t k = 0; k < nq; k++)
					acc[k] += x * row[k];
			}
			for (size_t k = 0; k < nq; k++)
				top_push(&gt[k], b + i, acc[k]);
		}
		if (want_graph) {
			double t0 = bench_now();
			if (hnsw_add(*graph, blk, n, b, 2))
				bench_die("hnswlib: adding vectors failed");
			tg += bench_now() - t0;
		}
		if ((b / BLOCK) % 16 == 15)
			fprintf(stderr, "scale: %zu of %zu vectors\n", b + n, nchunks);
	}
	free(blk);
	free(acc);
	free(qt);
	if (want_gt)
		bench_write(tpath, (const char *)gt, nq * sizeof *gt);
	if (want_graph) {
		*build_s = tg;
		if (hnsw_save(*graph, gpath))
			bench_die("hnswlib: cannot save %s", gpath);
		info_add("hnsw_build_s", tg);
	}
	free(gpath), free(tpath);
	return gt;
}

static double recall(const uint64_t *got, size_t n, const uint64_t *want, size_t nwant)
{
	size_t hit = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < nwant; j++)
			hit += got[i] == want[j];
	return nwant ? (double)hit / (double)nwant : 0;
}

/* The chunk number of a hit: files hold PER_FILE sections of 4 lines each. Checked
 * against the hit's text, so a change in chunking cannot go unnoticed. */
static uint64_t chunk_number(const struct idx_hit *h, struct buf *tmp)
{
	const char *base = strrchr(h->path, '/');
	unsigned long f;
	if (!base || sscanf(base, "/part-%lu.md", &f) != 1 || h->line_start < 1)
		bench_die("unexpected hit %s:%u", h->path, h->line_start);
	uint64_t n = (uint64_t)f * PER_FILE + (h->line_start - 1) / 4;
	const char *para;
	para_hash(h->text, &para);
	text_of(n, tmp, NULL);
	if (strncmp(para, tmp->p, tmp->len) != 0)
		bench_die("hit %s:%u is not section %llu", h->path, h->line_start, (unsigned long long)n);
	return n;
}

/* hnswlib at one ef: latencies into lat, labels into out; returns the mean recall@10
 * against the f32 truth. The first call warms up. */
static double hnsw_pass(struct hnsw *g, size_t ef, const struct query *q, const struct top10 *gt, size_t nq,
			uint64_t (*out)[10], double *lat)
{
	double r = 0;
	hnsw_set_ef(g, ef);
	for (size_t i = 0; i < nq; i++) {
		double t0 = bench_now();
		size_t n = hnsw_search(g, q[i].vec, 10, out[i]);
		lat[i] = (bench_now() - t0) * 1e3;
		r += recall(out[i], n, gt[i].id, (size_t)gt[i].n);
	}
	return r / (double)nq;
}

/* footnote's vector search (IDX_VECTOR) over the queries, twice (the first pass warms). */
static void vector_pass(idx *ix, const struct query *q, size_t nq, uint64_t (*ids)[10], size_t *nids, double *lat,
			struct buf *tmp)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < nq; i++) {
			struct idx_hits h;
			double t0 = bench_now();
			int rc = search_one(ix, &q[i], IDX_VECTOR, 0, &h);
			lat[i] = (bench_now() - t0) * 1e3;
			if (rc)
				bench_die("vector search: %s", idx_strerror(rc));
			nids[i] = h.n < 10 ? h.n : 10;
			for (size_t r = 0; r < nids[i] && pass; r++)
				ids[i][r] = chunk_number(&h.v[r], tmp);
			idx_hits_free(&h);
		}
	}
}

/* footnote's exact search beside hnswlib. hnswlib is given the smallest ef of a sweep that
 * reaches recall@10 >= 0.95 against the f32 truth (the goal an approximate index would have
 * to meet), so its speed is compared at a useful recall; the sweep goes to stderr. */
static void compare_vectors(const struct query *q)
{
	size_t nq = NANN;
	struct hnsw *g;
	double hb;
	struct top10 *gt = truth_and_graph(q, nq, &g, &hb);
	idx *ix;
	int rc = idx_open(ixdir, IDX_RDONLY, &ix);
	if (rc)
		bench_die("open %s: %s", ixdir, idx_strerror(rc));
	uint64_t (*ours)[10] = xcalloc(nq, sizeof *ours), (*theirs)[10] = xcalloc(nq, sizeof *theirs);
	size_t *nours = xcalloc(nq, sizeof *nours);
	double *lo = xmalloc(nq * sizeof *lo), *lh = xmalloc(nq * sizeof *lh);
	struct buf tmp = {0};
	vec_set_approx(SIZE_MAX, 0);
	vector_pass(ix, q, nq, ours, nours, lo, &tmp);
	vec_set_approx(1, 0);
	ivf_set_search(0);
	uint64_t (*approx)[10] = xcalloc(nq, sizeof *approx);
	size_t *napprox = xcalloc(nq, sizeof *napprox);
	double *la = xmalloc(nq * sizeof *la);
	vector_pass(ix, q, nq, approx, napprox, la, &tmp);
	ivf_set_search(1);
	int have_ivf = ivf_present(ix);
	uint64_t (*iv)[10] = xcalloc(nq, sizeof *iv);
	size_t *niv = xcalloc(nq, sizeof *niv);
	double *li = xmalloc(nq * sizeof *li);
	/* The IVF at each nprobe of a sweep (stderr), then at its defaults (the rows). */
	static const size_t probes[] = {4, 8, 16, 32, 64, 128};
	const char *sc = getenv("FN_BENCH_IVF_CAND"); /* tuning: the sweep's candidates */
	size_t sweep_cand = sc && atoi(sc) > 0 ? (size_t)atoi(sc) : 0;
	for (size_t p = 0; p < sizeof probes / sizeof probes[0] && have_ivf; p++) {
		ivf_set_params(0, probes[p], sweep_cand);
		vector_pass(ix, q, nq, iv, niv, li, &tmp);
		double r = 0, rx = 0;
		for (size_t i = 0; i < nq; i++) {
			r += recall(iv[i], niv[i], gt[i].id, (size_t)gt[i].n);
			rx += recall(iv[i], niv[i], ours[i], nours[i]);
		}
		fprintf(stderr, "scale: IVF nprobe=%zu: recall@10 vs f32 %.3f, vs exact int8 %.3f, p50 %.3f ms\n",
			probes[p], r / (double)nq, rx / (double)nq, bench_pct(li, nq, 50));
	}
	ivf_set_params(0, 0, 0);
	if (have_ivf)
		vector_pass(ix, q, nq, iv, niv, li, &tmp);
	static const size_t efs[] = {16, 32, 64, 128, 256, 512, 1024};
	size_t ef = 0;
	double rh = 0, ph = 0;
	hnsw_pass(g, efs[0], q, gt, nq, theirs, lh);
	for (size_t e = 0; e < sizeof efs / sizeof efs[0] && rh < 0.95; e++) {
		ef = efs[e];
		rh = hnsw_pass(g, ef, q, gt, nq, theirs, lh);
		ph = bench_pct(lh, nq, 50);
		fprintf(stderr, "scale: hnswlib ef=%zu: recall@10 %.3f, p50 %.3f ms\n", ef, rh, ph);
	}
	double ro = 0, rho = 0, ra = 0, rax = 0;
	for (size_t i = 0; i < nq; i++) {
		ro += recall(ours[i], nours[i], gt[i].id, (size_t)gt[i].n);
		rho += recall(theirs[i], 10, ours[i], nours[i]);
		ra += recall(approx[i], napprox[i], gt[i].id, (size_t)gt[i].n);
		rax += recall(approx[i], napprox[i], ours[i], nours[i]);
	}
	ro /= (double)nq, rho /= (double)nq, ra /= (double)nq, rax /= (double)nq;
	double po = bench_pct(lo, nq, 50), pa = bench_pct(la, nq, 50);
	if (have_ivf) {
		double ri = 0, rix = 0;
		for (size_t i = 0; i < nq; i++) {
			ri += recall(iv[i], niv[i], gt[i].id, (size_t)gt[i].n);
			rix += recall(iv[i], niv[i], ours[i], nours[i]);
		}
		ri /= (double)nq, rix /= (double)nq;
		double pi = bench_pct(li, nq, 50), pi95 = bench_pct(li, nq, 95);
		bool at_scale = nchunks >= 1000000;
		unsigned nl, np;
		ivf_shape(ix, &nl, &np);
		fprintf(stderr, "scale: vector p50 IVF (defaults: %u lists, tuned nprobe %u%s) %.3f ms (p95 %.3f); recall@10 "
			"vs f32 %.3f, vs exact int8 %.3f; hnswlib p50 %.3f ms\n", nl, np,
			np > nl / 4 ? ": not worth it, scans" : "", pi, pi95, ri, rix, ph);
		char mm[160], pp[80];
		snprintf(pp, sizeof pp, "hnswlib M=%d ef=%zu", HNSW_M, ef);
		snprintf(mm, sizeof mm, "vector search p50, IVF: %u lists, tuned nprobe %u%s (%zu chunks)", nl, np,
			 np > nl / 4 ? " (too many: scans)" : "", nchunks);
		bench_row("21", mm, pi, "ms", pp, ph, "<= hnswlib at 1M", at_scale ? bench_verdict(pi <= ph) : "info");
		snprintf(mm, sizeof mm, "IVF vector recall@10 vs f32 brute force (%zu chunks)", nchunks);
		bench_row("21", mm, ri, "-", pp, rh, ">= 0.95", bench_verdict(ri >= 0.95));
		snprintf(mm, sizeof mm, "IVF vector recall@10 vs exact int8 scan (%zu chunks)", nchunks);
		bench_row("21", mm, rix, "-", NULL, NAN, "-", "info");
		double tr = info_get("ivf_train_s");
		if (!isnan(tr)) {
			snprintf(mm, sizeof mm, "IVF training, sync of an index without it (%zu chunks)", nchunks);
			bench_row("21", mm, tr, "s", NULL, NAN, "-", "info");
		}
	}
	fprintf(stderr, "scale: vector p50 approximate (sign codes + int8 rescoring) %.2f ms; recall@10 vs f32 %.3f, "
		"vs exact int8 %.3f\n", pa, ra, rax);
	fprintf(stderr, "scale: vector p50 exact %.2f ms, hnswlib %.3f ms; recall@10 vs f32: ours %.3f, hnswlib %.3f; "
		"hnswlib vs ours %.3f\n", po, ph, ro, rh, rho);
	char m[160], peer[80];
	snprintf(peer, sizeof peer, "hnswlib M=%d ef=%zu", HNSW_M, ef);
	snprintf(m, sizeof m, "vector search p50, exact int8 scan (%zu chunks)", nchunks);
	bench_row("3", m, po, "ms", peer, ph, "-", "info");
	snprintf(m, sizeof m, "vector recall@10 vs f32 brute force (%zu chunks)", nchunks);
	bench_row("3", m, ro, "-", peer, rh, ">= 0.95", bench_verdict(ro >= 0.95));
	snprintf(m, sizeof m, "vector search p50, approximate: sign codes + int8 rescoring (%zu chunks)", nchunks);
	bench_row("3", m, pa, "ms", peer, ph, "-", "info");
	snprintf(m, sizeof m, "approximate vector recall@10 vs f32 brute force (%zu chunks)", nchunks);
	bench_row("3", m, ra, "-", peer, rh, ">= 0.95", bench_verdict(ra >= 0.95));
	snprintf(m, sizeof m, "approximate vector recall@10 vs exact int8 scan (%zu chunks)", nchunks);
	bench_row("3", m, rax, "-", NULL, NAN, ">= 0.95", bench_verdict(rax >= 0.95));
	snprintf(m, sizeof m, "hnswlib recall@10 vs footnote's exact search (%zu chunks)", nchunks);
	bench_row("3", m, NAN, "-", peer, rho, "-", "info");
	snprintf(m, sizeof m, "synthetic index build: text + vectors (%zu chunks)", nchunks);
	snprintf(peer, sizeof peer, "hnswlib build, vectors only, M=%d efC=%d", HNSW_M, HNSW_EFC);
	bench_row("3", m, info_get("build_s"), "s", peer, hb, "-", "info");
	double bn = info_get("build_noivf_s");
	if (!isnan(bn)) {
		snprintf(m, sizeof m, "index build per chunk, the IVF and the fresh postings (%zu chunks)", nchunks);
		bench_row("21", m, info_get("build_s") * 1e6 / (double)nchunks, "us",
			  "the same build before this round (no IVF, postings in place)",
			  bn * 1e6 / (double)nchunks, "no slower", bench_verdict(info_get("build_s") <= bn * 1.05));
	}
	double tl = info_get("build_ivf_tail_s");
	if (!isnan(tl)) {
		snprintf(m, sizeof m, "of that build, the IVF's training at its end (%zu chunks)", nchunks);
		bench_row("21", m, tl, "s", NULL, NAN, "-", "info");
	}
	buf_free(&tmp);
	free(ours), free(theirs), free(nours), free(lo), free(lh), free(gt);
	free(approx), free(napprox), free(la), free(iv), free(niv), free(li);
	hnsw_free(g);
	idx_close(ix);
}

/* ---- incremental updates ------------------------------------------------------------- */

int main(int argc, char **argv)
{
	nchunks = bench_chunks();
	const char *noivf = getenv("FN_BENCH_NOIVF");
	no_ivf = noivf && *noivf && strcmp(noivf, "0") != 0;
	if (no_ivf) {
		ivf_set_params(SIZE_MAX, 0, 0);
		lex_set_fresh(0);
	}
	const char *cand = getenv("FN_BENCH_CAND"); /* tuning: candidates the approximate search rescores */
	if (cand && atoi(cand) > 0)
		vec_set_approx(0, (size_t)atoi(cand));
	dir = xasprintf("%s/scale-%zu-%s", bench_dir(), nchunks, GEN);
	docdir = xasprintf("%s/docs", dir);
	ixdir = xasprintf("%s/index", dir);
	if (argc == 3 && strcmp(argv[1], "open") == 0)
		return probe_open(argv[2], false);
	if (argc == 3 && strcmp(argv[1], "cold") == 0)
		return probe_open(argv[2], true);
	if (argc == 3 && strcmp(argv[1], "search") == 0)
		return probe_search(argv[2]);
	if (argc != 1)
		bench_die("usage: scale_bench (FN_BENCH_CHUNKS and FN_BENCH_DIR from the environment)");

	gen_init();
	prepare();
	const char *incr_only = getenv("FN_BENCH_INCR_ONLY"); /* the incremental syncs alone */
	if (incr_only && *incr_only && strcmp(incr_only, "0") != 0) {
		struct query *q = gen_queries(nchunks, NQUERY);
		incremental(q, NQUERY);
		free(q);
		free(dir), free(docdir), free(ixdir);
		return 0;
	}
	const char *only = getenv("FN_BENCH_BUILD_ONLY"); /* with FN_BENCH_REBUILD: time a build */
	if (only && *only && strcmp(only, "0") != 0) {
		free(dir), free(docdir), free(ixdir);
		return 0;
	}
	struct query *q = gen_queries(nchunks, NQUERY);
	char *qpath = xasprintf("%s/queries.bin", dir);
	save_queries(qpath, q, NQUERY);

	double open_ms[5];
	for (int i = 0; i < 5; i++)
		open_ms[i] = run_probe("open", qpath);
	double colds[3];
	for (int i = 0; i < 3; i++)
		colds[i] = run_probe("cold", qpath);
	double cold = bench_pct(colds, 3, 50);
	double warm = bench_pct(open_ms, 5, 50);
	fprintf(stderr, "scale: open + first search %.2f ms (median of 5 fresh processes), cold cache %.1f ms\n",
		warm, cold);
	bool at_scale = nchunks >= 1000000;
	char m[160];
	snprintf(m, sizeof m, "open + first hybrid search, fresh process (%zu chunks)", nchunks);
	bench_row("3", m, warm, "ms", NULL, NAN, "<= 100 ms at 1M", at_scale ? bench_verdict(warm <= 100) : "info");
	snprintf(m, sizeof m, "open + first hybrid search, index not in page cache, median of 3 (%zu chunks)", nchunks);
	bench_row("21", m, cold, "ms", NULL, NAN, "<= 300 ms at 1M", at_scale ? bench_verdict(cold <= 300) : "info");

	char *cmd = xasprintf("'/proc/%d/exe' search '%s'", (int)getpid(), qpath);
	fflush(stdout);
	int st = system(cmd);
	free(cmd);
	if (st != 0)
		bench_die("the search probe failed (status %d)", st);
	compare_vectors(q);
	const char *incr = getenv("FN_BENCH_INCR");
	if (!incr || strcmp(incr, "0") != 0)
		incremental(q, NQUERY);
	free(q), free(qpath), free(dir), free(docdir), free(ixdir);
	return 0;
}

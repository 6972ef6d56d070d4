/* scale_incr.c - scale_bench's incremental syncs: a file of 1,000 chunks added and removed,
 * with and without the IVF and the fresh postings, the bytes each sync writes, the IVF's
 * fresh list (vector search with it nearly full, the sync that merges it), then store_check
 * of the whole index. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "index/idx.h"
#include "index/search/ivf.h"
#include "index/search/lexical.h"
#include "tests/bench/bench.h"
#include "tests/bench/scale_bench.h"

#define INCR 1000 /* chunks in the file added and removed */

/* The file zz-<name>.md of n new sections, chunks first .. first + n - 1 of the generator,
 * written into the corpus; their paragraphs join the embedder's map. */
/* Sections of the generator's chunks first .. first + n - 1 onto file; their paragraphs
 * join the embedder's map. */
static void add_sections(struct buf *file, size_t first, size_t n)
{
	struct buf para = {0};
	synth_ctx.map = xgrow(synth_ctx.map, &synth_ctx.capmap, synth_ctx.nmap + n, sizeof *synth_ctx.map);
	for (size_t c = first; c < first + n; c++) {
		text_of(c, &para, NULL);
		buf_addf(file, "# \xE2\x80\x94\n\n%s\n\n", buf_str(&para));
		synth_ctx.map[synth_ctx.nmap++] = (struct hashent){XXH3_64bits(para.p, para.len), c};
	}
	qsort(synth_ctx.map, synth_ctx.nmap, sizeof *synth_ctx.map, cmp_hash);
	buf_free(&para);
}

static char *add_file(const char *name, size_t first, size_t n)
{
	struct buf file = {0};
	add_sections(&file, first, n);
	char *path = xasprintf("%s/zz-%s.md", docdir, name);
	bench_write(path, file.p, file.len);
	buf_free(&file);
	return path;
}
static void map_reset(void)
{
	free(synth_ctx.map);
	synth_ctx.map = NULL;
	synth_ctx.nmap = synth_ctx.capmap = 0;
}

/* Bytes this process has handed to write(2) and its kin ("wchar" of /proc/self/io): what a
 * sync writes into the index, LMDB writing dirty pages with pwrite. -1 when unreadable. */
static long long written(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	long long v = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "wchar: ", 7))
			v = atoll(line + 7);
	if (f)
		fclose(f);
	return v;
}

/* Seconds of a sync of the corpus into the open index; *mb, when not NULL, the megabytes it
 * wrote. */
static double timed_sync(idx *ix, const char *ixd, double *mb)
{
	struct idx_folder fo = {docdir, "synthetic"};
	struct idx_options opt = {.folders = &fo, .nfolders = 1, .language = "english"};
	long long w0 = written();
	double t0 = bench_now();
	int rc = idx_sync(ix, &opt, &synth_emb, NULL, NULL);
	if (rc)
		bench_die("incremental sync of %s: %s", ixd, idx_strerror(rc));
	double t = bench_now() - t0;
	if (mb)
		*mb = w0 < 0 ? NAN : (double)(written() - w0) / 1e6;
	return t;
}

/* One way of keeping the index: the IVF kept or not, the fresh postings on or off. */
struct incr_cfg {
	const char *name;
	int ivf, fresh;
	double add[3], del[3], add_mb[3], del_mb[3];
};

static void cfg_set(const struct incr_cfg *c)
{
	ivf_set_params(c->ivf ? IVF_MIN : SIZE_MAX, 0, 0);
	lex_set_fresh(c->fresh ? -1 : 0);
}

/* Times a sync that adds one file of INCR new sections to the index at ixd and one that
 * removes it again, in microseconds per chunk, and what each wrote; the index ends as it
 * began (the file's fresh postings go with it). */
static void incr_once(const char *ixd, double *add_us, double *del_us, double *add_mb, double *del_mb)
{
	char *path = add_file("incremental", nchunks, INCR);
	idx *ix;
	int rc = idx_open(ixd, 0, &ix);
	if (rc)
		bench_die("cannot open %s: %s", ixd, idx_strerror(rc));
	*add_us = timed_sync(ix, ixd, add_mb) * 1e6 / INCR;
	unlink(path);
	*del_us = timed_sync(ix, ixd, del_mb) * 1e6 / INCR;
	idx_close(ix);
	free(path);
	map_reset();
}

/* A file the first build indexed, its postings all in post (file number f: each call a
 * different one): times the sync after one section is added to it (edit 1) or after it is
 * deleted (edit 0), in ms, and what that sync wrote; then puts the file back as it was
 * (untimed). */
static void old_file_once(const char *ixd, size_t f, int edit, double *ms, double *mb)
{
	char *path = xasprintf("%s/part-%05zu.md", docdir, f);
	struct buf file = {0};
	add_sections(&file, f * PER_FILE, PER_FILE);
	size_t orig = file.len;
	add_sections(&file, nchunks, 1);
	idx *ix;
	int rc = idx_open(ixd, 0, &ix);
	if (rc)
		bench_die("cannot open %s: %s", ixd, idx_strerror(rc));
	if (edit)
		bench_write(path, file.p, file.len);
	else
		unlink(path);
	*ms = timed_sync(ix, ixd, mb) * 1e3;
	bench_write(path, file.p, orig);
	timed_sync(ix, ixd, NULL);
	idx_close(ix);
	buf_free(&file);
	free(path);
	map_reset();
}

/* p50 of vector-mode searches in ixd, milliseconds (a warming pass first). */
static double vector_p50(const char *ixd, const struct query *q, size_t nq)
{
	idx *ix;
	if (idx_open(ixd, IDX_RDONLY, &ix))
		bench_die("cannot open %s", ixd);
	double *lat = xmalloc(nq * sizeof *lat);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nq; i++) {
			struct idx_hits h;
			double t0 = bench_now();
			if (search_one(ix, &q[i], IDX_VECTOR, 0, &h))
				bench_die("vector search in %s", ixd);
			lat[i] = (bench_now() - t0) * 1e3;
			idx_hits_free(&h);
		}
	double p = bench_pct(lat, nq, 50);
	free(lat);
	idx_close(ix);
	return p;
}

/* The fresh list (index/search/ivf.h) in the copy with the IVF: vector p50 with it empty
 * and nearly full (new vectors waiting for their lists), the sync adding those, and the
 * sync whose batch fills it and merges it into the lists; then the files go again. */
static void fresh_list(const char *with, const struct query *q, size_t nq)
{
	size_t per_list = (nchunks + 1) / (size_t)lrint(sqrt((double)nchunks)); /* about, as trained */
	size_t nfill = 4 * per_list - per_list / 8, nmore = per_list;
	double empty = vector_p50(with, q, nq);
	char *p1 = add_file("fresh-1", nchunks, nfill);
	idx *ix;
	if (idx_open(with, 0, &ix))
		bench_die("cannot open %s", with);
	double t_fill = timed_sync(ix, with, NULL);
	idx_close(ix);
	double full = vector_p50(with, q, nq);
	char *p2 = add_file("fresh-2", nchunks + nfill, nmore);
	if (idx_open(with, 0, &ix))
		bench_die("cannot open %s", with);
	double t_merge = timed_sync(ix, with, NULL);
	unlink(p1);
	unlink(p2);
	timed_sync(ix, with, NULL);
	idx_close(ix);
	map_reset();
	free(p1);
	free(p2);
	fprintf(stderr, "scale: fresh list: vector p50 %.3f ms empty, %.3f ms holding %zu; a sync adding those %.1f "
		"us/chunk, the sync of %zu more that merges it %.1f us/chunk\n", empty, full, nfill, t_fill * 1e6 / (double)nfill,
		nmore, t_merge * 1e6 / (double)nmore);
	char m[160];
	snprintf(m, sizeof m, "vector search p50, IVF, %zu new vectors waiting in the fresh list (%zu chunks)", nfill, nchunks);
	bench_row("21", m, full, "ms", "the same, fresh list empty", empty, "-", "info");
	snprintf(m, sizeof m, "sync whose %zu chunks merge the fresh list (%zu vectors), per chunk (%zu chunks)", nmore,
		 nfill + nmore, nchunks);
	bench_row("21", m, t_merge * 1e6 / (double)nmore, "us", "adding the first ones, per chunk", t_fill * 1e6 / (double)nfill, "-", "info");
}

/* Adding and removing a file of 1000 chunks in four ways, in two copies of the index made
 * together (so neither has the page cache or the free pages the other lacks), one with the
 * IVF and one without: "before" is the index as it was before this round (no IVF, new
 * postings onto each term's last segment), "now" the default (the IVF, the fresh postings).
 * Each copy's first sync untimed (the second's drops its lists), then the four by turns,
 * three times each; then a file of the first build deleted, and one edited, now and
 * before, three times each; then store_check of the copy with the IVF. */
void incremental(const struct query *q, size_t nq)
{
	struct incr_cfg cfg[] = {
		{"now: the IVF, fresh postings", 1, 1, {0}, {0}, {0}, {0}},
		{"before: no IVF, postings in place", 0, 0, {0}, {0}, {0}, {0}},
		{"the IVF, postings in place", 1, 0, {0}, {0}, {0}, {0}},
		{"no IVF, fresh postings", 0, 1, {0}, {0}, {0}, {0}},
	};
	enum { NCFG = sizeof cfg / sizeof cfg[0] };
	double skip;
	char *with = xasprintf("%s/index-ivf", dir), *without = xasprintf("%s/index-noivf", dir);
	bench_rmrf(with);
	bench_rmrf(without);
	char *cmd = xasprintf("cp -r '%s' '%s' && cp -r '%s' '%s'", ixdir, with, ixdir, without);
	if (system(cmd) != 0)
		bench_die("cannot copy the index to %s and %s", with, without);
	free(cmd);
	cfg_set(&cfg[0]);
	incr_once(with, &skip, &skip, &skip, &skip);
	cfg_set(&cfg[1]);
	incr_once(without, &skip, &skip, &skip, &skip); /* drops the copy's lists */
	for (int i = 0; i < 3; i++)
		for (int c = 0; c < NCFG; c++) {
			cfg_set(&cfg[c]);
			incr_once(cfg[c].ivf ? with : without, &cfg[c].add[i], &cfg[c].del[i], &cfg[c].add_mb[i],
				  &cfg[c].del_mb[i]);
		}
	/* Last, as they leave postings in postf (the file's ids change) that a config with the
	 * fresh postings off would merge at its next sync. */
	double edit[2][2][3], edit_mb[2][2][3]; /* [deleted / edited][now / before][run] */
	for (int i = 0; i < 3; i++)
		for (int e = 0; e < 2; e++)
			for (int c = 0; c < 2; c++) {
				cfg_set(&cfg[c]);
				old_file_once(cfg[c].ivf ? with : without, nchunks / PER_FILE / 2 + (size_t)(e * 3 + i), e,
					      &edit[e][c][i], &edit_mb[e][c][i]);
			}
	cfg_set(&cfg[0]);
	if (!no_ivf)
		fresh_list(with, q, nq);
	double pa[NCFG], pd[NCFG], ma[NCFG], md[NCFG];
	for (int c = 0; c < NCFG; c++) {
		pa[c] = bench_pct(cfg[c].add, 3, 50);
		pd[c] = bench_pct(cfg[c].del, 3, 50);
		ma[c] = bench_pct(cfg[c].add_mb, 3, 50);
		md[c] = bench_pct(cfg[c].del_mb, 3, 50);
		fprintf(stderr, "scale: %-36s adding %d chunks %.1f us/chunk (%.1f MB written), removing them %.1f "
			"us/chunk (%.1f MB)\n", cfg[c].name, INCR, pa[c], ma[c], pd[c], md[c]);
	}
	char m[200];
	snprintf(m, sizeof m, "sync adding a file of %d chunks, per chunk, median of 3 (%zu chunks)", INCR, nchunks);
	bench_row("21", m, pa[0], "us", "before this round (no IVF, postings in place)", pa[1], "<= peer",
		  bench_verdict(pa[0] <= pa[1]));
	snprintf(m, sizeof m, "sync removing that file, per chunk, median of 3 (%zu chunks)", nchunks);
	bench_row("21", m, pd[0], "us", "before this round", pd[1], "<= peer", bench_verdict(pd[0] <= pd[1]));
	snprintf(m, sizeof m, "MB written by the sync adding that file (%zu chunks)", nchunks);
	bench_row("21", m, ma[0], "MB", "before this round", ma[1], "-", "info");
	snprintf(m, sizeof m, "MB written by the sync removing it (%zu chunks)", nchunks);
	bench_row("21", m, md[0], "MB", "before this round", md[1], "-", "info");
	static const char *const what[2] = {"deleting", "adding one section to"};
	for (int e = 0; e < 2; e++) {
		double pe[2], me[2];
		for (int c = 0; c < 2; c++) {
			pe[c] = bench_pct(edit[e][c], 3, 50);
			me[c] = bench_pct(edit_mb[e][c], 3, 50);
			fprintf(stderr, "scale: %-36s a sync %s a %d-chunk file of the first build %.1f ms (%.1f MB written)\n",
				cfg[c].name, what[e], PER_FILE, pe[c], me[c]);
		}
		snprintf(m, sizeof m, "sync %s a %d-chunk file of the first build, median of 3 (%zu chunks)", what[e],
			 PER_FILE, nchunks);
		bench_row("21", m, pe[0], "ms", "before this round", pe[1], "<= peer", bench_verdict(pe[0] <= pe[1]));
		snprintf(m, sizeof m, "MB written by that sync (%zu chunks)", nchunks);
		bench_row("21", m, me[0], "MB", "before this round", me[1], "-", "info");
	}
	snprintf(m, sizeof m, "the IVF's own cost: sync adding that file, postings in place, per chunk (%zu chunks)", nchunks);
	bench_row("21", m, pa[2], "us", "the same without the IVF", pa[1], "-", "info");
	snprintf(m, sizeof m, "the IVF's own cost: sync removing it, postings in place, per chunk (%zu chunks)", nchunks);
	bench_row("21", m, pd[2], "us", "the same without the IVF", pd[1], "-", "info");
	lex_set_fresh(-1);
	idx *ix;
	char err[256];
	double t0 = bench_now();
	int rc = idx_open(with, IDX_RDONLY, &ix);
	if (!rc)
		rc = store_check(ix, err, sizeof err);
	if (rc)
		bench_die("store_check after the incremental syncs: %s", rc == IDX_ECORRUPT ? err : idx_strerror(rc));
	idx_close(ix);
	fprintf(stderr, "scale: store_check of the whole index (IVF lists included) passed in %.1f s\n", bench_now() - t0);
	bench_rmrf(with);
	bench_rmrf(without);
	free(with);
	free(without);
}


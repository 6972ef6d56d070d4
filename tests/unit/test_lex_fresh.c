/* test_lex_fresh.c - the fresh postings and dead ids (index/search/lexical.h): the same
 * syncs with them off, merged at every batch, never merged, and never merged over a build in
 * post (removals waiting in postd) give the same BM25 hits to the last digit;
 * deletions reach ids on both sides of the boundary; switching them off merges first;
 * store_check catches fresh postings that do not come after the term's post segments; an
 * index from before them is read as it is and upgraded by a writer. */
#include "fn_test.h"

#include <math.h>

#include "idx_test.h"
#include "index/search/lexical.h"
#include "index/store/store.h"

#define NFILES 6
#define SECTIONS 300 /* per file: a common term then holds 1,800 postings, several segments */
#define NQ 6

static const char *const queries[NQ] = {
	"common", "w17 w3", "rare5 w40", "f2 common w9", "w1 w2 w3 w4 w5", "edited w30",
};

/* File i, version v: SECTIONS sections with a term every section has, one per file, a
 * skewed spread of w0..w63 and a rare term per section. */
static void write_doc(const char *docs, int i, int v)
{
	size_t cap = (size_t)SECTIONS * 160, len = 0;
	char *text = malloc(cap);
	unsigned x = (unsigned)(i * 7919 + v * 104729 + 1);
	for (int s = 0; s < SECTIONS; s++) {
		len += (size_t)snprintf(text + len, cap - len, "# s%d\n\ncommon f%d%s", s, i, v ? " edited" : "");
		for (int w = 0; w < 8; w++) {
			x = x * 1103515245u + 12345u;
			unsigned r = (x >> 16) % 64;
			len += (size_t)snprintf(text + len, cap - len, " w%u", r * r / 64);
		}
		len += (size_t)snprintf(text + len, cap - len, " rare%d\n\n", (s * 31 + i) % 97);
	}
	char name[32];
	snprintf(name, sizeof name, "f%d.md", i);
	write_file(docs, name, text);
	free(text);
}

static void remove_doc(const char *docs, int i)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/f%d.md", docs, i);
	assert_int_equal(unlink(p), 0);
}

/* A temp dir with docs/ and ix/ paths in it (fx_free removes it). */
struct fx {
	char *root, *docs, *ixdir;
};
static struct fx fx_new(void)
{
	struct fx f = {tmpdir_new(), NULL, NULL};
	f.docs = path_in(f.root, "docs");
	f.ixdir = path_in(f.root, "ix");
	return f;
}
static void fx_free(struct fx *f)
{
	rm_rf(f->root);
	free(f->docs);
	free(f->ixdir);
	free(f->root);
}

struct hitlog {
	char *text; /* every query's hits as "path:line score" lines */
	size_t len, cap;
};

static void log_hits(idx *ix, struct hitlog *log)
{
	for (int q = 0; q < NQ; q++) {
		struct idx_query iq = {.text = queries[q], .k = 20, .mode = IDX_LEXICAL};
		struct idx_hits h;
		assert_int_equal(idx_search(ix, &iq, &h), 0);
		assert_true(h.n > 0);
		for (size_t i = 0; i < h.n; i++) {
			if (log->len + 4200 > log->cap) {
				log->cap = log->cap * 2 + 8192;
				log->text = realloc(log->text, log->cap);
			}
			const char *base = strrchr(h.v[i].path, '/');
			log->len += (size_t)snprintf(log->text + log->len, log->cap - log->len, "%d %s:%u %.17g\n", q,
						     base ? base + 1 : h.v[i].path, h.v[i].line_start, h.v[i].score);
		}
		idx_hits_free(&h);
	}
	/* the document frequencies the reranker reads */
	static const char *const terms[] = {"common", "w3", "f0", "f2", "edited", "rare5"};
	MDB_txn *txn;
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++)
		log->len += (size_t)snprintf(log->text + log->len, log->cap - log->len, "df %s %llu\n", terms[i],
					     (unsigned long long)lex_df(txn, ix, terms[i], strlen(terms[i])));
	store_rtxn_end(ix, txn);
}

static size_t entries(idx *ix, MDB_dbi dbi)
{
	MDB_txn *txn;
	MDB_stat st;
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	assert_true(ix->has_postf);
	assert_int_equal(mdb_stat(txn, dbi, &st), 0);
	store_rtxn_end(ix, txn);
	return st.ms_entries;
}
static size_t postf_entries(idx *ix)
{
	return entries(ix, ix->postf);
}

static void sync_check(idx *ix, const char *docs)
{
	struct idx_folder fo = {docs, "notes"};
	struct idx_options opt = {.folders = &fo, .nfolders = 1, .language = "none"};
	char err[256];
	assert_int_equal(idx_sync(ix, &opt, NULL, NULL, NULL), 0);
	if (store_check(ix, err, sizeof err) != 0)
		fail_msg("store_check: %s", err);
}

/* The same four syncs (a build, an edit, an add and two removals, a removal), the build
 * under one setting and the rest under another; every sync's hits appended to log.
 * *fresh_left, *dead_left: postf's and postd's entries at the end. */
static void run(long build, long fresh, struct hitlog *log, size_t *fresh_left, size_t *dead_left)
{
	struct fx fx = fx_new();
	const char *docs = fx.docs, *ixdir = fx.ixdir;
	lex_set_fresh(build);
	for (int i = 0; i < NFILES - 1; i++)
		write_doc(docs, i, 0);
	idx *ix;
	assert_int_equal(idx_open(ixdir, IDX_CREATE, &ix), 0);
	sync_check(ix, docs);
	log_hits(ix, log);
	lex_set_fresh(fresh);
	write_doc(docs, 2, 1); /* its old ids leave, new ones arrive */
	sync_check(ix, docs);
	log_hits(ix, log);
	write_doc(docs, NFILES - 1, 0);
	remove_doc(docs, 0);
	remove_doc(docs, 2); /* the edit of the sync before */
	sync_check(ix, docs);
	log_hits(ix, log);
	remove_doc(docs, NFILES - 1); /* the newest file: its ids are all fresh, when kept */
	sync_check(ix, docs);
	log_hits(ix, log);
	*fresh_left = postf_entries(ix);
	*dead_left = entries(ix, ix->postd);
	idx_close(ix);
	lex_set_fresh(-1);
	fx_free(&fx);
}

static void test_same_hits(void **state)
{
	(void)state;
	struct hitlog off = {0}, every = {0}, never = {0}, dead = {0};
	size_t f_off, d_off, f_every, d_every, f_never, d_never, f_dead, d_dead;
	run(0, 0, &off, &f_off, &d_off);
	run(1, 1, &every, &f_every, &d_every);
	run(1L << 40, 1L << 40, &never, &f_never, &d_never);
	/* built into post, then never merged: the removals wait in postd */
	run(0, 1L << 40, &dead, &f_dead, &d_dead);
	assert_int_equal(f_off + d_off, 0);
	assert_int_equal(f_every + d_every, 0); /* its last batch merged */
	assert_true(f_never > 0);
	assert_int_equal(d_never, 0); /* post empty: nothing to mark dead */
	assert_true(d_dead > 0); /* (its fresh postings all went again) */
	(void)f_dead;
	assert_true(off.len > 0);
	struct hitlog *other[] = {&every, &never, &dead};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(off.len, other[i]->len);
		assert_memory_equal(off.text, other[i]->text, off.len);
		free(other[i]->text);
	}
	free(off.text);
}

/* Fresh postings kept, then switched off: the next sync merges them before adding. */
static void test_switch_off(void **state)
{
	(void)state;
	struct fx fx = fx_new();
	const char *docs = fx.docs, *ixdir = fx.ixdir;
	lex_set_fresh(1L << 40);
	write_doc(docs, 0, 0);
	idx *ix;
	assert_int_equal(idx_open(ixdir, IDX_CREATE, &ix), 0);
	sync_check(ix, docs);
	assert_true(postf_entries(ix) > 0);
	struct hitlog before = {0}, after = {0};
	log_hits(ix, &before);
	lex_set_fresh(0);
	write_doc(docs, 1, 0);
	sync_check(ix, docs);
	assert_int_equal(postf_entries(ix), 0);
	remove_doc(docs, 1);
	sync_check(ix, docs);
	log_hits(ix, &after);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.text, after.text, before.len);
	lex_set_fresh(-1);
	idx_close(ix);
	free(before.text);
	free(after.text);
	fx_free(&fx);
}

/* A record planted by hand: one posting (id, tf) under key in dbi. */
struct plant {
	idx *ix;
	MDB_dbi dbi;
	const char *key;
	size_t len;
	uint64_t id;
	uint32_t tf;
};
static int put_plant(MDB_txn *txn, void *ctx)
{
	const struct plant *p = ctx;
	/* n 1, first = last = id, then the varints: delta 0, tf (below 128) */
	unsigned char v[22] = {1, 0, 0, 0};
	memcpy(v + 4, &p->id, 8);
	memcpy(v + 12, &p->id, 8);
	v[20] = 0;
	v[21] = (unsigned char)p->tf;
	MDB_val kv = {p->len, (void *)p->key}, vv = {sizeof v, v};
	return mdb_put(txn, p->dbi, &kv, &vv, 0);
}
static void plant(idx *ix, MDB_dbi dbi, const char *key, size_t len, uint64_t id, uint32_t tf)
{
	struct plant p = {ix, dbi, key, len, id, tf};
	assert_int_equal(store_write(ix, put_plant, &p), 0);
}

/* Caught: fresh postings not above the term's post segments (id 1 is the first chunk's, in
 * post), dead ids post does not hold (id 1 under a term of the second file only), a live
 * chunk's posting marked dead (its length no longer adds up), and post keys a walk could
 * loop on: a segment starting at id UINT64_MAX, a term not followed by its "\0". */
static void test_check_order(void **state)
{
	(void)state;
	struct fx fx = fx_new();
	const char *docs = fx.docs, *ixdir = fx.ixdir;
	lex_set_fresh(0);
	write_doc(docs, 0, 0);
	idx *ix;
	assert_int_equal(idx_open(ixdir, IDX_CREATE, &ix), 0);
	sync_check(ix, docs);
	plant(ix, ix->postf, "common", 6, 1, 1);
	char err[256];
	assert_int_equal(store_check(ix, err, sizeof err), IDX_ECORRUPT);
	assert_non_null(strstr(err, "fresh postings for common start at 1"));
	MDB_val key = {6, (void *)"common"};
	MDB_txn *txn;
	assert_int_equal(mdb_txn_begin(ix->env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_del(txn, ix->postf, &key, NULL), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	assert_int_equal(store_check(ix, err, sizeof err), 0);
	write_doc(docs, 1, 0);
	sync_check(ix, docs);
	plant(ix, ix->postd, "f1", 2, 1, 0);
	assert_int_equal(store_check(ix, err, sizeof err), IDX_ECORRUPT);
	assert_non_null(strstr(err, "1 of the 1 dead ids of f1 are not in its postings"));
	assert_int_equal(mdb_txn_begin(ix->env, NULL, 0, &txn), 0);
	MDB_val k1 = {2, (void *)"f1"};
	assert_int_equal(mdb_del(txn, ix->postd, &k1, NULL), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	plant(ix, ix->postd, "common", 6, 1, 0);
	assert_int_equal(store_check(ix, err, sizeof err), IDX_ECORRUPT);
	assert_non_null(strstr(err, "lengths differ"));
	assert_int_equal(mdb_txn_begin(ix->env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_del(txn, ix->postd, &key, NULL), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	assert_int_equal(store_check(ix, err, sizeof err), 0);
	plant(ix, ix->post, "zzz\0\xff\xff\xff\xff\xff\xff\xff\xff", 12, UINT64_MAX, 1);
	assert_int_equal(store_check(ix, err, sizeof err), IDX_ECORRUPT); /* and returns */
	assert_non_null(strstr(err, "not live"));
	plant(ix, ix->post, "zzxABCDEFGHI", 12, UINT64_MAX, 1);
	assert_int_equal(store_check(ix, err, sizeof err), IDX_ECORRUPT);
	lex_set_fresh(-1);
	idx_close(ix);
	fx_free(&fx);
}

/* An index of schema 1 (before postf): read as it is, upgraded by a writer; a schema from a
 * later footnote is refused. */
static int make_schema1(MDB_txn *txn, void *ctx)
{
	idx *ix = ctx;
	int rc = mdb_drop(txn, ix->postf, 1);
	if (!rc)
		rc = mdb_drop(txn, ix->postd, 1);
	return rc ? rc : meta_put_u64(txn, ix, "schema", 1);
}
static int make_schema3(MDB_txn *txn, void *ctx)
{
	return meta_put_u64(txn, ctx, "schema", 3);
}

static void test_schema(void **state)
{
	(void)state;
	struct fx fx = fx_new();
	const char *docs = fx.docs, *ixdir = fx.ixdir;
	lex_set_fresh(0);
	write_doc(docs, 0, 0);
	idx *ix;
	assert_int_equal(idx_open(ixdir, IDX_CREATE, &ix), 0);
	sync_check(ix, docs);
	struct hitlog before = {0}, ro = {0}, after = {0};
	log_hits(ix, &before);
	assert_int_equal(store_write(ix, make_schema1, ix), 0);
	idx_close(ix);
	lex_set_fresh(-1);
	char err[256];
	assert_int_equal(idx_open(ixdir, IDX_RDONLY, &ix), 0);
	assert_false(ix->has_postf || ix->has_postd);
	log_hits(ix, &ro);
	assert_int_equal(store_check(ix, err, sizeof err), 0);
	idx_close(ix);
	assert_int_equal(idx_open(ixdir, 0, &ix), 0);
	assert_true(ix->has_postf && ix->has_postd);
	struct idx_stats st;
	assert_int_equal(idx_stats(ix, &st), 0);
	assert_int_equal(st.schema_version, 2);
	write_doc(docs, 1, 0);
	sync_check(ix, docs);
	assert_true(postf_entries(ix) > 0);
	remove_doc(docs, 1);
	sync_check(ix, docs);
	log_hits(ix, &after);
	assert_int_equal(store_write(ix, make_schema3, ix), 0);
	idx_close(ix);
	assert_int_equal(idx_open(ixdir, 0, &ix), IDX_EVERSION);
	assert_int_equal(idx_open(ixdir, IDX_RDONLY, &ix), IDX_EVERSION);
	assert_int_equal(before.len, ro.len);
	assert_memory_equal(before.text, ro.text, before.len);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.text, after.text, before.len);
	free(before.text);
	free(ro.text);
	free(after.text);
	fx_free(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_hits),
		cmocka_unit_test(test_switch_off),
		cmocka_unit_test(test_check_order),
		cmocka_unit_test(test_schema),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

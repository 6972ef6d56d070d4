/* idx_test.h - helpers for the index tests: temp dirs, files, test embedders, sinks. */
#ifndef FN_IDX_TEST_H
#define FN_IDX_TEST_H

#include <ftw.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/idx.h"

static inline int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static inline void rm_rf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A new temp directory under $FN_TMP or /tmp (caller frees, rm_rf). */
static inline char *tmpdir_new(void)
{
	const char *base = getenv("FN_TMP");
	char *p = malloc(4096);
	snprintf(p, 4096, "%s/fnidx.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(p))
		fail_msg("mkdtemp failed");
	return p;
}

static inline void write_file(const char *dir, const char *name, const char *text)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	char cmd[4200];
	struct stat st;
	if (stat(p, &st) != 0) {
		snprintf(cmd, sizeof cmd, "mkdir -p '%s'", p);
		if (system(cmd) != 0)
			fail_msg("mkdir failed");
	}
	*slash = '/';
	FILE *f = fopen(p, "w");
	if (!f)
		fail_msg("cannot write %s", p);
	fputs(text, f);
	fclose(f);
}

static inline char *path_in(const char *dir, const char *name)
{
	char *p = malloc(4096);
	snprintf(p, 4096, "%s/%s", dir, name);
	return p;
}

/* A test embedder wrapping the builtin one: counts texts, can fail or return the wrong
 * dimension on demand. */
struct temb {
	struct idx_embedder e;
	size_t calls, texts;
	int mode; /* 0 ok, 1 fail, 2 wrong dimension */
};

static inline int temb_embed(void *ctx, const char *const *texts, size_t n, float *out, char *err, size_t errlen)
{
	struct temb *t = ctx;
	t->calls++;
	if (t->mode == 1) {
		snprintf(err, errlen, "server said 500");
		return IDX_EEMBED;
	}
	if (t->mode == 2) {
		snprintf(err, errlen, "got 768 dims, expected 384");
		return IDX_EDIM;
	}
	t->texts += n;
	const struct idx_embedder *b = idx_embedder_builtin();
	return b->embed(b->ctx, texts, n, out, err, errlen);
}

static inline void temb_init(struct temb *t, const char *id)
{
	memset(t, 0, sizeof *t);
	t->e.id = id;
	t->e.dim = 384;
	t->e.batch = 16;
	t->e.embed = temb_embed;
	t->e.ctx = t;
}

/* A sink that counts events per state and lets a test wait for a condition. */
struct tsink {
	struct idx_sink s;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t nfile[8];
	size_t nerror, nwatch, ndone;
	char last_msg[512];
};

static inline void tsink_event(void *ctx, const struct idx_event *ev)
{
	struct tsink *t = ctx;
	pthread_mutex_lock(&t->mu);
	if (ev->kind == IDX_EV_FILE && ev->state < 8)
		t->nfile[ev->state]++;
	if (ev->kind == IDX_EV_ERROR)
		t->nerror++;
	if (ev->kind == IDX_EV_WATCH)
		t->nwatch++;
	if (ev->kind == IDX_EV_SCAN_DONE)
		t->ndone++;
	if (ev->message)
		snprintf(t->last_msg, sizeof t->last_msg, "%s", ev->message);
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

static inline void tsink_init(struct tsink *t)
{
	memset(t, 0, sizeof *t);
	t->s.event = tsink_event;
	t->s.ctx = t;
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
}

static inline void tsink_reset(struct tsink *t)
{
	pthread_mutex_lock(&t->mu);
	memset(t->nfile, 0, sizeof t->nfile);
	t->nerror = t->nwatch = t->ndone = 0;
	pthread_mutex_unlock(&t->mu);
}

/* Number of hits for query (mode lexical) whose path ends with name. */
static inline size_t hits_for(idx *ix, const char *query, const char *name)
{
	struct idx_query q = {.text = query, .k = 50, .mode = IDX_LEXICAL};
	struct idx_hits h;
	if (idx_search(ix, &q, &h) != 0)
		return 0;
	size_t n = 0, nl = strlen(name);
	for (size_t i = 0; i < h.n; i++) {
		size_t pl = strlen(h.v[i].path);
		n += pl >= nl && strcmp(h.v[i].path + pl - nl, name) == 0;
	}
	idx_hits_free(&h);
	return n;
}

#endif

/* store.c - LMDB environment, transactions with map growth, records (see store.h). */
#include "index/store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/xmalloc.h"

#define MAP_DEFAULT ((size_t)256 << 20)

static size_t initial_mapsize;

void store_set_initial_mapsize(size_t bytes)
{
	initial_mapsize = bytes;
}

int store_err(int rc)
{
	if (rc == 0 || (rc <= IDX_EIO && rc >= IDX_EINVAL - 16))
		return rc;
	switch (rc) {
	case MDB_INVALID:
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INCOMPATIBLE:
	case MDB_BAD_DBI:
		return IDX_ECORRUPT;
	case MDB_VERSION_MISMATCH:
		return IDX_EVERSION;
	case MDB_NOTFOUND:
		return IDX_ENOTFOUND;
	case ENOSPC:
	case EDQUOT:
		return IDX_ENOSPC;
	case ENOENT:
		return IDX_ENOTFOUND;
	case EINVAL:
		return IDX_EINVAL;
	default:
		return IDX_EIO;
	}
}

static int open_dbs(idx *ix, int create)
{
	MDB_txn *txn;
	unsigned f = create ? MDB_CREATE : 0;
	int rc = mdb_txn_begin(ix->env, NULL, create ? 0 : MDB_RDONLY, &txn);
	if (rc)
		return rc;
	struct {
		const char *name;
		MDB_dbi *dbi;
	} dbs[] = {
		{"meta", &ix->meta}, {"files", &ix->files}, {"fids", &ix->fids}, {"colls", &ix->colls},
		{"chunks", &ix->chunks}, {"cinfo", &ix->cinfo}, {"vec", &ix->vec}, {"post", &ix->post},
	};
	for (size_t i = 0; i < sizeof dbs / sizeof dbs[0] && !rc; i++)
		rc = mdb_dbi_open(txn, dbs[i].name, f, dbs[i].dbi);
	if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE) {
		mdb_txn_abort(txn);
		return IDX_ECORRUPT;
	}
	/* vbits came later: an older index opened read-only has none and searches exactly. */
	if (!rc) {
		rc = mdb_dbi_open(txn, "vbits", f, &ix->vbits);
		ix->has_vbits = rc == 0;
		if (rc == MDB_NOTFOUND && !create)
			rc = 0;
	}
	/* So did the fresh postings and dead ids (index/search/lexical.h); without them post
	 * holds all. */
	if (!rc) {
		rc = mdb_dbi_open(txn, "postf", f, &ix->postf);
		ix->has_postf = rc == 0;
		if (rc == MDB_NOTFOUND && !create)
			rc = 0;
	}
	if (!rc) {
		rc = mdb_dbi_open(txn, "postd", f, &ix->postd);
		ix->has_postd = rc == 0;
		if (rc == MDB_NOTFOUND && !create)
			rc = 0;
	}
	/* So did the IVF lists (index/search/ivf.h); without them search scans. */
	if (!rc) {
		MDB_dbi *ivf[] = {&ix->ivfc, &ix->ivfa, &ix->ivfl};
		const char *names[] = {"ivfc", "ivfa", "ivfl"};
		ix->has_ivf = true;
		for (size_t i = 0; i < 3 && !rc; i++) {
			rc = mdb_dbi_open(txn, names[i], f, ivf[i]);
			if (rc == MDB_NOTFOUND && !create) {
				ix->has_ivf = false;
				rc = 0;
			}
		}
	}
	if (!rc) {
		uint64_t schema = meta_u64(txn, ix, "schema");
		/* Schema 1 is 2 without postf (still empty here): a writer upgrades it, so that an
		 * older footnote, which would append postings below postf's, refuses it. */
		if ((schema == 0 || schema == 1) && create)
			rc = meta_put_u64(txn, ix, "schema", STORE_SCHEMA);
		else if (schema == 0)
			rc = IDX_ECORRUPT;
		else if (schema != STORE_SCHEMA && schema != 1)
			rc = IDX_EVERSION;
		if (!rc && create && meta_u64(txn, ix, "next_chunk") == 0) {
			rc = meta_put_u64(txn, ix, "next_chunk", 1);
			if (!rc)
				rc = meta_put_u64(txn, ix, "next_fid", 1);
		}
	}
	if (rc) {
		mdb_txn_abort(txn);
		return rc;
	}
	/* Commit even a read-only txn: aborting it would close the handles opened in it. */
	return mdb_txn_commit(txn);
}

int store_open(const char *dir, unsigned flags, idx **out)
{
	*out = NULL;
	if (!dir || !*dir)
		return IDX_EINVAL;
	struct stat st;
	if (stat(dir, &st) != 0) {
		if (errno != ENOENT || !(flags & IDX_CREATE) || (flags & IDX_RDONLY))
			return errno == ENOENT ? IDX_ENOTFOUND : IDX_EIO;
		if (mkdir(dir, 0700) != 0)
			return errno == ENOSPC ? IDX_ENOSPC : IDX_EIO;
	} else if (!S_ISDIR(st.st_mode)) {
		return IDX_EINVAL;
	}
	char *data = xasprintf("%s/data.mdb", dir);
	int exists = access(data, F_OK) == 0;
	free(data);
	if (!exists && !(flags & IDX_CREATE))
		return IDX_ENOTFOUND;

	idx *ix = xcalloc(1, sizeof *ix);
	ix->dir = xstrdup(dir);
	ix->flags = flags;
	ix->lockfd = -1;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	ix->ncpu = n < 1 ? 1 : n > 8 ? 8 : (int)n;
	pthread_rwlock_init(&ix->maplock, NULL);
	pthread_mutex_init(&ix->wlock, NULL);
	int rc = mdb_env_create(&ix->env);
	if (!rc)
		rc = mdb_env_set_maxdbs(ix->env, 16);
	if (!rc)
		rc = mdb_env_set_maxreaders(ix->env, 256);
	if (!rc)
		rc = mdb_env_set_mapsize(ix->env, initial_mapsize ? initial_mapsize : MAP_DEFAULT);
	/* NOTLS: a search thread may hold a read txn while handing pointers to helper threads,
	 * and the writer thread opens read txns of its own. NOMETASYNC: a power cut may lose the
	 * last batch but never consistency; a kill -9 loses nothing committed. */
	/* NORDAHEAD: the kernel's read-around (8 MB on some disks) turned each random fault
	 * of a cold search into megabytes of reads; readers that scan ask for what they will
	 * read instead (store_prefetch). */
	unsigned ef = MDB_NOTLS | MDB_NOMETASYNC | MDB_NORDAHEAD | ((flags & IDX_RDONLY) ? MDB_RDONLY : 0);
	if (!rc)
		rc = mdb_env_open(ix->env, dir, ef, 0600);
	if (!rc) {
		/* A reader killed with a txn open leaves a slot that pins old pages forever. */
		int dead;
		mdb_reader_check(ix->env, &dead);
		/* Another process may have grown the map past our default. */
		MDB_envinfo info;
		mdb_env_info(ix->env, &info);
		rc = open_dbs(ix, !(flags & IDX_RDONLY));
	}
	if (rc) {
		store_close(ix);
		return store_err(rc);
	}
	*out = ix;
	return 0;
}

void store_close(idx *ix)
{
	if (!ix)
		return;
	if (ix->env)
		mdb_env_close(ix->env);
	if (ix->lockfd >= 0)
		close(ix->lockfd);
	pthread_rwlock_destroy(&ix->maplock);
	pthread_mutex_destroy(&ix->wlock);
	free(ix->dir);
	free(ix);
}

/* Adopts a map size another process set (MDB_MAP_RESIZED). Needs no txn open here. */
static void adopt_mapsize(idx *ix)
{
	pthread_rwlock_wrlock(&ix->maplock);
	mdb_env_set_mapsize(ix->env, 0);
	pthread_rwlock_unlock(&ix->maplock);
}

int store_rtxn_begin(idx *ix, MDB_txn **txn)
{
	for (int tries = 0;; tries++) {
		pthread_rwlock_rdlock(&ix->maplock);
		int rc = mdb_txn_begin(ix->env, NULL, MDB_RDONLY, txn);
		if (!rc)
			return 0;
		pthread_rwlock_unlock(&ix->maplock);
		if (rc != MDB_MAP_RESIZED || tries > 3)
			return rc;
		adopt_mapsize(ix);
	}
}

void store_rtxn_end(idx *ix, MDB_txn *txn)
{
	if (txn)
		mdb_txn_abort(txn);
	pthread_rwlock_unlock(&ix->maplock);
}

static int grow(idx *ix)
{
	MDB_envinfo info;
	pthread_rwlock_wrlock(&ix->maplock);
	mdb_env_info(ix->env, &info);
	size_t cur = info.me_mapsize;
	size_t next = cur < ((size_t)1 << 30) ? cur * 2 : cur + ((size_t)1 << 30);
	int rc = mdb_env_set_mapsize(ix->env, next);
	pthread_rwlock_unlock(&ix->maplock);
	return rc;
}

/* LMDB reports a short write (the disk filled up mid-commit) as EIO; when the disk under the
 * index has (almost) no room left, say that instead of blaming permissions. */
static int write_err(const idx *ix, int rc)
{
	struct statvfs sv;
	if (rc == EIO && statvfs(ix->dir, &sv) == 0 &&
	    (uint64_t)sv.f_bavail * sv.f_frsize < 1024 * 1024)
		return IDX_ENOSPC;
	return rc;
}

int store_write(idx *ix, int (*fn)(MDB_txn *txn, void *ctx), void *ctx)
{
	if (ix->flags & IDX_RDONLY)
		return IDX_EINVAL;
	for (int tries = 0; tries < 40; tries++) {
		MDB_txn *txn;
		/* The write txn does not take maplock: growth happens only here, with no txn of
		 * ours open, and readers hold maplock only around their own txns. */
		int rc = mdb_txn_begin(ix->env, NULL, 0, &txn);
		if (rc == MDB_MAP_RESIZED) {
			adopt_mapsize(ix);
			continue;
		}
		if (rc)
			return rc;
		rc = fn(txn, ctx);
		if (rc) {
			mdb_txn_abort(txn);
		} else {
			rc = mdb_txn_commit(txn);
		}
		if (rc != MDB_MAP_FULL)
			return write_err(ix, rc);
		if ((rc = grow(ix)) != 0)
			return rc;
	}
	return IDX_ENOSPC;
}

int store_writer_lock(idx *ix)
{
	if (ix->flags & IDX_RDONLY)
		return IDX_EINVAL;
	pthread_mutex_lock(&ix->wlock);
	if (ix->lockfd < 0) {
		char *p = xasprintf("%s/write.lock", ix->dir);
		ix->lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		free(p);
		if (ix->lockfd < 0) {
			pthread_mutex_unlock(&ix->wlock);
			return IDX_EIO;
		}
	}
	if (flock(ix->lockfd, LOCK_EX | LOCK_NB) != 0) {
		pthread_mutex_unlock(&ix->wlock);
		return IDX_ELOCKED;
	}
	return 0;
}

void store_writer_unlock(idx *ix)
{
	flock(ix->lockfd, LOCK_UN);
	pthread_mutex_unlock(&ix->wlock);
}

/* ---- meta ---- */
static MDB_val sval(const char *s)
{
	MDB_val v = {strlen(s), (void *)s};
	return v;
}

uint64_t meta_u64(MDB_txn *txn, idx *ix, const char *name)
{
	MDB_val k = sval(name), v;
	uint64_t x = 0;
	if (mdb_get(txn, ix->meta, &k, &v) == 0 && v.mv_size == 8)
		memcpy(&x, v.mv_data, 8);
	return x;
}

int meta_put_u64(MDB_txn *txn, idx *ix, const char *name, uint64_t x)
{
	MDB_val k = sval(name), v = {8, &x};
	return mdb_put(txn, ix->meta, &k, &v, 0);
}

int meta_add(MDB_txn *txn, idx *ix, const char *name, int64_t delta)
{
	return meta_put_u64(txn, ix, name, meta_u64(txn, ix, name) + (uint64_t)delta);
}

void meta_str(MDB_txn *txn, idx *ix, const char *name, char *out, size_t outlen)
{
	MDB_val k = sval(name), v;
	out[0] = '\0';
	if (mdb_get(txn, ix->meta, &k, &v) == 0) {
		size_t n = v.mv_size < outlen - 1 ? v.mv_size : outlen - 1;
		memcpy(out, v.mv_data, n);
		out[n] = '\0';
	}
}

int meta_put_str(MDB_txn *txn, idx *ix, const char *name, const char *s)
{
	MDB_val k = sval(name), v = sval(s);
	return mdb_put(txn, ix->meta, &k, &v, 0);
}

/* ---- records ---- */
int files_get(MDB_txn *txn, idx *ix, const char *path, struct file_rec *rec, const unsigned char **ids)
{
	MDB_val k = sval(path), v;
	int rc = mdb_get(txn, ix->files, &k, &v);
	if (rc)
		return rc;
	if (v.mv_size < sizeof *rec)
		return MDB_CORRUPTED;
	memcpy(rec, v.mv_data, sizeof *rec);
	if (v.mv_size != sizeof *rec + (size_t)rec->nchunks * 8)
		return MDB_CORRUPTED;
	if (ids)
		*ids = (const unsigned char *)v.mv_data + sizeof *rec;
	return 0;
}

int files_put(MDB_txn *txn, idx *ix, const char *path, const struct file_rec *rec, const uint64_t *ids)
{
	MDB_val k = sval(path), v = {sizeof *rec + (size_t)rec->nchunks * 8, NULL};
	int rc = mdb_put(txn, ix->files, &k, &v, MDB_RESERVE);
	if (rc)
		return rc;
	memcpy(v.mv_data, rec, sizeof *rec);
	if (rec->nchunks)
		memcpy((char *)v.mv_data + sizeof *rec, ids, (size_t)rec->nchunks * 8);
	return 0;
}

int chunk_get(MDB_txn *txn, idx *ix, uint64_t id, struct chunk_rec *rec, const char **heading,
	      const char **text)
{
	unsigned char kb[8];
	be64_put(kb, id);
	MDB_val k = {8, kb}, v;
	int rc = mdb_get(txn, ix->chunks, &k, &v);
	if (rc)
		return rc;
	if (v.mv_size < sizeof *rec)
		return MDB_CORRUPTED;
	memcpy(rec, v.mv_data, sizeof *rec);
	if (v.mv_size != sizeof *rec + (size_t)rec->heading_len + rec->text_len)
		return MDB_CORRUPTED;
	if (heading)
		*heading = (const char *)v.mv_data + sizeof *rec;
	if (text)
		*text = (const char *)v.mv_data + sizeof *rec + rec->heading_len;
	return 0;
}

int coll_id(MDB_txn *txn, idx *ix, const char *name, int create, uint16_t *id)
{
	size_t len = strlen(name);
	char *kb = xmalloc(len + 1);
	kb[0] = 'n';
	memcpy(kb + 1, name, len);
	MDB_val k = {len + 1, kb}, v;
	int rc = mdb_get(txn, ix->colls, &k, &v);
	if (rc == 0 && v.mv_size == 2) {
		memcpy(id, v.mv_data, 2);
	} else if (rc == MDB_NOTFOUND && !create) {
		*id = 0xFFFF;
		rc = 0;
	} else if (rc == MDB_NOTFOUND) {
		uint64_t next = meta_u64(txn, ix, "next_coll");
		if (next >= 0xFFFF) {
			free(kb);
			return IDX_EINVAL;
		}
		uint16_t nid = (uint16_t)next;
		MDB_val nv = {2, &nid};
		rc = mdb_put(txn, ix->colls, &k, &nv, 0);
		unsigned char ib[3] = {'i', (unsigned char)(nid >> 8), (unsigned char)nid};
		MDB_val ik = {3, ib}, iv = {len, (void *)name};
		if (!rc)
			rc = mdb_put(txn, ix->colls, &ik, &iv, 0);
		if (!rc)
			rc = meta_put_u64(txn, ix, "next_coll", next + 1);
		*id = nid;
	}
	free(kb);
	return rc;
}

void coll_name(MDB_txn *txn, idx *ix, uint16_t id, char *out, size_t outlen)
{
	unsigned char ib[3] = {'i', (unsigned char)(id >> 8), (unsigned char)id};
	MDB_val k = {3, ib}, v;
	out[0] = '\0';
	if (mdb_get(txn, ix->colls, &k, &v) == 0) {
		size_t n = v.mv_size < outlen - 1 ? v.mv_size : outlen - 1;
		memcpy(out, v.mv_data, n);
		out[n] = '\0';
	}
}

char *fid_path(MDB_txn *txn, idx *ix, uint32_t fid)
{
	unsigned char kb[4] = {(unsigned char)(fid >> 24), (unsigned char)(fid >> 16),
			       (unsigned char)(fid >> 8), (unsigned char)fid};
	MDB_val k = {4, kb}, v;
	if (mdb_get(txn, ix->fids, &k, &v) != 0)
		return NULL;
	return xstrndup(v.mv_data, v.mv_size);
}

/* ---- the page cache ---- */
void store_prefetch(const void *p, size_t len)
{
	static long pg;
	if (!pg)
		pg = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(pg - 1), e = (uintptr_t)p + len;
	madvise((void *)a, e - a, MADV_WILLNEED);
}

int store_resident(const void *p, size_t len)
{
	long pg = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(pg - 1), e = (uintptr_t)p + len;
	size_t np = (e - a + (uintptr_t)pg - 1) / (uintptr_t)pg;
	unsigned char small[64];
	unsigned char *v = np <= sizeof small ? small : xmalloc(np);
	int r = mincore((void *)a, e - a, v) == 0;
	for (size_t i = 0; r && i < np; i++)
		r = v[i] & 1;
	if (v != small)
		free(v);
	return r;
}

/* ---- staged blocks ---- */
void stage_init(struct stage *s, MDB_dbi dbi, size_t size)
{
	memset(s, 0, sizeof *s);
	s->dbi = dbi;
	s->size = size;
	s->map = xcalloc(1, sizeof *s->map);
}

unsigned char *stage_get(struct stage *s, MDB_txn *txn, uint64_t blk)
{
	int isnew;
	size_t *slot = u64map_put(s->map, blk, &isnew);
	if (!isnew)
		return s->v[*slot].data;
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
	struct stage_blk *b = &s->v[s->n];
	*slot = s->n++;
	b->blk = blk;
	b->data = xcalloc(1, s->size);
	unsigned char kb[8];
	be64_put(kb, blk);
	MDB_val k = {8, kb}, v;
	if (mdb_get(txn, s->dbi, &k, &v) == 0 && v.mv_size == s->size)
		memcpy(b->data, v.mv_data, s->size);
	return b->data;
}

int stage_flush(struct stage *s, MDB_txn *txn)
{
	for (size_t i = 0; i < s->n; i++) {
		struct stage_blk *b = &s->v[i];
		unsigned char kb[8];
		be64_put(kb, b->blk);
		MDB_val k = {8, kb}, v = {s->size, b->data};
		uint32_t nlive;
		memcpy(&nlive, b->data, 4);
		int rc;
		if (nlive == 0) {
			rc = mdb_del(txn, s->dbi, &k, NULL);
			if (rc == MDB_NOTFOUND)
				rc = 0;
		} else {
			rc = mdb_put(txn, s->dbi, &k, &v, 0);
		}
		if (rc)
			return rc;
	}
	return 0;
}

void stage_reset(struct stage *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].data);
	s->n = 0;
	u64map_clear(s->map);
}

void stage_free(struct stage *s)
{
	stage_reset(s);
	free(s->v);
	if (s->map)
		u64map_free(s->map);
	free(s->map);
	memset(s, 0, sizeof *s);
}

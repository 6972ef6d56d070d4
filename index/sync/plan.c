/* plan.c - the gates and the extraction of one candidate file (see plan.h). */
#include "index/sync/plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/buf.h"
#include "base/xmalloc.h"

/* Reads the whole file; returns 0 or an errno. */
static int read_file(const char *path, uint64_t expect, char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno;
	struct buf b = {0};
	buf_reserve(&b, (size_t)expect + 1);
	for (;;) {
		char *dst = buf_reserve(&b, 65536);
		ssize_t n = read(fd, dst, 65536);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			buf_free(&b);
			return e;
		}
		if (n == 0)
			break;
		buf_commit(&b, (size_t)n);
	}
	close(fd);
	*len = b.len;
	*data = buf_detach(&b);
	return 0;
}

static bool has_converter(const struct pass *p, const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot || strchr(dot, '/'))
		return false;
	for (size_t i = 0; i < p->nconv; i++)
		if (p->conv[i].ext && strcasecmp(p->conv[i].ext, dot + 1) == 0)
			return true;
	return false;
}

static void file_event_now(struct pass *p, enum idx_file_state st, const char *path, const char *msg)
{
	p->files_done++;
	if (st == IDX_FILE_SKIPPED)
		p->files_skipped++;
	pass_emit(p, IDX_EV_FILE, st, path, msg);
}

int plan_file(struct pass *p, MDB_txn *rtxn, const struct cand *c)
{
	const char *coll = pass_coll(p->opt, c->folder);
	struct file_rec fr;
	bool had = files_get(rtxn, p->ix, c->path, &fr, NULL) == 0;
	uint16_t cid = 0xFFFF;
	if (had)
		coll_id(rtxn, p->ix, coll, 0, &cid);
	if (had && !p->reextract && fr.size == c->size && fr.mtime_ns == c->mtime && fr.coll == cid) {
		file_event_now(p, IDX_FILE_UNCHANGED, c->path, NULL);
		return 0;
	}
	if (c->size > p->max_bytes) {
		char msg[128];
		snprintf(msg, sizeof msg, "larger than the size cap (%llu > %llu bytes)",
			 (unsigned long long)c->size, (unsigned long long)p->max_bytes);
		if (had) {
			p->files_skipped++;
			struct op *o = pass_new_op(p, OP_DELETE, c->path);
			o->state = IDX_FILE_SKIPPED;
			o->msg = xstrdup(msg);
			return 0;
		}
		file_event_now(p, IDX_FILE_SKIPPED, c->path, msg);
		return 0;
	}
	char *data = NULL;
	size_t len = 0;
	int e = read_file(c->path, c->size, &data, &len);
	if (e) {
		char msg[300];
		snprintf(msg, sizeof msg, "cannot read: %s", strerror(e));
		file_event_now(p, IDX_FILE_FAILED, c->path, msg);
		return 0;
	}
	uint64_t hash = XXH3_64bits(data, len);
	if (had && !p->reextract && fr.hash == hash && fr.coll == cid) {
		free(data);
		struct op *o = pass_new_op(p, OP_META, c->path);
		o->size = len;
		o->mtime = c->mtime;
		o->state = IDX_FILE_UNCHANGED;
		return 0;
	}
	if (!had) {
		size_t *mi = u64map_get(&p->byhash, hash);
		if (mi && !p->missing[*mi].taken) {
			struct miss *m = &p->missing[*mi];
			m->taken = true;
			free(data);
			struct op *o = pass_new_op(p, OP_MOVE, c->path);
			o->from = xstrdup(m->path);
			o->coll = coll;
			o->size = len;
			o->mtime = c->mtime;
			o->hash = hash;
			o->state = IDX_FILE_MOVED;
			o->msg = xasprintf("moved from %s", m->path);
			return 0;
		}
	}
	enum text_kind kind = text_kind_sniff(c->path, data, len);
	const char *skip = NULL;
	char err[256] = "";
	struct buf text = {0};
	bool zipped = text_zipped(c->path);
	if (kind != TEXT_PDF && !zipped && !has_converter(p, c->path) && text_is_binary(data, len))
		skip = "binary file";
	else if (text_extract(c->path, data, len, p->conv, p->nconv, &text, err, sizeof err) != 0)
		skip = err[0] ? err : "text extraction failed";
	struct text_meta meta;
	text_meta_of(c->path, skip ? NULL : data, len, &meta);
	free(data);
	if (skip) {
		/* Neither a binary file nor footnote's own export is a failure. */
		/* Nor is a document footnote refuses to open (corrupt, encrypted, a zip bomb, XML
		 * with entities): reading it again would give the same answer. */
		bool binary = strcmp(skip, "binary file") == 0 || strcmp(skip, TEXT_OWN_EXPORT) == 0 ||
			      (text_zipped(c->path) && !has_converter(p, c->path));
		enum idx_file_state st = binary ? IDX_FILE_SKIPPED : IDX_FILE_FAILED;
		if (had) {
			/* What is indexed no longer matches the file: take it out. */
			struct op *o = pass_new_op(p, OP_DELETE, c->path);
			o->state = st;
			o->msg = xstrdup(skip);
			if (binary)
				p->files_skipped++;
		} else {
			file_event_now(p, st, c->path, skip);
		}
		buf_free(&text);
		return 0;
	}
	struct op *o = pass_new_op(p, OP_INDEX, c->path);
	if (err[0])
		o->msg = xstrdup(err); /* how the text was decoded: reported and noted */
	o->coll = coll;
	o->size = len;
	o->mtime = c->mtime;
	o->hash = hash;
	o->state = IDX_FILE_INDEXED;
	o->meta = meta;
	if (kind == TEXT_TABLE && !has_converter(p, c->path))
		chunk_rows(text.p ? text.p : "", text.len, &p->copts, &o->chunks);
	else
		chunk_text(text.p ? text.p : "", text.len, kind == TEXT_DOC ? TEXT_MARKDOWN : kind, &p->copts,
			   &o->chunks);
	buf_free(&text);
	o->chash = xmalloc((o->chunks.n + 1) * 8);
	for (size_t i = 0; i < o->chunks.n; i++)
		o->chash[i] = XXH3_64bits(o->chunks.v[i].text, strlen(o->chunks.v[i].text));
	p->batch_chunks += o->chunks.n;
	p->batch_bytes += len;
	return 0;
}

/* pass.c - a pass's state and events (see pass.h). */
#include "index/sync/pass.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/xmalloc.h"
#include "index/search/lexical.h"
#include "index/search/vector.h"

#define DEFAULT_MAX_BYTES ((uint64_t)32 << 20)

const char *pass_coll(const struct idx_options *opt, size_t folder)
{
	const char *c = opt->folders[folder].collection;
	return c && *c ? c : "default";
}

void pass_emit(struct pass *p, enum idx_event_kind kind, enum idx_file_state state, const char *path,
	       const char *msg)
{
	if (kind == IDX_EV_FILE)
		notes_event(&p->notes, state, path, msg);
	if (!p->sink || !p->sink->event)
		return;
	struct idx_event ev = {
		.kind = kind, .state = state, .path = path, .message = msg,
		.files_done = p->files_done, .files_total = p->files_total,
		.files_skipped = p->files_skipped, .chunks_total = p->chunks_total,
		.files_indexed = p->files_indexed, .vectors_pending = p->pending,
		.queue = p->queue, .bytes_done = p->bytes_done, .generation = p->generation,
	};
	p->sink->event(p->sink->ctx, &ev);
}

void pass_error(struct pass *p, int err, const char *msg)
{
	p->err = err;
	size_t n = strlen(msg);
	if (n >= sizeof p->errmsg)
		n = sizeof p->errmsg - 1;
	memcpy(p->errmsg, msg, n);
	p->errmsg[n] = '\0';
	pass_emit(p, IDX_EV_ERROR, IDX_FILE_FAILED, NULL, msg);
}

int pass_totals(struct pass *p)
{
	MDB_txn *txn;
	int rc = store_rtxn_begin(p->ix, &txn);
	if (rc)
		return store_err(rc);
	p->files_indexed = meta_u64(txn, p->ix, "files");
	p->chunks_total = meta_u64(txn, p->ix, "chunks");
	p->pending = meta_u64(txn, p->ix, "pending");
	p->generation = meta_u64(txn, p->ix, "gen");
	store_rtxn_end(p->ix, txn);
	return 0;
}

struct pass_totals pass_totals_get(const struct pass *p)
{
	return (struct pass_totals){p->generation, p->chunks_total, p->files_indexed, p->pending};
}

void pass_totals_set(struct pass *p, struct pass_totals t)
{
	p->generation = t.generation;
	p->chunks_total = t.chunks_total;
	p->files_indexed = t.files_indexed;
	p->pending = t.pending;
}

char **sync_roots(const struct idx_options *opt)
{
	char **roots = xcalloc(opt->nfolders + 1, sizeof *roots);
	for (size_t i = 0; i < opt->nfolders; i++) {
		char *r = opt->folders[i].path ? realpath(opt->folders[i].path, NULL) : NULL;
		struct stat st;
		if (r && (stat(r, &st) != 0 || !S_ISDIR(st.st_mode))) {
			free(r);
			r = NULL;
		}
		roots[i] = r;
	}
	return roots;
}

void sync_roots_free(char **roots, size_t n)
{
	if (!roots)
		return;
	for (size_t i = 0; i < n; i++)
		free(roots[i]);
	free(roots);
}

bool pass_under(const char *root, const char *path)
{
	size_t n = strlen(root);
	return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

long pass_folder_of(const struct pass *p, const char *path)
{
	for (size_t i = 0; i < p->opt->nfolders; i++)
		if (p->roots[i] && pass_under(p->roots[i], path))
			return (long)i;
	return -1;
}

struct cinfo *pass_cinfo(struct pass *p, MDB_txn *txn, uint64_t id, struct cinfo_block **blk)
{
	struct cinfo_block *b = (struct cinfo_block *)stage_get(&p->cinfo, txn, id / STORE_BLOCK);
	if (blk)
		*blk = b;
	return &b->c[id % STORE_BLOCK];
}

struct op *pass_new_op(struct pass *p, enum op_kind kind, const char *path)
{
	p->ops = xgrow(p->ops, &p->capops, p->nops + 1, sizeof *p->ops);
	struct op *o = &p->ops[p->nops++];
	memset(o, 0, sizeof *o);
	o->kind = kind;
	o->path = xstrdup(path);
	return o;
}

void pass_free_op(struct op *o)
{
	free(o->path);
	free(o->from);
	free(o->msg);
	free(o->chash);
	chunk_list_free(&o->chunks);
	memset(o, 0, sizeof *o);
}

void pass_init(struct pass *p, idx *ix, const struct idx_options *opt, const struct idx_embedder *emb,
	       const struct idx_sink *sink, const volatile bool *stop)
{
	memset(p, 0, sizeof *p);
	p->ix = ix;
	p->opt = opt;
	p->emb = emb;
	p->sink = sink;
	p->stop = stop;
	p->dim = emb ? emb->dim : 0;
	p->max_bytes = opt->max_file_bytes ? opt->max_file_bytes : DEFAULT_MAX_BYTES;
	p->copts.target_chars = opt->chunk_chars ? opt->chunk_chars : IDX_CHUNK_CHARS;
	p->copts.overlap_chars = opt->overlap_chars ? opt->overlap_chars : 150;
	if (p->copts.overlap_chars >= p->copts.target_chars)
		p->copts.overlap_chars = p->copts.target_chars / 4;
	p->nconv = opt->nconverters;
	p->conv = xcalloc(p->nconv + 1, sizeof *p->conv);
	for (size_t i = 0; i < p->nconv; i++) {
		p->conv[i].ext = opt->converters[i].ext;
		p->conv[i].command = opt->converters[i].command;
	}
	p->roots = sync_roots(opt);
	p->lex = lex_batch_new();
	stage_init(&p->cinfo, ix->cinfo, sizeof(struct cinfo_block));
	stage_init(&p->vec, ix->vec, p->dim > 0 ? vec_block_size(p->dim) : 1);
}

void pass_free(struct pass *p)
{
	for (size_t i = 0; i < p->nops; i++)
		pass_free_op(&p->ops[i]);
	free(p->ops);
	for (size_t i = 0; i < p->nmissing; i++)
		free(p->missing[i].path);
	free(p->missing);
	u64map_free(&p->byhash);
	u64map_free(&p->embmap);
	free(p->embcache);
	free(p->emb_ids);
	free(p->emb_texts);
	free(p->emb_hash);
	lex_batch_free(p->lex);
	stage_free(&p->cinfo);
	stage_free(&p->vec);
	sync_roots_free(p->roots, p->opt->nfolders);
	free(p->conv);
	if (p->tok)
		tok_free(p->tok);
}

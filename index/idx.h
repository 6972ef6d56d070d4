/* idx.h - the document index: the only header core includes from index/.
 *
 * One LMDB environment per index directory holds files, chunks, vectors, lexical postings
 * and meta (see docs/ARCHITECTURE.md). Threads: one writer at a time (idx_sync or the
 * watcher thread own the only write transaction); any thread may search concurrently with
 * its own short read transaction. Every function returns 0 or an IDX_E* code; idx_strerror
 * says what it means and what to do. Strings passed in are copied when kept. */
#ifndef FN_IDX_H
#define FN_IDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	IDX_OK = 0,
	IDX_EIO = -1001,       /* a file or directory could not be read or written */
	IDX_ECORRUPT = -1002,  /* the database is not a footnote index or is damaged */
	IDX_EVERSION = -1003,  /* written by another schema version: rebuild with `footnote index` */
	IDX_EEMBED = -1004,    /* the embedder failed (server down, bad reply) */
	IDX_EDIM = -1005,      /* an embedding batch had the wrong dimension; nothing was written */
	IDX_ENOSPC = -1006,    /* the disk under the index is full */
	IDX_ELOCKED = -1007,   /* another process is writing this index */
	IDX_ENOTFOUND = -1008, /* no index at that path yet: run `footnote index` */
	IDX_ESTOPPED = -1009,  /* stopped on request */
	IDX_EINVAL = -1010,    /* bad argument */
	IDX_EMISMATCH = -1011, /* the query's embedder is not the index's: re-index or switch back */
};
const char *idx_strerror(int err);

typedef struct idx idx;

/* ---- embedders ----------------------------------------------------------------------
 * An embedder turns texts into L2-normalised float vectors of a fixed dimension. core
 * implements the HTTP ones; the builtin one lives here. `embed` may be called from the
 * index thread or a search thread, never from two threads at once on the same ctx
 * unless the embedder says so. */
struct idx_embedder {
	const char *id;  /* recorded in the index, e.g. "builtin-hash-v2" or "openai:nomic-embed-text" */
	int dim;         /* must be > 0 for idx_sync/idx_search: probe the server once first */
	size_t batch;    /* most texts per call */
	/* Fills out[n * dim]. Returns 0, or IDX_EEMBED / IDX_EDIM with a message in err. */
	int (*embed)(void *ctx, const char *const *texts, size_t n, float *out, char *err, size_t errlen);
	void *ctx;
};
/* The offline embedder: feature-hashed words and character n-grams, deterministic. Static
 * storage, thread-safe. */
const struct idx_embedder *idx_embedder_builtin(void);

/* ---- progress -----------------------------------------------------------------------
 * The index reports through a sink that core installs. Called on the indexing thread; the
 * event and its strings are valid only during the call (copy what you keep). */
enum idx_event_kind {
	IDX_EV_SCAN_START,   /* a pass over the folders begins; files_total may be 0 until known */
	IDX_EV_FILE,         /* one file done: state says how */
	IDX_EV_PROGRESS,     /* counts changed */
	IDX_EV_SCAN_DONE,    /* pass finished: counts are final */
	IDX_EV_WATCH,        /* watcher state changed (message says what, e.g. watches ran out) */
	IDX_EV_ERROR,        /* something failed; message says what to do */
	IDX_EV_NOTICE,       /* news the user should see that is not an error, e.g. the
			      * embedder changed and every chunk is embedded again */
};
enum idx_file_state { IDX_FILE_QUEUED, IDX_FILE_INDEXED, IDX_FILE_UNCHANGED, IDX_FILE_SKIPPED,
		      IDX_FILE_FAILED, IDX_FILE_REMOVED, IDX_FILE_MOVED };
struct idx_event {
	enum idx_event_kind kind;
	enum idx_file_state state; /* IDX_EV_FILE */
	const char *path;          /* file concerned, or NULL */
	const char *message;       /* reason for skipped/failed, watcher news, error text */
	/* This pass: files looked at so far, of files_total (the pass's candidates: every file
	 * of a full sync, the changed ones of a watcher update), skipped, still queued. */
	size_t files_done, files_total, files_skipped, queue;
	/* The index after its last commit (from the first event of a pass on): what a status
	 * line shows. vectors_pending counts chunks stored while the embedder failed, searchable
	 * by their words and waiting for their vectors. */
	size_t files_indexed, chunks_total, vectors_pending;
	uint64_t bytes_done;
	uint64_t generation;
};
struct idx_sink {
	void (*event)(void *ctx, const struct idx_event *ev);
	void *ctx;
};

/* ---- what to index ------------------------------------------------------------------ */
struct idx_folder {
	const char *path;
	const char *collection;
};
struct idx_converter {
	const char *ext;     /* without the dot: "docx" */
	const char *command; /* run through /bin/sh with %s replaced by the quoted path */
};
/* The default target chunk size, in characters (about 375 tokens of English). On SciFact
 * (tests/bench/sci_bench.c, lexical nDCG@10 on the 809 train claims) 1200 gave 0.689,
 * 1500 0.700, 2000 0.697, 2500 0.699, 3000 0.700: abstracts cut in two lose terms, and
 * longer chunks hand the model more text per source than it needs. */
#define IDX_CHUNK_CHARS 1500

struct idx_options {
	const struct idx_folder *folders;
	size_t nfolders;
	const char *const *exclude; /* globs matched against each path component and the relative path */
	size_t nexclude;
	const struct idx_converter *converters;
	size_t nconverters;
	uint64_t max_file_bytes; /* larger files are skipped with a reason; 0 = 32 MiB */
	const char *language;  /* Snowball stemmer name ("english"), or "none" */
	size_t chunk_chars;    /* target chunk size in characters (0 = IDX_CHUNK_CHARS) */
	size_t overlap_chars;  /* overlap between chunks in characters (default 150) */
	/* Canonical directories never indexed, wherever they sit: footnote's own config, data and
	 * state (a watched $HOME must not index the log it writes, nor a config holding a key). */
	const char *const *skip;
	size_t nskip;
};

/* ---- open, sync, watch -------------------------------------------------------------- */
enum { IDX_RDONLY = 1 << 0, IDX_CREATE = 1 << 1 };
/* Opens (or with IDX_CREATE creates) the index in directory `dir`. Clears stale reader
 * slots. *out is owned by the caller: idx_close. */
int idx_open(const char *dir, unsigned flags, idx **out);
void idx_close(idx *ix);

/* Brings the index to exactly the files under opt's folders: adds, updates and removes.
 * Uses the size/mtime gate, then the content hash; unchanged chunks keep their vectors.
 * When the embedder differs from the one recorded, says so through the sink and re-embeds
 * everything. A move (same content under a new path) keeps ids and vectors. Returns early
 * with IDX_ESTOPPED when *stop becomes true (set it with __atomic_store_n from another
 * thread; NULL = never). Returns IDX_ELOCKED when another process or thread is writing,
 * IDX_EDIM when the embedder gave a wrong dimension (that batch is not written; the sink
 * said which files). When the embedder fails otherwise (server down, a refusal), the chunks
 * are written without vectors - searchable by their words at once, counted as pending in
 * idx_stats - and the rest of the pass does not ask it again; the sink says so with an
 * IDX_EV_ERROR and the call returns 0. A later sync (or the watcher, retrying at growing
 * intervals) fills the vectors in. Symbolic links are followed only to targets inside the folder (indexed
 * under the target's own path, once; loops end); .git directories and .gitignore'd paths
 * are skipped. Any thread, one writer at a time. */
int idx_sync(idx *ix, const struct idx_options *opt, const struct idx_embedder *emb,
	     const struct idx_sink *sink, const volatile bool *stop);

/* The watcher: a thread that runs idx_sync once, then follows changes with inotify (falls
 * back to periodic rescans when watches run out) until idx_watch_stop. While chunks wait
 * for vectors it asks the embedder again after 1 s, then at doubling intervals up to 5 min. The options,
 * embedder and sink must stay valid until idx_watch_stop returns. */
struct idx_watch;
int idx_watch_start(idx *ix, const struct idx_options *opt, const struct idx_embedder *emb,
		    const struct idx_sink *sink, struct idx_watch **out);
/* Asks for a full rescan (e.g. /reindex). Any thread. */
void idx_watch_rescan(struct idx_watch *w);
/* Stops and joins the thread; frees w. */
void idx_watch_stop(struct idx_watch *w);

/* The content hash idx_sync records for a file (XXH3-64 of its bytes, see content_hash in
 * struct idx_hit), so that a caller can tell whether a cited file changed since it was
 * indexed. idx_sync itself hashes through idx_hash_bytes, so the two cannot disagree. Any
 * thread. */
uint64_t idx_hash_bytes(const void *data, size_t len);
/* Reads path (following no symlink at its end, as idx_sync) and hashes its bytes as
 * idx_hash_bytes would. Returns 0, or an errno. */
int idx_file_hash(const char *path, uint64_t *out);

struct idx_stats {
	uint64_t files, chunks, terms, bytes, generation, map_bytes;
	uint64_t pending;      /* chunks waiting for their vectors (see idx_sync) */
	int schema_version;
	int dim;
	char embedder[128];
	char last_error[256];
};
int idx_stats(idx *ix, struct idx_stats *st);

/* Files the index left out or changed on the way in, and why: skipped (the size cap, a
 * binary file, footnote's own export), failed (unreadable, extraction failed), or indexed
 * with a note (text decoded from UTF-16 or Windows-1252). Kept from the passes that saw
 * them until the file is indexed cleanly or goes; at most IDX_NOTES_MAX (the rest are only
 * counted in the pass's events). Sorted by path. Any thread. Free with idx_notes_free. */
#define IDX_NOTES_MAX 1000
struct idx_note {
	char *path;
	char *reason;
	enum idx_file_state state; /* IDX_FILE_SKIPPED, IDX_FILE_FAILED or IDX_FILE_INDEXED */
};
struct idx_notes {
	struct idx_note *v;
	size_t n;
};
int idx_file_notes(idx *ix, struct idx_notes *out);
void idx_notes_free(struct idx_notes *n);

/* The collections the index holds, sorted by name (caller frees each and the array). */
int idx_collections(idx *ix, char ***names, size_t *n);

/* ---- search ------------------------------------------------------------------------- */
/* A file filter: path glob (fnmatch on the whole path, or on its tail after any '/', so
 * "*.pdf" and "notes/x*" work; "" = any path), the file's date at or after after_ns and
 * before before_ns (0 = no bound; the date is the document's own - front matter, document
 * properties - when it has one, else its modification time), and tags (",a,b,": the file
 * has one of them at least; "" = any). */
struct idx_filter {
	char path[256];
	int64_t after_ns, before_ns;
	char tags[256];
};
/* Reads leading "path:GLOB", "after:DATE", "before:DATE" and "tag:NAME" words of text into f (which it
 * does not clear) and points *rest past them and the spaces after. DATE is YYYY-MM-DD,
 * YYYY-MM or YYYY (UTC). Returns how many were read, or -1 with err set for a bad date
 * or a glob over 255 bytes (*rest is then text). */
int idx_filter_parse(const char *text, struct idx_filter *f, const char **rest, char *err, size_t errlen);
/* DATE (as above) to nanoseconds since the epoch; -1 when it is not one. */
int idx_filter_date(const char *s, size_t n, int64_t *ns);
/* True when f filters anything. */
bool idx_filter_on(const struct idx_filter *f);
/* True when a file of that path, date and tags (",a,b," or NULL) passes f. */
bool idx_filter_pass(const struct idx_filter *f, const char *path, int64_t date_ns, const char *tags);
/* Adds tag (lower-cased) to f->tags; false when there is no room. */
bool idx_filter_add_tag(struct idx_filter *f, const char *tag, size_t n);

enum idx_mode { IDX_HYBRID, IDX_LEXICAL, IDX_VECTOR };
struct idx_rerank_weights;
struct idx_query {
	const char *text;
	size_t k;                          /* hits wanted (default 10) */
	enum idx_mode mode;
	const char *const *collections;    /* allowed collections; NULL/0 = all */
	size_t ncollections;
	size_t per_file_cap;               /* most hits from one file; 0 = no cap */
	/* Metadata filters, each of which a hit's file must pass (a profile's and a
	 * question's); zeroed = none. They only narrow: the collections still apply. */
	struct idx_filter filter[2];
	double w_lexical, w_vector;        /* fusion weights (default 1, 1); with the builtin
					    * embedder w_vector counts half (see embed_builtin.c) */
	int rrf_k;                         /* reciprocal rank constant (default 60) */
	const char *language;              /* stemmer for the query; NULL = the index's */
	const struct idx_embedder *emb;    /* for vector/hybrid; must match the index's */
	/* Text the query belongs to (a follow-up's earlier turns), or NULL: its terms count in
	 * the lexical search at context_weight each, the query's own at 1 (<= 0: the default
	 * IDX_CONTEXT_WEIGHT). The builtin embedder's feedback follows those lexical hits; an
	 * HTTP embedder embeds the text alone. Snippets mark the text's words only. */
	const char *context;
	double context_weight;
	/* The builtin second stage (index/search/rerank.h): reorder the first stage's best
	 * chunks by term proximity, phrase and coverage features of their text. Off by default
	 * here; core turns it on for the builtin profiles. rerank_weights NULL = the tuned
	 * defaults (a bench's tuning passes others). */
	bool rerank;
	const struct idx_rerank_weights *rerank_weights;
};
/* Chosen a priori (a context word is worth a third of a question's word), not tuned. */
#define IDX_CONTEXT_WEIGHT 0.3
struct idx_hit {
	char *path;
	char *collection;
	uint64_t chunk;
	uint32_t line_start, line_end; /* 1-based, inclusive */
	uint32_t page;                 /* 1-based for PDFs, 0 otherwise */
	char *heading;                 /* "A > B > C", or "" */
	char *snippet;                 /* a short, one-line excerpt around the best match */
	char *text;                    /* the whole chunk text */
	uint64_t content_hash;         /* hash of the file when indexed */
	double score;
	double lexical_score, vector_score;
};
struct idx_hits {
	struct idx_hit *v;
	size_t n;
};
/* Fills *out (caller frees with idx_hits_free). Any thread; never blocks the writer.
 * Scores: BM25 for IDX_LEXICAL (each term's IDF times the square root of its occurrences
 * per chunk holding it, index/search/lexical.h), cosine for IDX_VECTOR, RRF for IDX_HYBRID.
 * Hybrid with emb NULL, or on an index built without an embedder, answers lexically; an
 * emb other than the index's gives IDX_EMISMATCH. A query embedded with the builtin
 * embedder weights its words the same way and adds the vectors of the best ten lexical
 * hits (pseudo-relevance feedback), in IDX_VECTOR mode too. */
int idx_search(idx *ix, const struct idx_query *q, struct idx_hits *out);
void idx_hits_free(struct idx_hits *h);

/* ---- files ----------------------------------------------------------------------------- */
struct idx_file_info {
	char *path;            /* canonical */
	char *collection;
	uint64_t size;
	int64_t mtime_ns;
	uint64_t content_hash; /* of the file's bytes when indexed */
	uint32_t nchunks;
};
void idx_file_info_clear(struct idx_file_info *f);
/* Calls fn for every indexed file, in path order (bytewise), inside one read transaction;
 * stops when fn returns non-zero. f is valid only during the call. Any thread. */
int idx_files_each(idx *ix, int (*fn)(void *ctx, const struct idx_file_info *f), void *ctx);
/* The chunks of the file at canonical path, in order, as hits with score 0 and an empty
 * snippet (free with idx_hits_free), and the file's record in *info when info is not NULL
 * (idx_file_info_clear). IDX_ENOTFOUND when the file is not indexed. Any thread. */
int idx_file_chunks(idx *ix, const char *path, struct idx_file_info *info, struct idx_hits *out);

/* ---- text helpers for core ------------------------------------------------------------
 * The index's own tokenizer, so the answerer and the citation checker see the same terms
 * as search. One per thread (not thread-safe). */
struct idx_tokenizer;
/* language as in idx_options; NULL or "none" = no stemming. NULL when unknown. */
struct idx_tokenizer *idx_tokenizer_new(const char *language);
void idx_tokenizer_free(struct idx_tokenizer *t);
/* Calls fn(ctx, term, len) for each folded, stemmed term of text (stopwords included,
 * flagged); stops when fn returns non-zero. term is valid only during the call. */
void idx_tokenize(struct idx_tokenizer *t, const char *text, size_t len,
		  int (*fn)(void *ctx, const char *term, size_t len, bool stopword), void *ctx);

#endif

/* setup.h - from the configuration to what the index needs: folders, excludes, converters
 * and the embedder. Main thread; the result stays valid until setup_free. */
#ifndef FN_SETUP_H
#define FN_SETUP_H

#include "core/app/config.h"
#include "index/idx.h"

struct embed_http;

struct setup {
	struct idx_options opt;
	const struct idx_embedder *emb;
	/* storage behind opt */
	struct idx_folder *folders;
	const char **exclude;
	char *skip[3];               /* the config, data and state directories, canonical */
	struct idx_converter *conv;
	struct embed_http *emb_owned; /* a server embedder, or NULL for builtin */
};

/* Fills s from c. `paths` (may be NULL/0) replace the configured folders, each in the
 * collection "default". A server embedder (embedder.provider naming an openai/ollama
 * provider) is probed once here for its dimension, so this blocks for one request; when
 * the server does not answer and the index records this embedder, its dimension is taken
 * from there (chunks are then stored without vectors until the server answers, see
 * idx_sync); otherwise the result is -1 with a message saying so and what to do.
 * s->emb may then be used from any thread (see embed_http.h). Returns 0, or -1 with *err
 * set (caller frees). */
int setup_init(struct setup *s, const struct config *c, char **paths, size_t npaths, char **err);
void setup_free(struct setup *s);
/* The configured folders (index.folders) that do not exist or are not directories, as one
 * sentence naming them and saying what to do; NULL when every one is there. A missing
 * folder is a configuration error: commands that index or retrieve exit 2 on it (the
 * watcher keeps what was indexed from it, for an unmounted disk). Caller frees. */
char *setup_missing_folders(const struct config *c);
/* Opens the index at c->index.path, creating its directory when `create`. Returns an IDX_*
 * code; *err gets a sentence saying what to do (caller frees) on failure. */
int setup_open_index(const struct config *c, bool create, idx **out, char **err);

#endif

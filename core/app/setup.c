/* setup.c - config -> index options and embedder (see setup.h). */
#include "core/app/setup.h"

#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/net/embed_http.h"
#include "base/fsutil.h"
#include "core/net/provider.h"
#include "core/net/secret.h"
#include "core/app/log.h"

/* The dimension the index at c->index.path records for embedder id, or 0. The index is
 * opened read-only and closed again before anyone else opens it. */
static int recorded_dim(const struct config *c, const char *id)
{
	idx *ix;
	if (!c->index.path || !*c->index.path || idx_open(c->index.path, IDX_RDONLY, &ix) != 0)
		return 0;
	struct idx_stats st;
	int dim = idx_stats(ix, &st) == 0 && !strcmp(st.embedder, id) ? st.dim : 0;
	idx_close(ix);
	return dim;
}

/* The configured embedder: builtin, or a server probed once for its dimension (or, when it
 * does not answer, the dimension the index recorded for it). */
static int setup_embedder(struct setup *s, const struct config *c, char **err)
{
	const struct cfg_provider *p =
		strcmp(c->embedder.provider, "builtin") ? config_provider(c, c->embedder.provider) : NULL;
	if (!p || p->kind == PROVIDER_BUILTIN) {
		if (strcmp(c->embedder.provider, "builtin")) {
			char *safe = sanitize_str(c->embedder.provider, SAN_ONELINE);
			*err = xasprintf("embedder.provider %s: no such openai/ollama provider; "
					 "add it under providers, or use embedder: {provider: builtin}", safe);
			free(safe);
			return -1;
		}
		s->emb = idx_embedder_builtin();
		return 0;
	}
	struct secret key = {0};
	char *kerr = NULL;
	if (secret_get(p, &key, &kerr) < 0) {
		*err = xasprintf("embedder: %s", kerr);
		free(kerr);
		return -1;
	}
	struct embed_http *e = embed_http_new(p, c->embedder.model, key.key, (size_t)c->embedder.batch, 0);
	embed_http_set_limit(e, c->embedder.max_tokens);
	char msg[512];
	int dim = embed_http_probe(e, msg, sizeof msg);
	if (dim <= 0 && (dim = recorded_dim(c, embed_http_embedder(e)->id)) > 0) {
		/* The index knows this embedder's dimension: index by words now, vectors later. */
		embed_http_free(e);
		e = embed_http_new(p, c->embedder.model, key.key, (size_t)c->embedder.batch, dim);
		embed_http_set_limit(e, c->embedder.max_tokens);
		log_warn("%s; indexing goes on, vectors follow when the embedder answers", msg);
	}
	secret_clear(&key);
	if (dim <= 0) {
		char *safe = sanitize_str(msg, SAN_ONELINE);
		*err = xasprintf("%s; nothing was indexed or searched: start the server (footnote doctor "
				 "checks it), or use embedder: {provider: builtin}", safe);
		free(safe);
		embed_http_free(e);
		return -1;
	}
	s->emb_owned = e;
	s->emb = embed_http_embedder(e);
	return 0;
}

int setup_init(struct setup *s, const struct config *c, char **paths, size_t npaths, char **err)
{
	memset(s, 0, sizeof *s);
	*err = NULL;
	size_t nf = npaths ? npaths : c->index.folders.n;
	s->folders = xcalloc(nf, sizeof *s->folders);
	for (size_t i = 0; i < nf; i++) {
		if (npaths) {
			char real[PATH_MAX];
			if (!realpath(paths[i], real)) {
				char *safe = sanitize_str(paths[i], SAN_ONELINE);
				*err = xasprintf("cannot index %s: no such folder", safe);
				free(safe);
				setup_free(s);
				return -1;
			}
			s->folders[i].path = xstrdup(real);
			s->folders[i].collection = "default";
		} else {
			s->folders[i].path = xstrdup(c->index.folders.v[i].path);
			s->folders[i].collection = c->index.folders.v[i].collection;
		}
	}
	s->exclude = xcalloc(c->index.exclude.n + 1, sizeof *s->exclude);
	for (size_t i = 0; i < c->index.exclude.n; i++)
		s->exclude[i] = c->index.exclude.v[i];
	s->conv = xcalloc(c->index.converters.n + 1, sizeof *s->conv);
	for (size_t i = 0; i < c->index.converters.n; i++)
		s->conv[i] = (struct idx_converter){c->index.converters.v[i].key, c->index.converters.v[i].value};

	const char *own[3] = {c->config_dir, c->data_dir, c->state_dir};
	for (size_t i = 0; i < 3; i++) {
		char real[PATH_MAX];
		s->skip[i] = own[i] ? xstrdup(realpath(own[i], real) ? real : own[i]) : NULL;
	}
	s->opt = (struct idx_options){
		.folders = s->folders,
		.nfolders = nf,
		.exclude = s->exclude,
		.nexclude = c->index.exclude.n,
		.converters = s->conv,
		.nconverters = c->index.converters.n,
		.max_file_bytes = (uint64_t)c->index.max_file_mb << 20,
		.language = c->index.language,
		.chunk_chars = (size_t)c->index.chunk_chars,
		.overlap_chars = (size_t)c->index.overlap_chars,
		.skip = (const char *const *)s->skip,
		.nskip = 3,
	};
	if (setup_embedder(s, c, err) < 0) {
		setup_free(s);
		return -1;
	}
	return 0;
}

char *setup_missing_folders(const struct config *c)
{
	struct buf b = {0};
	size_t n = 0;
	for (size_t i = 0; i < c->index.folders.n; i++) {
		struct stat st;
		const char *path = c->index.folders.v[i].path;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			continue;
		char *safe = sanitize_str(path, SAN_ONELINE);
		buf_addf(&b, "%s%s", n++ ? ", " : "", safe);
		free(safe);
	}
	if (!n)
		return NULL;
	char *file = sanitize_str(c->file ? c->file : "the configuration", SAN_ONELINE);
	char *msg = xasprintf("%s %s %s not exist: create %s, or change index.folders in %s", n == 1 ? "folder" : "folders",
			      buf_str(&b), n == 1 ? "does" : "do", n == 1 ? "it" : "them", file);
	free(file);
	buf_free(&b);
	return msg;
}

void setup_free(struct setup *s)
{
	for (size_t i = 0; s->folders && i < s->opt.nfolders; i++)
		free((char *)s->folders[i].path);
	free(s->folders);
	free(s->exclude);
	for (size_t i = 0; i < 3; i++)
		free(s->skip[i]);
	free(s->conv);
	embed_http_free(s->emb_owned);
	memset(s, 0, sizeof *s);
}

int setup_open_index(const struct config *c, bool create, idx **out, char **err)
{
	*err = NULL;
	if (create) {
		int rc = fs_mkdir_all(c->index.path, 0700);
		if (rc < 0) {
			char *safe = sanitize_str(c->index.path, SAN_ONELINE);
			*err = xasprintf("cannot create the index directory %s: %s", safe, strerror(-rc));
			free(safe);
			return IDX_EIO;
		}
	}
	int rc = idx_open(c->index.path, create ? IDX_CREATE : IDX_RDONLY, out);
	if (rc != 0) {
		char *safe = sanitize_str(c->index.path, SAN_ONELINE);
		*err = xasprintf("index %s: %s", safe, idx_strerror(rc));
		free(safe);
	}
	return rc;
}

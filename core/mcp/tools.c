/* tools.c - footnote's MCP tools and resources (see tools.h). */
#include "core/mcp/tools.h"

#include <cjson/cJSON.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/answer/record.h"
#include "core/answer/turn.h"
#include "core/app/chan.h"
#include "core/app/config.h"
#include "core/mcp/rpc.h"

struct ask_call {
	struct mcp_call *call;
	struct turn *turn;
	uint64_t gen;
	struct buf answer;
	size_t reported; /* answer bytes when progress was last sent */
	struct ask_call *next;
};

/* ---- access ---- */

static bool readable(const struct mcp_env *e, const char *collection)
{
	const struct cfg_strs *c = &e->profile->retrieval.collections;
	if (!e->bound || !c->n)
		return true;
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i], collection))
			return true;
	return false;
}

static bool known(const struct mcp_env *e, const char *collection)
{
	for (size_t i = 0; i < e->cfg->index.folders.n; i++)
		if (!strcmp(e->cfg->index.folders.v[i].collection, collection))
			return true;
	return false;
}

static char *collections_text(const struct mcp_env *e)
{
	struct buf b = {0};
	for (size_t i = 0; i < e->cfg->index.folders.n; i++) {
		const char *c = e->cfg->index.folders.v[i].collection;
		if (readable(e, c) && !strstr(buf_str(&b), c))
			buf_addf(&b, "%s%s", b.len ? ", " : "", c);
	}
	return buf_detach(&b);
}

/* ---- URIs ---- */

char *mcp_file_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = {0};
	buf_adds(&b, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p)) {
			buf_addc(&b, (char)*p);
		} else {
			buf_addc(&b, '%');
			buf_addc(&b, hex[*p >> 4]);
			buf_addc(&b, hex[*p & 15]);
		}
	}
	return buf_detach(&b);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

char *mcp_uri_path(const char *uri)
{
	if (strncmp(uri, "file://", 7))
		return NULL;
	const char *p = uri + 7;
	if (strncmp(p, "localhost/", 10) == 0)
		p += 9;
	if (*p != '/')
		return NULL;
	struct buf b = {0};
	for (; *p; p++) {
		if (*p == '%') {
			int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				buf_free(&b);
				return NULL;
			}
			buf_addc(&b, (char)(hi << 4 | lo));
			p += 2;
		} else {
			buf_addc(&b, *p);
		}
	}
	return buf_detach(&b);
}

/* ---- arguments ---- */

static int bad(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(char **err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	*err = xstrdup(msg);
	return RPC_INVALID_PARAMS;
}

/* A string argument: *out NULL when absent and not required. */
static int arg_str(const cJSON *args, const char *name, bool required, const char **out, char **err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, name);
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return required ? bad(err, "argument \"%s\" is required (a string)", name) : 0;
	if (!cJSON_IsString(v))
		return bad(err, "argument \"%s\" must be a string", name);
	*out = v->valuestring;
	return 0;
}

static int arg_int(const cJSON *args, const char *name, int lo, int hi, int *out, char **err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, name);
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int)v->valuedouble || v->valuedouble < lo ||
	    v->valuedouble > hi) {
		*err = xasprintf("argument \"%s\" must be a whole number from %d to %d", name, lo, hi);
		return RPC_INVALID_PARAMS;
	}
	*out = (int)v->valuedouble;
	return 0;
}

/* Unknown argument names are refused, so a misspelt one is not silently ignored. */
static int only_args(const cJSON *args, const char *const *names, char **err)
{
	for (const cJSON *it = args->child; it; it = it->next) {
		bool known = false;
		for (const char *const *n = names; *n; n++)
			known |= it->string && !strcmp(it->string, *n);
		if (!known)
			return bad(err, "unknown argument \"%.100s\"", it->string ? it->string : "");
	}
	return 0;
}

/* ---- hits ---- */

static cJSON *hit_json(const struct idx_hit *h, bool with_text)
{
	cJSON *o = cJSON_CreateObject();
	char *uri = mcp_file_uri(h->path);
	cJSON_AddStringToObject(o, "path", h->path);
	cJSON_AddStringToObject(o, "uri", uri);
	free(uri);
	cJSON_AddStringToObject(o, "collection", h->collection ? h->collection : "");
	cJSON_AddNumberToObject(o, "line_start", h->line_start);
	cJSON_AddNumberToObject(o, "line_end", h->line_end);
	cJSON_AddNumberToObject(o, "page", h->page);
	cJSON_AddStringToObject(o, "heading", h->heading ? h->heading : "");
	if (with_text)
		cJSON_AddStringToObject(o, "text", h->text ? h->text : "");
	return o;
}

/* ---- search ---- */

static int search_start(void *ctx, struct mcp_call *c, const cJSON *args, char **err)
{
	struct mcp_env *e = ctx;
	static const char *const names[] = {"query", "k", "mode", "collection", "filters", NULL};
	const char *query, *mode, *coll;
	int k = 10, rc;
	if ((rc = only_args(args, names, err)) || (rc = arg_str(args, "query", true, &query, err)) ||
	    (rc = arg_int(args, "k", 1, 100, &k, err)) || (rc = arg_str(args, "mode", false, &mode, err)) ||
	    (rc = arg_str(args, "collection", false, &coll, err)))
		return rc;
	if (!*query)
		return bad(err, "argument \"%s\" is empty", "query");
	enum idx_mode m = IDX_HYBRID;
	if (mode && !strcmp(mode, "lexical"))
		m = IDX_LEXICAL;
	else if (mode && !strcmp(mode, "vector"))
		m = IDX_VECTOR;
	else if (mode && strcmp(mode, "hybrid"))
		return bad(err, "mode must be hybrid, lexical or vector, not \"%.60s\"", mode);
	const char *glob = NULL;
	const cJSON *filters = cJSON_GetObjectItemCaseSensitive(args, "filters");
	if (filters && !cJSON_IsNull(filters)) {
		static const char *const fnames[] = {"path", NULL};
		if (!cJSON_IsObject(filters))
			return bad(err, "argument \"%s\" must be an object", "filters");
		if ((rc = only_args(filters, fnames, err)) || (rc = arg_str(filters, "path", false, &glob, err)))
			return rc;
	}
	const struct cfg_strs *allowed = &e->profile->retrieval.collections;
	const char *one[1] = {coll};
	struct idx_query q = {.text = query, .k = (size_t)k, .mode = m, .rrf_k = 60,
			      .w_lexical = e->profile->retrieval.w_lexical,
			      .w_vector = e->profile->retrieval.w_vector,
			      .language = e->cfg->index.language, .emb = e->emb};
	if (coll) {
		if (!known(e, coll) || !readable(e, coll)) {
			char *names_txt = collections_text(e);
			*err = !known(e, coll) ? xasprintf("no collection \"%.60s\" (collections: %s)", coll, names_txt)
				: xasprintf("collection \"%.60s\" is not readable by profile %s (readable: %s)", coll,
					    e->profile->name, names_txt);
			free(names_txt);
			return RPC_INVALID_PARAMS;
		}
		q.collections = one;
		q.ncollections = 1;
	} else if (e->bound && allowed->n) {
		q.collections = (const char *const *)allowed->v;
		q.ncollections = allowed->n;
	}
	/* A bound profile's filter holds here too, and the query's own leading filter words. */
	if (e->bound)
		config_profile_filter(e->profile, &q.filter[0]);
	const char *rest;
	char ferr[200];
	int nf = idx_filter_parse(query, &q.filter[1], &rest, ferr, sizeof ferr);
	if (nf < 0) {
		*err = xstrdup(ferr);
		return RPC_INVALID_PARAMS;
	}
	if (nf > 0 && *rest)
		q.text = rest;
	else
		memset(&q.filter[1], 0, sizeof q.filter[1]);
	cJSON *out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "version", RECORD_JSON_VERSION);
	cJSON_AddStringToObject(out, "query", query);
	cJSON *arr = cJSON_AddArrayToObject(out, "hits");
	struct idx_hits h = {0};
	/* A glob filter is applied after ranking, so ask for more and cut to k. */
	if (glob)
		q.k = (size_t)k * 8;
	rc = e->ix ? idx_search(e->ix, &q, &h) : 0;
	if (rc) {
		cJSON_Delete(out);
		mcp_call_done(c, NULL, true, idx_strerror(rc));
		return 0;
	}
	int n = 0;
	for (size_t i = 0; i < h.n && n < k; i++) {
		if (glob && fnmatch(glob, h.v[i].path, 0) != 0)
			continue;
		cJSON *o = hit_json(&h.v[i], true);
		cJSON_AddNumberToObject(o, "score", h.v[i].score);
		cJSON_AddItemToArray(arr, o);
		n++;
	}
	idx_hits_free(&h);
	mcp_call_done(c, out, false, NULL);
	return 0;
}

/* ---- get_source ---- */

/* "12-30", "12" -> a range; false when it is not one. */
static bool parse_lines(const char *s, unsigned *a, unsigned *b)
{
	char *end;
	unsigned long x = strtoul(s, &end, 10);
	if (end == s || x == 0 || x > 100000000)
		return false;
	unsigned long y = x;
	if (*end == '-') {
		const char *t = end + 1;
		y = strtoul(t, &end, 10);
		if (end == t || y < x || y > 100000000)
			return false;
	}
	*a = (unsigned)x;
	*b = (unsigned)y;
	return !*end;
}

/* The file changed since it was indexed: size and mtime differ and so does the hash (or it is
 * gone). */
static bool stale(const struct idx_file_info *f, bool *missing)
{
	struct stat st;
	*missing = stat(f->path, &st) != 0;
	if (*missing)
		return true;
	int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	if ((uint64_t)st.st_size == f->size && mtime == f->mtime_ns)
		return false;
	uint64_t d;
	return idx_file_hash(f->path, &d) != 0 || d != f->content_hash;
}

static int source_start(void *ctx, struct mcp_call *c, const cJSON *args, char **err)
{
	struct mcp_env *e = ctx;
	static const char *const names[] = {"path", "lines", NULL};
	const char *path, *lines;
	int rc;
	if ((rc = only_args(args, names, err)) || (rc = arg_str(args, "path", true, &path, err)) ||
	    (rc = arg_str(args, "lines", false, &lines, err)))
		return rc;
	unsigned a = 0, b = 0;
	if (lines && !parse_lines(lines, &a, &b))
		return bad(err, "lines must be \"START-END\" or \"LINE\" (1-based), not \"%.40s\"", lines);
	char *own = strncmp(path, "file://", 7) ? NULL : mcp_uri_path(path);
	if (!strncmp(path, "file://", 7) && !own)
		return bad(err, "not a file:// URI: \"%.100s\"", path);
	char *real = realpath(own ? own : path, NULL);
	const char *key = real ? real : own ? own : path;
	struct idx_file_info f;
	struct idx_hits h = {0};
	rc = e->ix ? idx_file_chunks(e->ix, key, &f, &h) : IDX_ENOTFOUND;
	if (rc == 0 && !readable(e, f.collection)) {
		idx_hits_free(&h);
		idx_file_info_clear(&f);
		rc = IDX_ENOTFOUND; /* a forbidden file is not told apart from an absent one */
	}
	if (rc) {
		char *msg = rc == IDX_ENOTFOUND ? xasprintf("%s is not in the index (search first; paths are as "
							  "search returns them)", key)
						: xstrdup(idx_strerror(rc));
		free(real);
		free(own);
		mcp_call_done(c, NULL, true, msg);
		free(msg);
		return 0;
	}
	bool missing;
	cJSON *out = cJSON_CreateObject();
	char *uri = mcp_file_uri(f.path);
	cJSON_AddNumberToObject(out, "version", RECORD_JSON_VERSION);
	cJSON_AddStringToObject(out, "path", f.path);
	cJSON_AddStringToObject(out, "uri", uri);
	cJSON_AddStringToObject(out, "collection", f.collection);
	cJSON_AddBoolToObject(out, "stale", stale(&f, &missing));
	cJSON_AddBoolToObject(out, "missing", missing);
	cJSON *arr = cJSON_AddArrayToObject(out, "passages");
	for (size_t i = 0; i < h.n; i++)
		if (!lines || (h.v[i].line_end >= a && h.v[i].line_start <= b))
			cJSON_AddItemToArray(arr, hit_json(&h.v[i], true));
	free(uri);
	idx_hits_free(&h);
	idx_file_info_clear(&f);
	free(real);
	free(own);
	mcp_call_done(c, out, false, NULL);
	return 0;
}

/* ---- ask ---- */

static int ask_start(void *ctx, struct mcp_call *c, const cJSON *args, char **err)
{
	struct mcp_env *e = ctx;
	static const char *const names[] = {"question", "profile", NULL};
	const char *question, *pname;
	int rc;
	if ((rc = only_args(args, names, err)) || (rc = arg_str(args, "question", true, &question, err)) ||
	    (rc = arg_str(args, "profile", false, &pname, err)))
		return rc;
	if (!*question)
		return bad(err, "argument \"%s\" is empty", "question");
	const struct cfg_profile *pf = pname ? config_profile(e->cfg, pname) : e->profile;
	if (!pf)
		return bad(err, "no profile named \"%.60s\"", pname);
	if (e->bound && pf != e->profile) {
		*err = xasprintf("this server answers only with profile %s", e->profile->name);
		return RPC_INVALID_PARAMS;
	}
	struct ask_call *a = xcalloc(1, sizeof *a);
	a->call = c;
	a->gen = ++e->next_gen;
	a->next = e->asks;
	e->asks = a;
	mcp_call_set_data(c, a);
	struct turn_request req = {.cfg = e->cfg, .profile = pf, .question = question, .ix = e->ix,
				   .emb = e->emb, .gen = a->gen};
	a->turn = turn_start(&req, e->net, e->chan);
	return 0;
}

static void ask_cancel(void *ctx, struct mcp_call *c)
{
	(void)ctx;
	struct ask_call *a = mcp_call_data(c);
	if (a)
		turn_cancel(a->turn);
}

size_t mcp_tools_asks(const struct mcp_env *e)
{
	size_t n = 0;
	for (const struct ask_call *a = e->asks; a; a = a->next)
		n++;
	return n;
}

static bool failed(int outcome)
{
	return outcome == TURN_HTTP_ERROR || outcome == TURN_SERVER_ERROR || outcome == TURN_NETWORK_ERROR;
}

void mcp_tools_message(struct mcp_env *e, struct chan_msg *m)
{
	struct ask_call **pp = &e->asks;
	while (*pp && (*pp)->gen != m->gen)
		pp = &(*pp)->next;
	struct ask_call *a = *pp;
	struct turn_msg *tm = (struct turn_msg *)m;
	if (turn_step(a ? a->turn : NULL, m)) {
		/* its rewrite came back: the turn went on to search and answer */
	} else if (a && m->kind == TURN_TEXT && tm->text) {
		buf_adds(&a->answer, tm->text);
		/* One notification per 256 bytes of answer, so a fast stream is not a flood. */
		if (a->answer.len >= a->reported + 256 || !a->reported) {
			char msg[64];
			snprintf(msg, sizeof msg, "answering: %zu bytes", a->answer.len);
			mcp_call_progress(a->call, (double)a->answer.len, 0, msg);
			a->reported = a->answer.len;
		}
	} else if (a && m->kind == TURN_NOTICE && tm->text) {
		mcp_call_progress(a->call, (double)a->answer.len + 0.5, 0, tm->text);
	} else if (a && m->kind == TURN_END) {
		struct turn_result *r = tm->result;
		turn_finish(a->turn, r);
		if (failed(r->outcome)) {
			mcp_call_done(a->call, NULL, true, r->message ? r->message : r->outcome_name);
		} else {
			cJSON *o = record_answer_json(buf_str(&a->answer), a->answer.len, r, turn_provenance(a->turn),
						     turn_sources(a->turn));
			mcp_call_done(a->call, o, false, NULL);
		}
		*pp = a->next;
		turn_free(a->turn);
		buf_free(&a->answer);
		free(a);
	}
	chan_msg_free(m);
}

/* ---- resources ---- */

static const char *mime_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return "text/plain";
	if (!strcmp(dot, ".md") || !strcmp(dot, ".markdown"))
		return "text/markdown";
	if (!strcmp(dot, ".html") || !strcmp(dot, ".htm"))
		return "text/html";
	if (!strcmp(dot, ".pdf"))
		return "application/pdf";
	return "text/plain";
}

struct list_ctx {
	const struct mcp_env *e;
	cJSON *arr;
};

static int list_one(void *ctx, const struct idx_file_info *f)
{
	struct list_ctx *l = ctx;
	if (!readable(l->e, f->collection))
		return 0;
	cJSON *o = cJSON_CreateObject();
	char *uri = mcp_file_uri(f->path);
	const char *base = strrchr(f->path, '/');
	cJSON_AddStringToObject(o, "uri", uri);
	cJSON_AddStringToObject(o, "name", base ? base + 1 : f->path);
	cJSON_AddStringToObject(o, "title", f->path);
	cJSON_AddStringToObject(o, "mimeType", mime_of(f->path));
	cJSON_AddNumberToObject(o, "size", (double)f->size);
	char *desc = xasprintf("collection %s, %u passage%s", f->collection, (unsigned)f->nchunks,
			       f->nchunks == 1 ? "" : "s");
	cJSON_AddStringToObject(o, "description", desc);
	free(desc);
	cJSON_AddItemToArray(l->arr, o);
	free(uri);
	return 0;
}

static int res_list(void *ctx, cJSON *arr, char **err)
{
	struct mcp_env *e = ctx;
	struct list_ctx l = {e, arr};
	int rc = e->ix ? idx_files_each(e->ix, list_one, &l) : 0;
	if (rc) {
		*err = xstrdup(idx_strerror(rc));
		return -1;
	}
	return 0;
}

/* The text as indexed: its passages in order, each after a line that says where it is. */
static int res_read(void *ctx, const char *uri, cJSON *arr, char **err)
{
	struct mcp_env *e = ctx;
	char *path = mcp_uri_path(uri);
	struct idx_file_info f;
	struct idx_hits h = {0};
	int rc = path && e->ix ? idx_file_chunks(e->ix, path, &f, &h) : IDX_ENOTFOUND;
	if (rc == 0 && !readable(e, f.collection)) {
		idx_hits_free(&h);
		idx_file_info_clear(&f);
		rc = IDX_ENOTFOUND;
	}
	free(path);
	if (rc) {
		*err = xasprintf("Resource not found: %.200s", uri);
		return RPC_RESOURCE_NOT_FOUND;
	}
	struct buf b = {0};
	for (size_t i = 0; i < h.n; i++) {
		if (h.v[i].page)
			buf_addf(&b, "%s[page %u, lines %u-%u]\n", i ? "\n" : "", (unsigned)h.v[i].page,
				 (unsigned)h.v[i].line_start, (unsigned)h.v[i].line_end);
		else
			buf_addf(&b, "%s[lines %u-%u]\n", i ? "\n" : "", (unsigned)h.v[i].line_start,
				 (unsigned)h.v[i].line_end);
		buf_adds(&b, h.v[i].text);
		buf_addc(&b, '\n');
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "uri", uri);
	cJSON_AddStringToObject(o, "mimeType", "text/plain");
	cJSON_AddStringToObject(o, "text", buf_str(&b));
	cJSON_AddItemToArray(arr, o);
	buf_free(&b);
	idx_hits_free(&h);
	idx_file_info_clear(&f);
	return 0;
}

const struct mcp_resources mcp_resources_proto = {res_list, res_read, NULL};

/* ---- the table ---- */

#define HIT_PROPS                                                                                  \
	"\"path\":{\"type\":\"string\"},\"uri\":{\"type\":\"string\"},"                          \
	"\"collection\":{\"type\":\"string\"},\"line_start\":{\"type\":\"integer\"},"            \
	"\"line_end\":{\"type\":\"integer\"},\"page\":{\"type\":\"integer\",\"description\":"    \
	"\"1-based page for PDFs, 0 otherwise\"},\"heading\":{\"type\":\"string\"},"             \
	"\"text\":{\"type\":\"string\"}"
#define HIT_REQUIRED "\"path\",\"uri\",\"collection\",\"line_start\",\"line_end\",\"page\",\"heading\",\"text\""

static const char search_in[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"query\":{\"type\":\"string\",\"description\":\"what to look for, in words\"},"
	"\"k\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,\"default\":10},"
	"\"mode\":{\"type\":\"string\",\"enum\":[\"hybrid\",\"lexical\",\"vector\"],\"default\":\"hybrid\"},"
	"\"collection\":{\"type\":\"string\",\"description\":\"only this collection\"},"
	"\"filters\":{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\","
	"\"description\":\"a glob the file's path must match, e.g. */guides/*.md\"}},"
	"\"additionalProperties\":false}},"
	"\"required\":[\"query\"],\"additionalProperties\":false}";
static const char search_out[] =
	"{\"type\":\"object\",\"properties\":{\"version\":{\"type\":\"integer\"},"
	"\"query\":{\"type\":\"string\"},\"hits\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"properties\":{" HIT_PROPS ",\"score\":{\"type\":\"number\"}},"
	"\"required\":[" HIT_REQUIRED ",\"score\"]}}},\"required\":[\"version\",\"query\",\"hits\"]}";
static const char source_in[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"path\":{\"type\":\"string\",\"description\":\"a path as search returns it, or a file:// URI\"},"
	"\"lines\":{\"type\":\"string\",\"pattern\":\"^[0-9]+(-[0-9]+)?$\","
	"\"description\":\"START-END or LINE, 1-based; the passages overlapping it\"}},"
	"\"required\":[\"path\"],\"additionalProperties\":false}";
static const char source_out[] =
	"{\"type\":\"object\",\"properties\":{\"version\":{\"type\":\"integer\"},"
	"\"path\":{\"type\":\"string\"},\"uri\":{\"type\":\"string\"},\"collection\":{\"type\":\"string\"},"
	"\"stale\":{\"type\":\"boolean\",\"description\":\"the file changed since it was indexed\"},"
	"\"missing\":{\"type\":\"boolean\",\"description\":\"the file is gone\"},"
	"\"passages\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{" HIT_PROPS "},"
	"\"required\":[" HIT_REQUIRED "]}}},"
	"\"required\":[\"version\",\"path\",\"uri\",\"collection\",\"stale\",\"missing\",\"passages\"]}";
static const char ask_in[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"question\":{\"type\":\"string\"},"
	"\"profile\":{\"type\":\"string\",\"description\":\"rag, hybrid, fine-tuned, offline or one from the "
	"config; default: the server's\"}},"
	"\"required\":[\"question\"],\"additionalProperties\":false}";
static const char ask_out[] =
	"{\"type\":\"object\",\"properties\":{\"version\":{\"type\":\"integer\"},"
	"\"answer\":{\"type\":\"string\",\"description\":\"with [n] markers naming citations[n-1]\"},"
	"\"outcome\":{\"type\":\"string\"},\"grounding\":{\"type\":[\"number\",\"null\"]},"
	"\"verification\":{\"type\":\"object\"},\"citations\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
	"\"profile\":{\"type\":\"string\"},\"provider\":{\"type\":\"string\"},\"model\":{\"type\":\"string\"},"
	"\"grounded\":{\"type\":\"boolean\"},\"provenance\":{\"type\":\"object\"}},"
	"\"required\":[\"version\",\"answer\",\"outcome\",\"citations\",\"profile\",\"provenance\"]}";

const struct mcp_tool mcp_tools[] = {
	{.name = "search", .title = "Search the documents",
	 .description = "Hybrid (BM25 + vector) search over the indexed documents. Returns passages "
			"with their file, line range (or PDF page), heading, score and text.",
	 .input_schema = search_in, .output_schema = search_out, .start = search_start},
	{.name = "ask", .title = "Answer from the documents, with citations",
	 .description = "Answers a question with a profile (retrieval + model), citing passages as [n]. "
			"Each cited sentence is verified against its passage; the result carries the "
			"grounding share and the provenance. Streams progress notifications.",
	 .input_schema = ask_in, .output_schema = ask_out, .start = ask_start, .cancel = ask_cancel},
	{.name = "get_source", .title = "Read a passage as indexed",
	 .description = "The indexed passages of a file (all, or those overlapping LINES), flagged stale "
			"when the file changed since it was indexed.",
	 .input_schema = source_in, .output_schema = source_out, .start = source_start},
};
const size_t mcp_ntools = sizeof mcp_tools / sizeof *mcp_tools;

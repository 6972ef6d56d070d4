/* config.c - the option table and the one YAML walker that reads it (see config.h).
 *
 * Every option is a row {name, type, offset, default, limits, help}. Structs (providers,
 * profiles, folders) are sub-tables; lists and name->struct maps hold arrays of them. The
 * walker descends the YAML document and the table together, so a new option is one row. */
#include "core/app/config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/wire/stream.h"

enum opt_type {
	T_STR,     /* char * */
	T_PATH,    /* char *, with ~/ expanded */
	T_INT,     /* int, min..max */
	T_NUM,     /* double, min..max */
	T_BOOL,    /* bool */
	T_ENUM,    /* int, index into choices */
	T_STRLIST, /* struct cfg_strs */
	T_STRMAP,  /* struct cfg_kvs */
	T_STRUCT,  /* an embedded struct described by sub */
	T_LIST,    /* array of sub structs: a YAML sequence */
	T_MAP,     /* array of sub structs keyed by name: a YAML mapping */
};

enum { OPT_SECRET = 1 }; /* never echo the value in a message */

struct schema;
struct opt {
	const char *name;
	enum opt_type type;
	size_t off;
	const char *def; /* default, in the same text form a YAML file would use */
	double min, max;
	const char *const *choices;
	const struct schema *sub;
	unsigned flags;
	const char *help;
};
struct schema {
	size_t size;       /* of one element, for T_LIST/T_MAP */
	size_t name_off;   /* T_MAP: where the entry's key goes (a char *) */
	const struct opt *opts;
};

/* Arrays in struct config are {T *v; size_t n;}; the walker sees them through this. */
struct vec {
	void *v;
	size_t n;
};

static const char *const kind_names[] = {"openai", "ollama", "builtin", NULL};
static const char *const policy_names[] = {"decline", "answer", "label", NULL};
static const char *const think_names[] = {"auto", "tag", "noopen", NULL}; /* enum stream_think */
_Static_assert(STREAM_THINK_AUTO == 0 && STREAM_THINK_TAG == 1 && STREAM_THINK_NOOPEN == 2,
	       "think_names follows enum stream_think");

#define O(st, f) offsetof(struct st, f)
#define END {NULL, 0, 0, NULL, 0, 0, NULL, NULL, 0, NULL}

static const struct opt provider_opts[] = {
	{"kind", T_ENUM, O(cfg_provider, kind), "openai", 0, 0, kind_names, NULL, 0,
	 "openai (any OpenAI-compatible server) | ollama | builtin (offline, answers from the documents)"},
	{"base_url", T_STR, O(cfg_provider, base_url), "http://127.0.0.1:8080/v1", 0, 0, NULL, NULL, 0,
	 "server address; for openai it ends in /v1, for ollama it is http://127.0.0.1:11434"},
	/* No default variable: a default would send the user's OpenAI key to every server. */
	{"api_key_env", T_STR, O(cfg_provider, api_key_env), "", 0, 0, NULL, NULL, 0,
	 "environment variable that holds the API key (empty = no key is sent)"},
	{"api_key_cmd", T_STR, O(cfg_provider, api_key_cmd), "", 0, 0, NULL, NULL, 0,
	 "command that prints the key, run once at start, e.g. \"pass show openai\""},
	{"api_key", T_STR, O(cfg_provider, api_key), "", 0, 0, NULL, NULL, OPT_SECRET,
	 "a literal key; refused unless the file is private (chmod 600). Prefer api_key_env"},
	{"timeout_s", T_INT, O(cfg_provider, timeout_s), "300", 1, 86400, NULL, NULL, 0,
	 "longest a whole answer may take"},
	{"connect_timeout_s", T_INT, O(cfg_provider, connect_timeout_s), "10", 1, 600, NULL, NULL, 0,
	 "longest to wait for the connection"},
	{"idle_timeout_s", T_INT, O(cfg_provider, idle_timeout_s), "60", 1, 3600, NULL, NULL, 0,
	 "longest silence (keep-alives count as traffic) before the stream is given up"},
	{"max_retries", T_INT, O(cfg_provider, max_retries), "3", 0, 10, NULL, NULL, 0,
	 "retries on 429/503 before the first token (honouring Retry-After)"},
	{"retry_cap_s", T_INT, O(cfg_provider, retry_cap_s), "30", 0, 600, NULL, NULL, 0,
	 "longest Retry-After that is waited for"},
	{"think", T_ENUM, O(cfg_provider, think), "auto", 0, 0, think_names, NULL, 0,
	 "reasoning in <think> blocks: auto (a block whose opening tag the server stripped is "
	 "looked for only for models known to do that, e.g. DeepSeek-R1), tag (only blocks that "
	 "open with <think>), noopen (always look for a stripped one)"},
	END,
};
static const struct schema provider_schema = {sizeof(struct cfg_provider), O(cfg_provider, name),
					      provider_opts};

static const char *const mode_names[] = {"hybrid", "lexical", "vector", NULL};
static const struct opt retrieval_opts[] = {
	{"enabled", T_BOOL, O(cfg_retrieval, enabled), "true", 0, 0, NULL, NULL, 0,
	 "search the documents before answering"},
	{"top_k", T_INT, O(cfg_retrieval, top_k), "6", 1, 100, NULL, NULL, 0,
	 "how many passages are given to the model"},
	{"collections", T_STRLIST, O(cfg_retrieval, collections), "", 0, 0, NULL, NULL, 0,
	 "collections this profile may read; empty = all"},
	{"mode", T_STR, O(cfg_retrieval, mode), "hybrid", 0, 0, mode_names, NULL, 0,
	 "hybrid | lexical | vector"},
	{"w_lexical", T_NUM, O(cfg_retrieval, w_lexical), "1.0", 0, 100, NULL, NULL, 0,
	 "weight of the lexical (BM25) ranking in the fusion"},
	{"w_vector", T_NUM, O(cfg_retrieval, w_vector), "1.0", 0, 100, NULL, NULL, 0,
	 "weight of the vector ranking in the fusion"},
	{"per_file_cap", T_INT, O(cfg_retrieval, per_file_cap), "3", 0, 100, NULL, NULL, 0,
	 "most passages from one file (0 = no cap)"},
	{"min_score", T_NUM, O(cfg_retrieval, min_score), "0", 0, 1000, NULL, NULL, 0,
	 "lexical score below which a passage is not evidence"},
	END,
};
static const struct schema retrieval_schema = {sizeof(struct cfg_retrieval), SIZE_MAX, retrieval_opts};

static const struct opt profile_opts[] = {
	{"provider", T_STR, O(cfg_profile, provider), "builtin", 0, 0, NULL, NULL, 0,
	 "name of a provider above, or builtin"},
	{"model", T_STR, O(cfg_profile, model), "", 0, 0, NULL, NULL, 0, "model id sent to the server"},
	{"system_prompt", T_STR, O(cfg_profile, system_prompt), "", 0, 0, NULL, NULL, 0,
	 "empty = footnote's prompt (asks for [n] citations when retrieving)"},
	{"temperature", T_NUM, O(cfg_profile, temperature), "0.2", 0, 2, NULL, NULL, 0,
	 "sampling temperature"},
	{"max_tokens", T_INT, O(cfg_profile, max_tokens), "0", 0, 1000000, NULL, NULL, 0,
	 "longest answer in tokens; 0 = the server's default"},
	{"context_tokens", T_INT, O(cfg_profile, context_tokens), "8192", 256, 10000000, NULL, NULL, 0,
	 "token budget of the whole prompt; lowest-ranked sources are dropped first"},
	{"no_evidence", T_ENUM, O(cfg_profile, no_evidence), "decline", 0, 0, policy_names, NULL, 0,
	 "when nothing relevant is found: decline | answer (marked not grounded) | label"},
	{"retrieval", T_STRUCT, O(cfg_profile, retrieval), NULL, 0, 0, NULL, &retrieval_schema, 0,
	 "retrieval settings"},
	END,
};
static const struct schema profile_schema = {sizeof(struct cfg_profile), O(cfg_profile, name),
					     profile_opts};

static const struct opt folder_opts[] = {
	{"path", T_PATH, O(cfg_folder, path), "", 0, 0, NULL, NULL, 0, "folder to index and watch"},
	{"collection", T_STR, O(cfg_folder, collection), "default", 0, 0, NULL, NULL, 0,
	 "collection name; profiles can be limited to collections"},
	END,
};
static const struct schema folder_schema = {sizeof(struct cfg_folder), SIZE_MAX, folder_opts};

static const char *const level_names[] = {"error", "warn", "info", "debug", NULL};

#define C(f) offsetof(struct config, f)
static const struct opt embedder_opts[] = {
	{"provider", T_STR, C(embedder.provider) - C(embedder), "builtin", 0, 0, NULL, NULL, 0,
	 "builtin (offline, no server) or the name of an openai/ollama provider"},
	{"model", T_STR, C(embedder.model) - C(embedder), "nomic-embed-text", 0, 0, NULL, NULL, 0,
	 "embedding model id for a server provider"},
	{"batch", T_INT, C(embedder.batch) - C(embedder), "32", 1, 2048, NULL, NULL, 0,
	 "texts per embedding request"},
	END,
};
static const struct schema embedder_schema = {0, SIZE_MAX, embedder_opts};

static const struct opt index_opts[] = {
	{"path", T_PATH, C(index.path) - C(index), "", 0, 0, NULL, NULL, 0,
	 "index directory; empty = one per folder set under the data directory"},
	{"folders", T_LIST, C(index.folders) - C(index), NULL, 0, 0, NULL, &folder_schema, 0,
	 "watched folders; empty = the current directory"},
	{"exclude", T_STRLIST, C(index.exclude) - C(index), "[.git, node_modules]", 0, 0, NULL, NULL, 0,
	 "globs matched against names and relative paths; .gitignore files are honoured too"},
	{"max_file_mb", T_INT, C(index.max_file_mb) - C(index), "32", 1, 4096, NULL, NULL, 0,
	 "larger files are skipped (and said so)"},
	{"language", T_STR, C(index.language) - C(index), "english", 0, 0, NULL, NULL, 0,
	 "Snowball stemmer language, or none"},
	{"chunk_chars", T_INT, C(index.chunk_chars) - C(index), "1500", 100, 20000, NULL, NULL, 0,
	 "target chunk size in characters (IDX_CHUNK_CHARS in index/idx.h says why 1500)"},
	{"overlap_chars", T_INT, C(index.overlap_chars) - C(index), "150", 0, 5000, NULL, NULL, 0,
	 "characters repeated between neighbouring chunks"},
	{"converters", T_STRMAP, C(index.converters) - C(index), "", 0, 0, NULL, NULL, 0,
	 "extension -> command printing the text, %s is the file, e.g. docx: \"pandoc -t plain %s\""},
	END,
};
static const struct schema index_schema = {0, SIZE_MAX, index_opts};

static const struct opt ui_opts[] = {
	{"theme", T_STR, C(ui.theme) - C(ui), "default", 0, 0, NULL, NULL, 0,
	 "a theme in themes/: default, light, mono"},
	{"sources_width", T_INT, C(ui.sources_width) - C(ui), "40", 20, 200, NULL, NULL, 0,
	 "width of the sources pane in columns"},
	{"mouse", T_BOOL, C(ui.mouse) - C(ui), "true", 0, 0, NULL, NULL, 0, "mouse wheel scrolls"},
	{"keys", T_STRMAP, C(ui.keys) - C(ui), "", 0, 0, NULL, NULL, 0,
	 "action -> key, e.g. toggle_sources: F3"},
	END,
};
static const struct schema ui_schema = {0, SIZE_MAX, ui_opts};

static const struct opt log_opts[] = {
	{"level", T_STR, C(log.level) - C(log), "info", 0, 0, level_names, NULL, 0,
	 "error | warn | info | debug"},
	END,
};
static const struct schema log_schema = {0, SIZE_MAX, log_opts};

static const struct opt top_opts[] = {
	{"providers", T_MAP, C(providers), NULL, 0, 0, NULL, &provider_schema, 0,
	 "model servers by name; a provider named builtin always exists"},
	{"embedder", T_STRUCT, C(embedder), NULL, 0, 0, NULL, &embedder_schema, 0, "how chunks are embedded"},
	{"index", T_STRUCT, C(index), NULL, 0, 0, NULL, &index_schema, 0, "what is indexed and where"},
	{"profiles", T_MAP, C(profiles), NULL, 0, 0, NULL, &profile_schema, 0,
	 "model + prompt + retrieval bundles, switched at any time"},
	{"default_profile", T_STR, C(default_profile), "rag", 0, 0, NULL, NULL, 0,
	 "profile used at start"},
	{"ui", T_STRUCT, C(ui), NULL, 0, 0, NULL, &ui_schema, 0, "terminal interface"},
	{"log", T_STRUCT, C(log), NULL, 0, 0, NULL, &log_schema, 0, "log file"},
	END,
};
static const struct schema top_schema = {sizeof(struct config), SIZE_MAX, top_opts};

/* ---- the walker --------------------------------------------------------------------- */

struct pos {
	const void *field;
	int line, col;
};

struct walker {
	const char *file;
	yaml_document_t *doc;
	struct buf err;   /* first error */
	struct pos *pos;  /* where each scalar came from, for later checks */
	size_t npos, cappos;
};

static void note_pos(struct walker *w, const void *field, const yaml_node_t *node)
{
	w->pos = xgrow(w->pos, &w->cappos, w->npos + 1, sizeof *w->pos);
	w->pos[w->npos++] = (struct pos){field, (int)node->start_mark.line + 1,
					 (int)node->start_mark.column + 1};
}

static const struct pos *find_pos(const struct walker *w, const void *field)
{
	for (size_t i = w->npos; i-- > 0;)
		if (w->pos[i].field == field)
			return &w->pos[i];
	return NULL;
}

/* Records the first error only: later ones are usually consequences. */
static int fail_at(struct walker *w, int line, int col, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int fail_at(struct walker *w, int line, int col, const char *key, const char *fmt, ...)
{
	if (w->err.len)
		return -1;
	char *file = sanitize_str(w->file, SAN_ONELINE);
	buf_addf(&w->err, "%s:%d:%d: %s: ", file, line, col, key);
	free(file);
	va_list ap;
	va_start(ap, fmt);
	char tmp[1024];
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	sanitize(tmp, strlen(tmp), SAN_ONELINE, &w->err);
	return -1;
}

static int fail_node(struct walker *w, const yaml_node_t *n, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail_node(struct walker *w, const yaml_node_t *n, const char *key, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	return fail_at(w, (int)n->start_mark.line + 1, (int)n->start_mark.column + 1, key, "%s", tmp);
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE: return "a mapping";
	case YAML_SEQUENCE_NODE: return "a list";
	default: return "a value";
	}
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *s = scalar(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* "${VAR}" and "${VAR:-default}" from the environment; "$$" is a literal "$". */
static int expand_env(const char *s, struct buf *out, char *why, size_t whylen)
{
	while (*s) {
		if (s[0] == '$' && s[1] == '$') {
			buf_addc(out, '$');
			s += 2;
			continue;
		}
		if (s[0] != '$' || s[1] != '{') {
			buf_addc(out, *s++);
			continue;
		}
		const char *end = strchr(s + 2, '}');
		if (!end) {
			snprintf(why, whylen, "unterminated ${ in \"%.60s\"", s);
			return -1;
		}
		char *name = xstrndup(s + 2, (size_t)(end - s - 2));
		char *dflt = strstr(name, ":-");
		if (dflt) {
			*dflt = '\0';
			dflt += 2;
		}
		const char *val = getenv(name);
		if (val && *val)
			buf_adds(out, val);
		else if (dflt)
			buf_adds(out, dflt);
		else {
			snprintf(why, whylen, "environment variable %.60s is not set (use ${%.60s:-default})",
				 name, name);
			free(name);
			return -1;
		}
		free(name);
		s = end + 1;
	}
	return 0;
}

static char *expand_home(const char *s)
{
	if (s[0] == '~' && (s[1] == '/' || s[1] == '\0')) {
		const char *home = getenv("HOME");
		return xasprintf("%s%s", home ? home : "", s + 1);
	}
	return xstrdup(s);
}

static void *field(void *base, const struct opt *o)
{
	return (char *)base + o->off;
}

static void choices_text(const char *const *c, struct buf *b)
{
	for (size_t i = 0; c[i]; i++)
		buf_addf(b, "%s%s", i ? (c[i + 1] ? ", " : " or ") : "", c[i]);
}

/* Parses one scalar text into the field; `n` is NULL while applying defaults. */
static int set_scalar(struct walker *w, void *base, const struct opt *o, const char *text,
		      const yaml_node_t *n, const char *key)
{
	void *f = field(base, o);
	char *end;
	int line = n ? (int)n->start_mark.line + 1 : 0, col = n ? (int)n->start_mark.column + 1 : 0;
	const char *shown = (o->flags & OPT_SECRET) ? "<hidden>" : text;

	switch (o->type) {
	case T_STR:
	case T_PATH: {
		struct buf b = {0};
		char why[256];
		if (n && expand_env(text, &b, why, sizeof why) < 0) {
			buf_free(&b);
			return fail_at(w, line, col, key, "%s", why);
		}
		if (!n)
			buf_adds(&b, text);
		if (o->choices) {
			bool ok = false;
			for (size_t i = 0; o->choices[i]; i++)
				ok |= !strcmp(o->choices[i], buf_str(&b));
			if (!ok) {
				struct buf c = {0};
				choices_text(o->choices, &c);
				fail_at(w, line, col, key, "expected %s, got \"%s\"", buf_str(&c), shown);
				buf_free(&c);
				buf_free(&b);
				return -1;
			}
		}
		char **dst = f;
		free(*dst);
		*dst = o->type == T_PATH ? expand_home(buf_str(&b)) : xstrdup(buf_str(&b));
		buf_free(&b);
		break;
	}
	case T_INT: {
		errno = 0;
		long v = strtol(text, &end, 10);
		if (!*text || *end || errno || v < o->min || v > o->max)
			return fail_at(w, line, col, key, "expected an integer %.0f..%.0f, got \"%s\"", o->min,
				       o->max, shown);
		*(int *)f = (int)v;
		break;
	}
	case T_NUM: {
		errno = 0;
		double v = strtod(text, &end);
		if (!*text || *end || errno || !isfinite(v) || v < o->min || v > o->max)
			return fail_at(w, line, col, key, "expected a number %g..%g, got \"%s\"", o->min, o->max,
				       shown);
		*(double *)f = v;
		break;
	}
	case T_BOOL: {
		static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "on", "On", NULL};
		static const char *const no[] = {"false", "False", "FALSE", "no", "No", "off", "Off", NULL};
		int v = -1;
		for (size_t i = 0; yes[i]; i++) {
			if (!strcmp(text, yes[i]))
				v = 1;
			if (!strcmp(text, no[i]))
				v = 0;
		}
		if (v < 0)
			return fail_at(w, line, col, key, "expected true or false, got \"%s\"", shown);
		*(bool *)f = v;
		break;
	}
	case T_ENUM: {
		for (int i = 0; o->choices[i]; i++) {
			if (!strcmp(o->choices[i], text)) {
				*(int *)f = i;
				return 0;
			}
		}
		struct buf c = {0};
		choices_text(o->choices, &c);
		fail_at(w, line, col, key, "expected %s, got \"%s\"", buf_str(&c), shown);
		buf_free(&c);
		return -1;
	}
	default:
		abort();
	}
	return 0;
}

static void apply_defaults(struct walker *w, const struct schema *s, void *base);

static void strs_add(struct cfg_strs *l, const char *s)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = xstrdup(s);
}

static void strs_free(struct cfg_strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void kvs_free(struct cfg_kvs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Defaults of list options are a flow list "[a, b]". */
static void default_strlist(struct cfg_strs *l, const char *def)
{
	strs_free(l);
	if (!def || def[0] != '[')
		return;
	const char *p = def + 1;
	while (*p && *p != ']') {
		while (*p == ' ' || *p == ',')
			p++;
		size_t n = strcspn(p, ",]");
		if (n) {
			char *item = xstrndup(p, n);
			strs_add(l, item);
			free(item);
		}
		p += n;
	}
}

static void free_struct(const struct schema *s, void *base);

static void free_vec(const struct schema *s, struct vec *v)
{
	for (size_t i = 0; i < v->n; i++)
		free_struct(s, (char *)v->v + i * s->size);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

static void free_struct(const struct schema *s, void *base)
{
	if (s->name_off != SIZE_MAX)
		free(*(char **)((char *)base + s->name_off));
	for (const struct opt *o = s->opts; o->name; o++) {
		void *f = field(base, o);
		switch (o->type) {
		case T_STR:
		case T_PATH:
			free(*(char **)f);
			*(char **)f = NULL;
			break;
		case T_STRLIST: strs_free(f); break;
		case T_STRMAP: kvs_free(f); break;
		case T_STRUCT: free_struct(o->sub, f); break;
		case T_LIST:
		case T_MAP: free_vec(o->sub, f); break;
		default: break;
		}
	}
}

static void apply_defaults(struct walker *w, const struct schema *s, void *base)
{
	for (const struct opt *o = s->opts; o->name; o++) {
		switch (o->type) {
		case T_STRLIST: default_strlist(field(base, o), o->def); break;
		case T_STRMAP:
		case T_LIST:
		case T_MAP: break;
		case T_STRUCT: apply_defaults(w, o->sub, field(base, o)); break;
		default:
			if (set_scalar(w, base, o, o->def, NULL, o->name) < 0)
				abort(); /* a default that does not parse is a bug in the table */
		}
	}
}

static int walk_struct(struct walker *w, const struct schema *s, void *base, yaml_node_t *n,
		       const char *path);

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40)
		return 99;
	size_t d[41][41];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
			d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
	return d[la][lb];
}

static int unknown_key(struct walker *w, const struct schema *s, yaml_node_t *k, const char *key)
{
	struct buf known = {0};
	const char *best = NULL;
	size_t bestd = 3;
	for (const struct opt *o = s->opts; o->name; o++) {
		buf_addf(&known, "%s%s", known.len ? ", " : "", o->name);
		size_t d = edit_distance(o->name, scalar(k));
		if (d < bestd)
			bestd = d, best = o->name;
	}
	if (best)
		fail_node(w, k, key, "unknown key (did you mean %s?)", best);
	else
		fail_node(w, k, key, "unknown key (known here: %s)", buf_str(&known));
	buf_free(&known);
	return -1;
}

static int walk_value(struct walker *w, const struct opt *o, void *base, yaml_node_t *v,
		      const char *key)
{
	void *f = field(base, o);
	switch (o->type) {
	case T_STRUCT:
		if (is_null(v))
			return 0;
		return walk_struct(w, o->sub, f, v, key);
	case T_STRLIST: {
		struct cfg_strs *l = f;
		if (is_null(v)) {
			strs_free(l);
			return 0;
		}
		if (v->type != YAML_SEQUENCE_NODE)
			return fail_node(w, v, key, "expected a list of strings, got %s", node_kind(v));
		strs_free(l);
		for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
			yaml_node_t *item = yaml_document_get_node(w->doc, *it);
			if (item->type != YAML_SCALAR_NODE)
				return fail_node(w, item, key, "expected a string, got %s", node_kind(item));
			struct buf b = {0};
			char why[256];
			if (expand_env(scalar(item), &b, why, sizeof why) < 0) {
				buf_free(&b);
				return fail_node(w, item, key, "%s", why);
			}
			strs_add(l, buf_str(&b));
			buf_free(&b);
		}
		return 0;
	}
	case T_STRMAP: {
		struct cfg_kvs *l = f;
		if (is_null(v))
			return 0;
		if (v->type != YAML_MAPPING_NODE)
			return fail_node(w, v, key, "expected a mapping of names to strings, got %s",
					 node_kind(v));
		for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
			yaml_node_t *val = yaml_document_get_node(w->doc, p->value);
			if (k->type != YAML_SCALAR_NODE || val->type != YAML_SCALAR_NODE)
				return fail_node(w, val, key, "expected name: \"string\" pairs, got %s",
						 node_kind(val));
			struct buf b = {0};
			char why[256];
			if (expand_env(scalar(val), &b, why, sizeof why) < 0) {
				buf_free(&b);
				return fail_node(w, val, key, "%s", why);
			}
			l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
			l->v[l->n++] = (struct cfg_kv){xstrdup(scalar(k)), buf_detach(&b),
						       (int)val->start_mark.line + 1, (int)val->start_mark.column + 1};
		}
		return 0;
	}
	case T_LIST:
	case T_MAP: {
		struct vec *vec = f;
		bool is_map = o->type == T_MAP;
		if (is_null(v))
			return 0;
		if (v->type != (is_map ? YAML_MAPPING_NODE : YAML_SEQUENCE_NODE))
			return fail_node(w, v, key, "expected %s, got %s",
					 is_map ? "a mapping of names to settings" : "a list", node_kind(v));
		free_vec(o->sub, vec);
		size_t count = is_map ? (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start)
				      : (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
		vec->v = xcalloc(count ? count : 1, o->sub->size);
		for (size_t i = 0; i < count; i++) {
			void *elem = (char *)vec->v + i * o->sub->size;
			yaml_node_t *val;
			char *sub;
			apply_defaults(w, o->sub, elem);
			vec->n = i + 1;
			if (is_map) {
				yaml_node_pair_t *p = &v->data.mapping.pairs.start[i];
				yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
				val = yaml_document_get_node(w->doc, p->value);
				if (k->type != YAML_SCALAR_NODE || !*scalar(k))
					return fail_node(w, k, key, "expected a name, got %s", node_kind(k));
				for (size_t j = 0; j < i; j++)
					if (!strcmp(*(char **)((char *)vec->v + j * o->sub->size + o->sub->name_off),
						    scalar(k)))
						return fail_node(w, k, key, "\"%s\" is defined twice", scalar(k));
				*(char **)((char *)elem + o->sub->name_off) = xstrdup(scalar(k));
				note_pos(w, (char *)elem + o->sub->name_off, k);
				sub = xasprintf("%s.%s", key, scalar(k));
			} else {
				val = yaml_document_get_node(w->doc, v->data.sequence.items.start[i]);
				sub = xasprintf("%s[%zu]", key, i);
			}
			int rc = is_null(val) ? 0 : walk_struct(w, o->sub, elem, val, sub);
			free(sub);
			if (rc < 0)
				return -1;
		}
		return 0;
	}
	default:
		if (is_null(v)) /* "key:" or "key: ~" keeps the default */
			return 0;
		if (v->type != YAML_SCALAR_NODE) {
			struct buf what = {0};
			switch (o->type) {
			case T_INT: buf_addf(&what, "an integer %.0f..%.0f", o->min, o->max); break;
			case T_NUM: buf_addf(&what, "a number %g..%g", o->min, o->max); break;
			case T_BOOL: buf_adds(&what, "true or false"); break;
			case T_ENUM: choices_text(o->choices, &what); break;
			default: buf_adds(&what, "a string"); break;
			}
			fail_node(w, v, key, "expected %s, got %s", buf_str(&what), node_kind(v));
			buf_free(&what);
			return -1;
		}
		note_pos(w, f, v);
		return set_scalar(w, base, o, scalar(v), v, key);
	}
}

static int walk_struct(struct walker *w, const struct schema *s, void *base, yaml_node_t *n,
		       const char *path)
{
	if (n->type != YAML_MAPPING_NODE)
		return fail_node(w, n, *path ? path : "(top)", "expected a mapping of settings, got %s",
				 node_kind(n));
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
		if (k->type != YAML_SCALAR_NODE)
			return fail_node(w, k, *path ? path : "(top)", "expected a key name, got %s",
					 node_kind(k));
		char *key = *path ? xasprintf("%s.%s", path, scalar(k)) : xstrdup(scalar(k));
		for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *prev = yaml_document_get_node(w->doc, q->key);
			if (prev->type == YAML_SCALAR_NODE && !strcmp(scalar(prev), scalar(k))) {
				fail_node(w, k, key, "duplicate key (first at line %d)",
					  (int)prev->start_mark.line + 1);
				free(key);
				return -1;
			}
		}
		const struct opt *o = s->opts;
		while (o->name && strcmp(o->name, scalar(k)))
			o++;
		int rc = o->name ? walk_value(w, o, base, v, key) : unknown_key(w, s, k, key);
		free(key);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- after the walk: defaults that depend on other keys, cross-checks, paths ---------- */

static char *xdg_dir(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	if (v && v[0] == '/')
		return xstrdup(v);
	const char *home = getenv("HOME");
	return xasprintf("%s/%s", home && *home ? home : "/tmp", fallback);
}

static struct cfg_provider *add_provider(struct config *c, const char *name, int kind)
{
	struct walker w = {0};
	c->providers.v = xrealloc(c->providers.v, (c->providers.n + 1) * sizeof *c->providers.v);
	struct cfg_provider *p = &c->providers.v[c->providers.n++];
	memset(p, 0, sizeof *p);
	apply_defaults(&w, &provider_schema, p);
	p->name = xstrdup(name);
	p->kind = kind;
	return p;
}

static struct cfg_profile *add_profile(struct config *c, const char *name)
{
	struct walker w = {0};
	c->profiles.v = xrealloc(c->profiles.v, (c->profiles.n + 1) * sizeof *c->profiles.v);
	struct cfg_profile *p = &c->profiles.v[c->profiles.n++];
	memset(p, 0, sizeof *p);
	apply_defaults(&w, &profile_schema, p);
	p->name = xstrdup(name);
	return p;
}

/* The themes shipped with footnote: next to the binary's source tree when run from a
 * checkout (build/MODE/footnote -> ../../themes), else the install prefix. */
static char *installed_themes(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 4; up++) {
			char *slash = strrchr(exe, '/');
			if (!slash)
				break;
			*slash = '\0';
			char *t = xasprintf("%s/themes/default.yaml", exe);
			bool ok = access(t, R_OK) == 0;
			free(t);
			if (ok)
				return xasprintf("%s/themes", exe);
		}
	}
	return xstrdup("/usr/local/share/footnote/themes");
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int finish(struct walker *w, struct config *c, bool from_file)
{
	struct stat st;

	/* Before anything moves the arrays: positions are recorded by field address. */
	/* A key written into the file must not be readable by anyone else. */
	for (size_t i = 0; from_file && i < c->providers.n; i++) {
		const struct pos *ps = find_pos(w, &c->providers.v[i].api_key);
		if (!ps || !*c->providers.v[i].api_key)
			continue;
		if (stat(c->file, &st) == 0 && (st.st_mode & 077)) {
			char *file = sanitize_str(c->file, SAN_ONELINE);
			char *key = xasprintf("providers.%s.api_key", c->providers.v[i].name);
			fail_at(w, ps->line, ps->col, key,
				"this file holds an API key and others can read it; run: chmod 600 %s "
				"(or use api_key_env / api_key_cmd)", file);
			free(key);
			free(file);
			return -1;
		}
	}

	/* A provider named builtin always exists, so profiles can fall back to it. */
	if (!config_provider(c, "builtin"))
		add_provider(c, "builtin", PROVIDER_BUILTIN);
	if (c->profiles.n == 0) {
		struct cfg_profile *p = add_profile(c, "rag");
		free(p->provider);
		p->provider = xstrdup("builtin");
	}

	if (c->index.folders.n == 0) {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd))
			snprintf(cwd, sizeof cwd, ".");
		c->index.folders.v = xcalloc(1, sizeof *c->index.folders.v);
		c->index.folders.n = 1;
		c->index.folders.v[0].path = xstrdup(cwd);
		c->index.folders.v[0].collection = xstrdup("default");
	}
	for (size_t i = 0; i < c->index.folders.n; i++) {
		struct cfg_folder *f = &c->index.folders.v[i];
		if (!f->path || !*f->path) {
			const struct pos *p = find_pos(w, &f->path);
			char *key = xasprintf("index.folders[%zu].path", i);
			fail_at(w, p ? p->line : 0, p ? p->col : 0, key, "expected a folder, got nothing");
			free(key);
			return -1;
		}
	}

	char *cfg_home = xdg_dir("XDG_CONFIG_HOME", ".config");
	char *data_home = xdg_dir("XDG_DATA_HOME", ".local/share");
	char *state_home = xdg_dir("XDG_STATE_HOME", ".local/state");
	c->config_dir = xasprintf("%s/footnote", cfg_home);
	c->data_dir = xasprintf("%s/footnote", data_home);
	c->state_dir = xasprintf("%s/footnote", state_home);
	c->sessions_dir = xasprintf("%s/sessions", c->data_dir);
	c->history_file = xasprintf("%s/history", c->data_dir);
	c->log_file = xasprintf("%s/footnote.log", c->state_dir);
	free(cfg_home);
	free(data_home);
	free(state_home);
	char *user_themes = xasprintf("%s/themes", c->config_dir);
	c->themes_dir = stat(user_themes, &st) == 0 ? user_themes : (free(user_themes), installed_themes());

	/* One index per folder set: name it after the first folder, keyed by all of them. */
	if (!c->index.path || !*c->index.path) {
		struct buf key = {0};
		for (size_t i = 0; i < c->index.folders.n; i++)
			buf_addf(&key, "%s\n", c->index.folders.v[i].path);
		const char *first = c->index.folders.v[0].path;
		const char *base = strrchr(first, '/');
		base = base && base[1] ? base + 1 : "root";
		free(c->index.path);
		c->index.path = xasprintf("%s/index/%s-%08llx", c->data_dir, base,
					  (unsigned long long)(fnv1a(buf_str(&key)) & 0xffffffffu));
		buf_free(&key);
	}

	/* Cross-references. */
	for (size_t i = 0; i < c->profiles.n; i++) {
		struct cfg_profile *p = &c->profiles.v[i];
		const struct cfg_provider *prov = config_provider(c, p->provider);
		if (!prov) {
			const struct pos *ps = find_pos(w, &p->provider);
			char *key = xasprintf("profiles.%s.provider", p->name);
			struct buf names = {0};
			for (size_t j = 0; j < c->providers.n; j++)
				buf_addf(&names, "%s%s", j ? ", " : "", c->providers.v[j].name);
			fail_at(w, ps ? ps->line : 0, ps ? ps->col : 0, key,
				"expected the name of a provider (%s), got \"%s\"", buf_str(&names), p->provider);
			buf_free(&names);
			free(key);
			return -1;
		}
		if (prov->kind != PROVIDER_BUILTIN && (!p->model || !*p->model)) {
			const struct pos *ps = find_pos(w, &p->name);
			char *key = xasprintf("profiles.%s.model", p->name);
			fail_at(w, ps ? ps->line : 0, ps ? ps->col : 0, key,
				"expected a model id for provider %s, got nothing", prov->name);
			free(key);
			return -1;
		}
	}
	if (!config_profile(c, c->default_profile)) {
		const struct pos *ps = find_pos(w, &c->default_profile);
		if (ps) {
			struct buf names = {0};
			for (size_t j = 0; j < c->profiles.n; j++)
				buf_addf(&names, "%s%s", j ? ", " : "", c->profiles.v[j].name);
			fail_at(w, ps->line, ps->col, "default_profile",
				"expected the name of a profile (%s), got \"%s\"", buf_str(&names),
				c->default_profile);
			buf_free(&names);
			return -1;
		}
		/* Not set and no "rag" profile: the first one. */
		free(c->default_profile);
		c->default_profile = xstrdup(c->profiles.v[0].name);
	}
	if (strcmp(c->embedder.provider, "builtin")) {
		const struct cfg_provider *prov = config_provider(c, c->embedder.provider);
		const struct pos *ps = find_pos(w, &c->embedder.provider);
		if (!prov || prov->kind == PROVIDER_BUILTIN)
			return fail_at(w, ps ? ps->line : 0, ps ? ps->col : 0, "embedder.provider",
				       "expected builtin or the name of an openai/ollama provider, got \"%s\"",
				       c->embedder.provider);
	}

	return 0;
}

static int load_file(struct walker *w, struct config *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail_at(w, 0, 0, "(file)", "cannot open: %s", strerror(errno));
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	int rc = 0;
	if (!yaml_parser_load(&parser, &doc)) {
		rc = fail_at(w, (int)parser.problem_mark.line + 1, (int)parser.problem_mark.column + 1,
			     "(syntax)", "%s%s%s", parser.problem ? parser.problem : "YAML error",
			     parser.context ? " " : "", parser.context ? parser.context : "");
	} else {
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		w->doc = &doc;
		if (root && !is_null(root))
			rc = walk_struct(w, &top_schema, c, root, "");
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

static struct config *new_config(struct walker *w)
{
	struct config *c = xcalloc(1, sizeof *c);
	apply_defaults(w, &top_schema, c);
	return c;
}

int config_load(const char *explicit_file, struct config **out, char **err)
{
	struct walker w = {0};
	struct config *c = new_config(&w);
	const char *env = getenv("FOOTNOTE_CONFIG");
	char *path = NULL;
	bool must_exist = true;

	if (explicit_file)
		path = xstrdup(explicit_file);
	else if (env && *env)
		path = xstrdup(env);
	else {
		char *home = xdg_dir("XDG_CONFIG_HOME", ".config");
		path = xasprintf("%s/footnote/config.yaml", home);
		free(home);
		must_exist = false;
	}
	w.file = path;
	int rc = 0;
	if (must_exist || access(path, F_OK) == 0) {
		c->file = xstrdup(path);
		rc = load_file(&w, c, path);
	}
	if (rc == 0)
		rc = finish(&w, c, c->file != NULL);
	free(path);
	free(w.pos);
	if (rc < 0) {
		*err = buf_detach(&w.err);
		config_free(c);
		*out = NULL;
		return -1;
	}
	buf_free(&w.err);
	*out = c;
	return 0;
}

struct config *config_defaults(void)
{
	struct walker w = {0};
	struct config *c = new_config(&w);
	if (finish(&w, c, false) < 0)
		abort();
	buf_free(&w.err);
	free(w.pos);
	return c;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	free_struct(&top_schema, c);
	free(c->file);
	free(c->config_dir);
	free(c->data_dir);
	free(c->state_dir);
	free(c->sessions_dir);
	free(c->history_file);
	free(c->log_file);
	free(c->themes_dir);
	free(c);
}

const struct cfg_provider *config_provider(const struct config *c, const char *name)
{
	for (size_t i = 0; name && i < c->providers.n; i++)
		if (!strcmp(c->providers.v[i].name, name))
			return &c->providers.v[i];
	return NULL;
}

const struct cfg_profile *config_profile(const struct config *c, const char *name)
{
	for (size_t i = 0; name && i < c->profiles.n; i++)
		if (!strcmp(c->profiles.v[i].name, name))
			return &c->profiles.v[i];
	return NULL;
}

const char *provider_kind_name(int kind)
{
	return kind >= 0 && kind <= PROVIDER_BUILTIN ? kind_names[kind] : "?";
}

const char *no_evidence_name(int policy)
{
	return policy >= 0 && policy <= NO_EVIDENCE_LABEL ? policy_names[policy] : "?";
}

static void each_key(const struct schema *s, const char *path,
		     void (*fn)(void *, const char *, const char *, const char *), void *ctx)
{
	for (const struct opt *o = s->opts; o->name; o++) {
		char *p = *path ? xasprintf("%s.%s", path, o->name) : xstrdup(o->name);
		fn(ctx, p, o->def ? o->def : "", o->help);
		if (o->sub) {
			char *sub = o->type == T_MAP ? xasprintf("%s.*", p)
				    : o->type == T_LIST ? xasprintf("%s[]", p) : xstrdup(p);
			each_key(o->sub, sub, fn, ctx);
			free(sub);
		}
		free(p);
	}
}

void config_each_key(void (*fn)(void *ctx, const char *path, const char *def, const char *help),
		     void *ctx)
{
	each_key(&top_schema, "", fn, ctx);
}

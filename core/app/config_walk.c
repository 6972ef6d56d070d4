/* config_walk.c - the one YAML walker (config_schema.h): descends libyaml's document and the
 * option table together, sets each field from its row, applies defaults written as text, frees
 * what it set, and records where every scalar came from so later checks can point at it. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/app/config_schema.h"

struct vec {
	void *v;
	size_t n;
};

/* ---- the walker --------------------------------------------------------------------- */


static void note_pos(struct walker *w, const void *field, const yaml_node_t *node)
{
	w->pos = xgrow(w->pos, &w->cappos, w->npos + 1, sizeof *w->pos);
	w->pos[w->npos++] = (struct pos){field, (int)node->start_mark.line + 1,
					 (int)node->start_mark.column + 1};
}

const struct pos *cfgw_find_pos(const struct walker *w, const void *field)
{
	for (size_t i = w->npos; i-- > 0;)
		if (w->pos[i].field == field)
			return &w->pos[i];
	return NULL;
}

/* Records the first error only: later ones are usually consequences. */
static int fail_va(struct walker *w, int line, int col, const char *key, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
static int fail_va(struct walker *w, int line, int col, const char *key, const char *fmt, va_list ap)
{
	if (w->err.len)
		return -1;
	char *file = sanitize_str(w->file, SAN_ONELINE);
	buf_addf(&w->err, "%s:%d:%d: %s: ", file, line, col, key);
	free(file);
	char tmp[1024];
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	sanitize(tmp, strlen(tmp), SAN_ONELINE, &w->err);
	return -1;
}

int cfgw_fail_at(struct walker *w, int line, int col, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_va(w, line, col, key, fmt, ap);
	va_end(ap);
	return -1;
}

int cfgw_fail_field(struct walker *w, const void *field, const char *key, const char *fmt, ...)
{
	const struct pos *ps = cfgw_find_pos(w, field);
	va_list ap;
	va_start(ap, fmt);
	fail_va(w, ps ? ps->line : 0, ps ? ps->col : 0, key, fmt, ap);
	va_end(ap);
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
	return cfgw_fail_at(w, (int)n->start_mark.line + 1, (int)n->start_mark.column + 1, key, "%s", tmp);
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

bool cfgw_is_null(const yaml_node_t *n)
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
			return cfgw_fail_at(w, line, col, key, "%s", why);
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
				cfgw_fail_at(w, line, col, key, "expected %s, got \"%s\"", buf_str(&c), shown);
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
			return cfgw_fail_at(w, line, col, key, "expected an integer %.0f..%.0f, got \"%s\"", o->min,
				       o->max, shown);
		*(int *)f = (int)v;
		break;
	}
	case T_NUM: {
		errno = 0;
		double v = strtod(text, &end);
		if (!*text || *end || errno || !isfinite(v) || v < o->min || v > o->max)
			return cfgw_fail_at(w, line, col, key, "expected a number %g..%g, got \"%s\"", o->min, o->max,
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
			return cfgw_fail_at(w, line, col, key, "expected true or false, got \"%s\"", shown);
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
		cfgw_fail_at(w, line, col, key, "expected %s, got \"%s\"", buf_str(&c), shown);
		buf_free(&c);
		return -1;
	}
	default:
		abort();
	}
	return 0;
}


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


static void free_vec(const struct schema *s, struct vec *v)
{
	for (size_t i = 0; i < v->n; i++)
		cfgw_free(s, (char *)v->v + i * s->size);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

void cfgw_free(const struct schema *s, void *base)
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
		case T_STRUCT: cfgw_free(o->sub, f); break;
		case T_LIST:
		case T_MAP: free_vec(o->sub, f); break;
		default: break;
		}
	}
}

void cfgw_defaults(struct walker *w, const struct schema *s, void *base)
{
	for (const struct opt *o = s->opts; o->name; o++) {
		switch (o->type) {
		case T_STRLIST: default_strlist(field(base, o), o->def); break;
		case T_STRMAP:
		case T_LIST:
		case T_MAP: break;
		case T_STRUCT: cfgw_defaults(w, o->sub, field(base, o)); break;
		default:
			if (set_scalar(w, base, o, o->def, NULL, o->name) < 0)
				abort(); /* a default that does not parse is a bug in the table */
		}
	}
}


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
		if (cfgw_is_null(v))
			return 0;
		return cfgw_walk(w, o->sub, f, v, key);
	case T_STRLIST: {
		struct cfg_strs *l = f;
		if (cfgw_is_null(v)) {
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
		if (cfgw_is_null(v))
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
		if (cfgw_is_null(v))
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
			cfgw_defaults(w, o->sub, elem);
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
			int rc = cfgw_is_null(val) ? 0 : cfgw_walk(w, o->sub, elem, val, sub);
			free(sub);
			if (rc < 0)
				return -1;
		}
		return 0;
	}
	default:
		if (cfgw_is_null(v)) /* "key:" or "key: ~" keeps the default */
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

int cfgw_walk(struct walker *w, const struct schema *s, void *base, yaml_node_t *n, const char *path)
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

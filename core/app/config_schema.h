/* config_schema.h - the shape of the option table (internal to core/app/config*.c): every
 * option is a row {name, type, offset, default, limits, choices, sub-table, flags, help}, written
 * with designated initializers in config_table.c and read by the one walker in config.c. */
#ifndef FN_CONFIG_SCHEMA_H
#define FN_CONFIG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "base/buf.h"

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

/* ---- the walker (config_walk.c) ---- */
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

/* Where the scalar stored at field came from, or NULL. */
const struct pos *cfgw_find_pos(const struct walker *w, const void *field);
/* Records the first error only ("FILE:LINE:COL: key: message"); returns -1. */
int cfgw_fail_at(struct walker *w, int line, int col, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The same at the position the scalar stored at field came from (0:0 when unknown). */
int cfgw_fail_field(struct walker *w, const void *field, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A plain empty scalar, "~" or "null". */
bool cfgw_is_null(const yaml_node_t *n);
/* Sets every option of s in base to its default. */
void cfgw_defaults(struct walker *w, const struct schema *s, void *base);
/* Frees what the walker set in base (strings, lists, sub-structs). */
void cfgw_free(const struct schema *s, void *base);
/* Walks mapping n into base; path is the key path so far ("" at the top). 0 or -1. */
int cfgw_walk(struct walker *w, const struct schema *s, void *base, yaml_node_t *n, const char *path);

/* The tables (config_table.c). */
extern const struct schema config_top_schema;
extern const struct schema config_provider_schema; /* one providers: entry */
extern const struct schema config_profile_schema;  /* one profiles: entry */
extern const char *const config_kind_names[];      /* enum provider_kind, NULL-terminated */
extern const char *const config_policy_names[];    /* enum no_evidence, NULL-terminated */

#endif

/* theme.c - themes/NAME.yaml to slot styles (see theme.h). */
#include "ui/render/theme.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"

static const struct slot_style builtin[SLOT_COUNT] = {
	[SLOT_DEFAULT] = {-1, -1, 0, 0, 0, 0, 0},
	[SLOT_CHAT_USER] = {75, -1, 1, 0, 0, 0, 0},
	[SLOT_CHAT_ASSISTANT] = {-1, -1, 0, 0, 0, 0, 0},
	[SLOT_CHAT_META] = {244, -1, 0, 0, 0, 0, 0},
	[SLOT_CHAT_CITATION] = {214, -1, 1, 0, 0, 0, 0},
	[SLOT_CHAT_CITATION_BAD] = {203, -1, 1, 0, 0, 1, 0},
	[SLOT_CHAT_HEADING] = {111, -1, 1, 0, 0, 0, 0},
	[SLOT_CHAT_ERROR] = {203, -1, 0, 0, 0, 0, 0},
	[SLOT_CHAT_REASONING] = {242, -1, 0, 0, 1, 0, 0},
	[SLOT_CODE] = {223, 236, 0, 0, 0, 0, 0},
	[SLOT_SOURCES_TITLE] = {75, -1, 1, 0, 0, 0, 0},
	[SLOT_SOURCES_PATH] = {150, -1, 0, 0, 0, 0, 0},
	[SLOT_SOURCES_SELECTED] = {16, 75, 0, 0, 0, 0, 0},
	[SLOT_SOURCES_UNCITED] = {242, -1, 0, 0, 0, 0, 0},
	[SLOT_SOURCES_STALE] = {208, -1, 0, 0, 1, 0, 0},
	[SLOT_INPUT] = {-1, -1, 0, 0, 0, 0, 0},
	[SLOT_INPUT_PROMPT] = {75, -1, 1, 0, 0, 0, 0},
	[SLOT_STATUS] = {252, 238, 0, 0, 0, 0, 0},
	[SLOT_STATUS_STREAMING] = {16, 114, 0, 0, 0, 0, 0},
	[SLOT_STATUS_ERROR] = {231, 160, 0, 0, 0, 0, 0},
	[SLOT_STATUS_PROFILE] = {16, 111, 1, 0, 0, 0, 0},
	[SLOT_BORDER] = {240, -1, 0, 0, 0, 0, 0},
	[SLOT_BORDER_FOCUS] = {75, -1, 0, 0, 0, 0, 0},
	[SLOT_CHAT_EMPHASIS] = {-1, -1, 0, 0, 1, 0, 0},
	[SLOT_CHAT_STRONG] = {-1, -1, 1, 0, 0, 0, 0},
	[SLOT_CHAT_LINK] = {80, -1, 0, 0, 0, 1, 0},
	[SLOT_CHAT_QUOTE] = {250, -1, 0, 0, 1, 0, 0},
	[SLOT_CHAT_SEARCH] = {16, 220, 0, 0, 0, 0, 0},
	[SLOT_CHAT_UNCITED] = {180, -1, 0, 0, 1, 0, 0},
	[SLOT_CODE_INLINE] = {223, 236, 0, 0, 0, 0, 0},
	[SLOT_SOURCES_MATCH] = {220, -1, 1, 0, 0, 0, 0},
	[SLOT_MARKER] = {203, -1, 0, 0, 0, 0, 1},
	[SLOT_CHAT_UNSUPPORTED] = {176, -1, 0, 0, 0, 1, 0},
	[SLOT_CHAT_ATTACHED] = {214, -1, 0, 0, 1, 0, 0},
	[SLOT_SOURCES_VERIFIED] = {114, -1, 0, 0, 0, 0, 0},
	[SLOT_SOURCES_UNSUPPORTED] = {203, -1, 0, 0, 0, 0, 0},
};

static const char *const colour_names[] = {"black", "red", "green", "yellow", "blue", "magenta",
					   "cyan", "white"};

static int parse_colour(const char *s)
{
	if (!strcmp(s, "default"))
		return -1;
	bool bright = !strncmp(s, "bright-", 7);
	const char *n = bright ? s + 7 : s;
	for (int i = 0; i < 8; i++)
		if (!strcmp(n, colour_names[i]))
			return i + (bright ? 8 : 0);
	char *end;
	long v = strtol(s, &end, 10);
	if (*s && !*end && v >= 0 && v <= 255)
		return (int)v;
	return -2;
}

struct ctx {
	const char *file;
	yaml_document_t *doc;
	struct buf warn;
};

static void warn_at(struct ctx *c, yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warn_at(struct ctx *c, yaml_node_t *n, const char *fmt, ...)
{
	if (c->warn.len)
		buf_adds(&c->warn, "; ");
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	buf_addf(&c->warn, "%s:%zu: ", c->file, n->start_mark.line + 1);
	sanitize(msg, strlen(msg), SAN_ONELINE, &c->warn);
}

static const char *val(yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";
}

/* Applies one slot's {fg, bg, attrs}; on any bad value the slot keeps its default. */
static void apply_slot(struct ctx *c, const char *name, yaml_node_t *v, struct slot_style *out)
{
	struct slot_style s = {-1, -1, 0, 0, 0, 0, 0};
	if (v->type != YAML_MAPPING_NODE) {
		warn_at(c, v, "%s: expected {fg, bg, attrs}", name);
		return;
	}
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *x = yaml_document_get_node(c->doc, p->value);
		const char *key = val(k);
		if (!strcmp(key, "fg") || !strcmp(key, "bg")) {
			int col = parse_colour(val(x));
			if (col == -2) {
				warn_at(c, x, "%s: expected a colour name or 0..255, got \"%s\"", name, val(x));
				return;
			}
			*(key[0] == 'f' ? &s.fg : &s.bg) = col;
		} else if (!strcmp(key, "attrs")) {
			if (x->type != YAML_SEQUENCE_NODE) {
				warn_at(c, x, "%s: attrs: expected a list like [bold, underline]", name);
				return;
			}
			for (yaml_node_item_t *it = x->data.sequence.items.start; it < x->data.sequence.items.top; it++) {
				const char *a = val(yaml_document_get_node(c->doc, *it));
				if (!strcmp(a, "bold"))
					s.bold = true;
				else if (!strcmp(a, "dim"))
					s.dim = true;
				else if (!strcmp(a, "italic"))
					s.italic = true;
				else if (!strcmp(a, "underline"))
					s.underline = true;
				else if (!strcmp(a, "reverse"))
					s.reverse = true;
				else {
					warn_at(c, x, "%s: unknown attribute \"%s\"", name, a);
					return;
				}
			}
		} else {
			warn_at(c, k, "%s: unknown key \"%s\" (fg, bg, attrs)", name, key);
			return;
		}
	}
	*out = s;
}

int theme_load(const char *dir, const char *name, struct slot_style *styles, char **warn)
{
	memcpy(styles, builtin, sizeof builtin);
	*warn = NULL;
	char *path = xasprintf("%s/%s.yaml", dir, name);
	struct ctx c = {path, NULL, {0}};
	FILE *f = fopen(path, "rb");
	if (!f) {
		char *safe = sanitize_str(name, SAN_ONELINE);
		*warn = xasprintf("theme \"%s\" not found in %s; using the default colours", safe, dir);
		free(safe);
		free(path);
		return -1;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		buf_addf(&c.warn, "%s:%zu: %s", path, parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "YAML error");
	} else {
		c.doc = &doc;
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		yaml_node_t *slots = NULL;
		if (root && root->type == YAML_MAPPING_NODE)
			for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++)
				if (!strcmp(val(yaml_document_get_node(&doc, p->key)), "slots"))
					slots = yaml_document_get_node(&doc, p->value);
		if (slots && slots->type == YAML_MAPPING_NODE) {
			for (yaml_node_pair_t *p = slots->data.mapping.pairs.start; p < slots->data.mapping.pairs.top; p++) {
				yaml_node_t *k = yaml_document_get_node(&doc, p->key);
				int slot = slot_from_name(val(k));
				/* Slots of later versions are ignored, so old builds read new themes. */
				if (slot >= 0)
					apply_slot(&c, val(k), yaml_document_get_node(&doc, p->value), &styles[slot]);
			}
		} else if (root) {
			warn_at(&c, root, "expected a mapping \"slots:\"");
		}
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	free(path);
	if (c.warn.len)
		*warn = buf_detach(&c.warn);
	return 0;
}

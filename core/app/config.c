/* config.c - loading the configuration (see config.h): the file or the built-in defaults,
 * walked against the option table (config_table.c) by the one walker (config_walk.c), then
 * the checks across options (a profile's provider exists, a literal key sits in a private
 * file...) and the derived paths. */
#include "core/app/config.h"

#include <dirent.h>
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
#include "core/app/config_schema.h"
#include "core/app/datadir.h"
#include "index/idx.h"

/* Arrays in struct config are {T *v; size_t n;}; the walker sees them through this. */
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
	cfgw_defaults(&w, &config_provider_schema, p);
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
	cfgw_defaults(&w, &config_profile_schema, p);
	p->name = xstrdup(name);
	return p;
}

/* The themes shipped with footnote (core/app/datadir.h says where they are looked for). */
static char *installed_themes(void)
{
	return xasprintf("%s/themes", app_data_dir());
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

const char *const config_builtin_profiles[] = {"rag", "fine-tuned", "hybrid", "offline", NULL};

/* Where a user would write a profile: the file read, else the one `footnote init` writes. */
static char *config_target(const struct config *c)
{
	if (c->file)
		return sanitize_str(c->file, SAN_ONELINE);
	char *home = xdg_dir("XDG_CONFIG_HOME", ".config");
	char *path = xasprintf("%s/footnote/config.yaml", home);
	free(home);
	char *safe = sanitize_str(path, SAN_ONELINE);
	free(path);
	return safe;
}

/* The sentence a stand-in for the fine-tuned model says when it is picked or used. */
static char *stand_in_notice(const struct config *c, const struct cfg_profile *p)
{
	const struct cfg_provider *prov = config_provider(c, p->provider);
	char *target = config_target(c);
	char *who = !prov || prov->kind == PROVIDER_BUILTIN
			    ? xstrdup("the builtin extractive answerer (no model) quotes your documents")
			    : xasprintf("the base model %s (provider %s) answers", p->model, prov->name);
	char *safe_who = sanitize_str(who, SAN_ONELINE);
	char *n = xasprintf("profile %s: no fine-tuned model is configured, so %s; to set one, add to "
			    "%s%s: profiles: {fine-tuned: {provider: NAME, model: YOUR-FINE-TUNE}}",
			    p->name, safe_who, target, c->file ? "" : " (footnote init writes it)");
	free(who);
	free(safe_who);
	free(target);
	return n;
}

static void set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v ? v : "");
}

/* rag, fine-tuned, hybrid and offline always exist (config.h says what each one is). */
static void builtin_profiles(struct config *c)
{
	/* Indexes, not pointers: add_profile moves the array. */
	size_t rag = SIZE_MAX, ft = SIZE_MAX;
	for (size_t i = 0; i < c->profiles.n; i++) {
		if (!strcmp(c->profiles.v[i].name, "rag"))
			rag = i;
		else if (!strcmp(c->profiles.v[i].name, "fine-tuned"))
			ft = i;
	}
	if (rag == SIZE_MAX) {
		struct cfg_profile *p = add_profile(c, "rag");
		set_str(&p->provider, "builtin");
		p->builtin = true;
		rag = c->profiles.n - 1;
	}
	bool have_ft = ft != SIZE_MAX;
	if (!have_ft) {
		struct cfg_profile *p = add_profile(c, "fine-tuned");
		set_str(&p->provider, c->profiles.v[rag].provider);
		set_str(&p->model, c->profiles.v[rag].model);
		/* The builtin answerer needs passages; a model does not. */
		p->retrieval.enabled = !strcmp(p->provider, "builtin");
		p->builtin = true;
		ft = c->profiles.n - 1;
	}
	if (!config_profile(c, "hybrid")) {
		struct cfg_profile *p = add_profile(c, "hybrid");
		const struct cfg_profile *from = have_ft ? &c->profiles.v[ft] : &c->profiles.v[rag];
		set_str(&p->provider, from->provider);
		set_str(&p->model, from->model);
		/* The same fine-tune: its adapter, checkpoint and data go with it. */
		set_str(&p->adapter, from->adapter);
		p->adapter_scale = from->adapter_scale;
		set_str(&p->checkpoint, from->checkpoint);
		set_str(&p->dataset_version, from->dataset_version);
		p->retrieval.top_k = 4;
		p->no_evidence = NO_EVIDENCE_LABEL;
		p->builtin = true;
	}
	if (!config_profile(c, "offline")) {
		struct cfg_profile *p = add_profile(c, "offline");
		set_str(&p->provider, "builtin");
		p->builtin = true;
	}
	for (size_t i = 0; !have_ft && i < c->profiles.n; i++) {
		struct cfg_profile *p = &c->profiles.v[i];
		if (p->builtin && (!strcmp(p->name, "fine-tuned") || !strcmp(p->name, "hybrid"))) {
			free(p->notice);
			p->notice = stand_in_notice(c, p);
		}
	}
}

size_t config_use_base(struct config *c, const struct cfg_provider *provider, const char *model)
{
	if (!config_provider(c, provider->name)) {
		struct cfg_provider *p = add_provider(c, provider->name, provider->kind);
		set_str(&p->base_url, provider->base_url);
		set_str(&p->api_key_env, provider->api_key_env);
	}
	const struct cfg_profile *ft = config_profile(c, "fine-tuned");
	bool stand_in = ft && ft->builtin;
	size_t changed = 0;
	for (size_t i = 0; i < c->profiles.n; i++) {
		struct cfg_profile *p = &c->profiles.v[i];
		bool base = !strcmp(p->name, "rag") ||
			    (stand_in && (!strcmp(p->name, "fine-tuned") || !strcmp(p->name, "hybrid")));
		if (!p->builtin || !base)
			continue;
		set_str(&p->provider, provider->name);
		set_str(&p->model, model);
		if (!strcmp(p->name, "fine-tuned"))
			p->retrieval.enabled = false;
		if (p->notice) {
			free(p->notice);
			p->notice = stand_in_notice(c, p);
		}
		changed++;
	}
	return changed;
}

/* A theme named in the file must exist: a typo would otherwise only change the colours. */
static int check_theme(struct walker *w, const struct config *c)
{
	const struct pos *ps = cfgw_find_pos(w, &c->ui.theme);
	if (!ps)
		return 0;
	char *path = xasprintf("%s/%s.yaml", c->themes_dir, c->ui.theme);
	bool ok = !strchr(c->ui.theme, '/') && access(path, R_OK) == 0;
	free(path);
	if (ok)
		return 0;
	struct buf names = {0};
	DIR *d = opendir(c->themes_dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		size_t n = strlen(e->d_name);
		if (n > 5 && e->d_name[0] != '.' && !strcmp(e->d_name + n - 5, ".yaml"))
			buf_addf(&names, "%s%.*s", names.len ? ", " : "", (int)(n - 5), e->d_name);
	}
	if (d)
		closedir(d);
	char *dir = sanitize_str(c->themes_dir, SAN_ONELINE);
	char *name = sanitize_str(c->ui.theme, SAN_ONELINE);
	cfgw_fail_at(w, ps->line, ps->col, "ui.theme", "no theme \"%s\" in %s (themes: %s)", name, dir,
		     names.len ? buf_str(&names) : "none found");
	free(dir);
	free(name);
	buf_free(&names);
	return -1;
}

/* The provider of a step a profile may add (expand, verify): "" = the profile's own. It must
 * exist, and an enabled step needs a model server. 0, or -1 said at the key. */
static int check_step_provider(struct walker *w, const struct config *c, const struct cfg_profile *p,
			       char *const *field, bool enabled, const char *step, const char *what)
{
	const struct cfg_provider *sp = config_provider(c, **field ? *field : p->provider);
	if (sp && !(enabled && sp->kind == PROVIDER_BUILTIN))
		return 0;
	const void *at = **field ? (const void *)field : (const void *)&p->provider;
	char *key = xasprintf("profiles.%s.%s.provider", p->name, step);
	if (!sp)
		cfgw_fail_field(w, at, key, "expected the name of a provider or nothing, got \"%s\"", *field);
	else
		cfgw_fail_field(w, at, key,
				"%s needs a model server; name a provider that has one (the builtin has no "
				"model), got \"%s\"", what, **field ? *field : p->provider);
	free(key);
	return -1;
}

static int finish(struct walker *w, struct config *c, bool from_file)
{
	struct stat st;

	/* Before anything moves the arrays: positions are recorded by field address. */
	/* A key written into the file must not be readable by anyone else. */
	for (size_t i = 0; from_file && i < c->providers.n; i++) {
		const struct pos *ps = cfgw_find_pos(w, &c->providers.v[i].api_key);
		if (!ps || !*c->providers.v[i].api_key)
			continue;
		if (stat(c->file, &st) == 0 && (st.st_mode & 077)) {
			char *file = sanitize_str(c->file, SAN_ONELINE);
			char *key = xasprintf("providers.%s.api_key", c->providers.v[i].name);
			cfgw_fail_at(w, ps->line, ps->col, key,
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
	/* Cross-references, before footnote's own profiles are added: adding moves the array,
	 * and the positions of the file's keys are kept by address. */
	for (size_t i = 0; i < c->profiles.n; i++) {
		struct cfg_profile *p = &c->profiles.v[i];
		const struct cfg_provider *prov = config_provider(c, p->provider);
		if (!prov) {
			const struct pos *ps = cfgw_find_pos(w, &p->provider);
			char *key = xasprintf("profiles.%s.provider", p->name);
			struct buf names = {0};
			for (size_t j = 0; j < c->providers.n; j++)
				buf_addf(&names, "%s%s", j ? ", " : "", c->providers.v[j].name);
			cfgw_fail_at(w, ps ? ps->line : 0, ps ? ps->col : 0, key,
				"expected the name of a provider (%s), got \"%s\"", buf_str(&names), p->provider);
			buf_free(&names);
			free(key);
			return -1;
		}
		if (*p->rewrite_provider && !config_provider(c, p->rewrite_provider)) {
			char *key = xasprintf("profiles.%s.rewrite_provider", p->name);
			cfgw_fail_field(w, &p->rewrite_provider, key,
					"expected the name of a provider or nothing, got \"%s\"", p->rewrite_provider);
			free(key);
			return -1;
		}
		if (check_step_provider(w, c, p, &p->expand.provider, p->expand.enabled, "expand",
					"query expansion") ||
		    check_step_provider(w, c, p, &p->verify.provider, p->verify.enabled, "verify",
					"a checker model"))
			return -1;
		const struct cfg_provider *rr = strcmp(p->rerank.provider, "off") ? config_provider(c, p->rerank.provider) : NULL;
		if (strcmp(p->rerank.provider, "off") && (!rr || rr->kind == PROVIDER_OLLAMA)) {
			char *key = xasprintf("profiles.%s.rerank.provider", p->name);
			cfgw_fail_field(w, &p->rerank.provider, key,
				rr ? "provider %s is an ollama server, which has no rerank endpoint: point an "
				     "openai provider at llama-server --reranking, vLLM or TEI, or write builtin"
				   : "expected builtin, off or the name of a provider, got \"%s\"",
				p->rerank.provider);
			free(key);
			return -1;
		}
		const char *const dates[] = {p->filter.after, p->filter.before};
		for (int d = 0; d < 2; d++) {
			int64_t ns;
			if (dates[d] && *dates[d] && idx_filter_date(dates[d], strlen(dates[d]), &ns) != 0) {
				char *key = xasprintf("profiles.%s.filter.%s", p->name, d ? "before" : "after");
				cfgw_fail_field(w, d ? &p->filter.before : &p->filter.after, key,
					"expected a date YYYY-MM-DD (or YYYY-MM, YYYY), got \"%s\"", dates[d]);
				free(key);
				return -1;
			}
		}
		size_t tl = 1;
		for (size_t t = 0; t < p->filter.tags.n; t++)
			tl += strlen(p->filter.tags.v[t] ? p->filter.tags.v[t] : "") + 1;
		if (tl >= sizeof(((struct idx_filter *)0)->tags)) {
			cfgw_fail_at(w, 0, 0, p->name, "filter.tags are longer than 255 bytes together");
			return -1;
		}
		if (p->filter.path && strlen(p->filter.path) >= sizeof(((struct idx_filter *)0)->path)) {
			cfgw_fail_at(w, 0, 0, p->name, "filter.path is longer than 255 bytes");
			return -1;
		}
		if (prov->kind != PROVIDER_BUILTIN && (!p->model || !*p->model)) {
			const struct pos *ps = cfgw_find_pos(w, &p->name);
			char *key = xasprintf("profiles.%s.model", p->name);
			cfgw_fail_at(w, ps ? ps->line : 0, ps ? ps->col : 0, key,
				"expected a model id for provider %s, got nothing", prov->name);
			free(key);
			return -1;
		}
	}
	builtin_profiles(c);

	if (c->index.folders.n == 0) {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd))
			snprintf(cwd, sizeof cwd, ".");
		free(c->index.folders.v); /* "folders: []" leaves an empty array */
		c->index.folders.v = xcalloc(1, sizeof *c->index.folders.v);
		c->index.folders.n = 1;
		c->index.folders.v[0].path = xstrdup(cwd);
		c->index.folders.v[0].collection = xstrdup("default");
	}
	for (size_t i = 0; i < c->index.folders.n; i++) {
		struct cfg_folder *f = &c->index.folders.v[i];
		if (!f->path || !*f->path) {
			const struct pos *p = cfgw_find_pos(w, &f->path);
			char *key = xasprintf("index.folders[%zu].path", i);
			cfgw_fail_at(w, p ? p->line : 0, p ? p->col : 0, key, "expected a folder, got nothing");
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

	if (check_theme(w, c) < 0)
		return -1;

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

	if (!config_profile(c, c->default_profile)) {
		const struct pos *ps = cfgw_find_pos(w, &c->default_profile);
		if (ps) {
			struct buf names = {0};
			for (size_t j = 0; j < c->profiles.n; j++)
				buf_addf(&names, "%s%s", j ? ", " : "", c->profiles.v[j].name);
			cfgw_fail_at(w, ps->line, ps->col, "default_profile",
				"expected the name of a profile (%s), got \"%s\"", buf_str(&names),
				c->default_profile);
			buf_free(&names);
			return -1;
		}
		/* Not set and no "rag" profile: the first one. */
		free(c->default_profile);
		c->default_profile = xstrdup(c->profiles.v[0].name);
	}
	if (*c->eval.judge_provider && !config_provider(c, c->eval.judge_provider)) {
		const struct pos *ps = cfgw_find_pos(w, &c->eval.judge_provider);
		return cfgw_fail_at(w, ps ? ps->line : 0, ps ? ps->col : 0, "eval.judge_provider",
				    "expected the name of a provider or nothing, got \"%s\"", c->eval.judge_provider);
	}
	if (*c->eval.judge_provider && !*c->eval.judge_model) {
		const struct pos *ps = cfgw_find_pos(w, &c->eval.judge_provider);
		return cfgw_fail_at(w, ps ? ps->line : 0, ps ? ps->col : 0, "eval.judge_model",
				    "expected the judge's model id, got nothing");
	}
	if (strcmp(c->embedder.provider, "builtin")) {
		const struct cfg_provider *prov = config_provider(c, c->embedder.provider);
		const struct pos *ps = cfgw_find_pos(w, &c->embedder.provider);
		if (!prov || prov->kind == PROVIDER_BUILTIN)
			return cfgw_fail_at(w, ps ? ps->line : 0, ps ? ps->col : 0, "embedder.provider",
				       "expected builtin or the name of an openai/ollama provider, got \"%s\"",
				       c->embedder.provider);
	}

	return 0;
}

static int load_file(struct walker *w, struct config *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		/* No line or column to point at: say what to do instead. */
		int e = errno;
		char *safe = sanitize_str(path, SAN_ONELINE);
		buf_addf(&w->err, "cannot open %s: %s%s", safe, strerror(e),
			 e == ENOENT ? "; footnote init writes one (footnote init --help)" : "");
		free(safe);
		return -1;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	int rc = 0;
	if (!yaml_parser_load(&parser, &doc)) {
		rc = cfgw_fail_at(w, (int)parser.problem_mark.line + 1, (int)parser.problem_mark.column + 1,
			     "(syntax)", "%s%s%s", parser.problem ? parser.problem : "YAML error",
			     parser.context ? " " : "", parser.context ? parser.context : "");
	} else {
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		w->doc = &doc;
		if (root && !cfgw_is_null(root))
			rc = cfgw_walk(w, &config_top_schema, c, root, "");
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

static struct config *new_config(struct walker *w)
{
	struct config *c = xcalloc(1, sizeof *c);
	cfgw_defaults(w, &config_top_schema, c);
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
	for (size_t i = 0; i < c->profiles.n; i++)
		free(c->profiles.v[i].notice);
	cfgw_free(&config_top_schema, c);
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
	return kind >= 0 && kind <= PROVIDER_BUILTIN ? config_kind_names[kind] : "?";
}

const char *no_evidence_name(int policy)
{
	return policy >= 0 && policy <= NO_EVIDENCE_LABEL ? config_policy_names[policy] : "?";
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
	each_key(&config_top_schema, "", fn, ctx);
}

static const char *type_name(enum opt_type t)
{
	switch (t) {
	case T_STR: return "string";
	case T_PATH: return "path";
	case T_INT: return "integer";
	case T_NUM: return "number";
	case T_BOOL: return "boolean";
	case T_ENUM: return "one of";
	case T_STRLIST: return "list of strings";
	case T_STRMAP: return "map of strings";
	case T_STRUCT: return "section";
	case T_LIST: return "list";
	case T_MAP: return "named entries";
	}
	return "?";
}

static void each_opt(const struct schema *s, const char *path, int depth,
		     void (*fn)(void *, const struct config_key *), void *ctx)
{
	for (const struct opt *o = s->opts; o->name; o++) {
		char *p = *path ? xasprintf("%s.%s", path, o->name) : xstrdup(o->name);
		/* A string with choices is checked against them like an enum. */
		struct config_key k = {p, o->choices ? "one of" : type_name(o->type), o->def ? o->def : "",
				       o->min, o->max, o->choices, o->help, depth};
		fn(ctx, &k);
		if (o->sub) {
			char *sub = o->type == T_MAP ? xasprintf("%s.*", p)
				    : o->type == T_LIST ? xasprintf("%s[]", p) : xstrdup(p);
			each_opt(o->sub, sub, depth + 1, fn, ctx);
			free(sub);
		}
		free(p);
	}
}

void config_each_opt(void (*fn)(void *ctx, const struct config_key *k), void *ctx)
{
	each_opt(&config_top_schema, "", 0, fn, ctx);
}

void config_profile_filter(const struct cfg_profile *p, struct idx_filter *f)
{
	const struct cfg_filter *pf = &p->filter;
	if (pf->path && strlen(pf->path) < sizeof f->path)
		snprintf(f->path, sizeof f->path, "%s", pf->path);
	if (pf->after && *pf->after)
		idx_filter_date(pf->after, strlen(pf->after), &f->after_ns);
	if (pf->before && *pf->before)
		idx_filter_date(pf->before, strlen(pf->before), &f->before_ns);
	for (size_t i = 0; i < pf->tags.n; i++)
		if (pf->tags.v[i])
			idx_filter_add_tag(f, pf->tags.v[i], strlen(pf->tags.v[i]));
}

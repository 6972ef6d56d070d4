/* config.h - footnote's configuration: one table of options, one YAML walker.
 *
 * Where it comes from: --config FILE, else $FOOTNOTE_CONFIG, else
 * $XDG_CONFIG_HOME/footnote/config.yaml, else the built-in defaults (no file needed).
 * Every option is a row of the table in config.c {name, type, default, limits, help};
 * config.example.yaml documents each one. A problem is reported as
 *   FILE:LINE:COLUMN: key.path: expected WHAT, got "VALUE"
 * and is fatal (the caller exits 2). Strings expand ${VAR} and ${VAR:-default}; paths also
 * expand a leading ~/.
 *
 * Ownership: a loaded `struct config` owns every string and array in it; config_free
 * releases all. Loaded once on the UI thread at start; read-only afterwards, so any thread
 * may read it. */
#ifndef FN_CONFIG_H
#define FN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum provider_kind { PROVIDER_OPENAI, PROVIDER_OLLAMA, PROVIDER_BUILTIN };
enum no_evidence { NO_EVIDENCE_DECLINE, NO_EVIDENCE_ANSWER, NO_EVIDENCE_LABEL };
/* Whether a follow-up is rewritten into a standalone question before the search. */
enum rewrite_mode { REWRITE_AUTO, REWRITE_OFF };

struct cfg_strs {
	char **v;
	size_t n;
};
struct cfg_kv {
	char *key, *value;
	int line, col;          /* where the value was written (0 for defaults) */
};
struct cfg_kvs {
	struct cfg_kv *v;
	size_t n;
};

struct cfg_provider {
	char *name;
	int kind;               /* enum provider_kind */
	char *base_url;
	char *api_key_env;      /* name of the variable holding the key */
	char *api_key_cmd;      /* command printing the key (run once, kept in memory) */
	char *api_key;          /* a literal key: only in a file nobody else can read */
	int timeout_s;          /* whole request */
	int connect_timeout_s;
	int idle_timeout_s;     /* no byte (keep-alives count) for this long ends the stream */
	int max_retries;        /* for 429/503 before the first token */
	int retry_cap_s;        /* longest Retry-After honoured */
	int think;              /* enum stream_think: auto | tag | noopen */
	int context_window;     /* tokens the server holds; 0 = learn it (core/net/limits.h) */
	int tokenizer;          /* 0 auto (the server's /tokenize when it has one), 1 estimate */
};
struct cfg_providers {
	struct cfg_provider *v;
	size_t n;
};

struct cfg_retrieval {
	bool enabled;
	int top_k;
	struct cfg_strs collections; /* empty = every collection */
	char *mode;                  /* hybrid | lexical | vector */
	double w_lexical, w_vector;
	int per_file_cap;
	double min_score;            /* below this a hit does not count as evidence */
};

/* Query expansion (core/answer/expand.h): a model writes sub-queries, fused by RRF. */
struct cfg_expand {
	bool enabled;
	char *provider;         /* "" = the profile's provider */
	char *model;            /* "" = the profile's model */
	int queries;            /* sub-queries asked for, besides the question itself */
	int timeout_s;          /* the whole request; then the question alone is searched */
};

/* A checker model after the builtin check (core/answer/claimcheck.h). */
enum verify_style { VERIFY_STYLE_CHAT, VERIFY_STYLE_MINICHECK };
struct cfg_verify {
	bool enabled;
	char *provider;         /* "" = the profile's provider */
	char *model;            /* "" = the profile's model */
	int style;              /* enum verify_style */
	int timeout_s;          /* each request; then the builtin verdicts stand */
};

/* Which files a profile reads, on top of its collections (index/idx.h struct idx_filter). */
struct cfg_filter {
	char *path;   /* glob; "" = any */
	char *after;  /* YYYY-MM-DD (or YYYY-MM, YYYY): modified on or after; "" = no bound */
	char *before; /* modified before; "" = no bound */
	struct cfg_strs tags; /* the file has one of these tags; empty = any */
};

/* The second stage of retrieval (core/answer/second.h). api names the server whose
 * request shape is used: llama.cpp, vllm, jina and cohere share one ({model, query,
 * documents, top_n} -> {results: [{index, relevance_score}]}), tei has its own. */
enum rerank_api { RERANK_API_LLAMA, RERANK_API_VLLM, RERANK_API_JINA, RERANK_API_COHERE, RERANK_API_TEI };
struct cfg_rerank {
	char *provider;         /* "builtin" (no model), "off", or a provider's name */
	char *model;            /* sent to the server; "" = none (llama-server serves one) */
	int top_n;              /* first-stage hits a model reranker reorders */
	int timeout_s;          /* the whole rerank request; then first-stage order */
	int api;                /* enum rerank_api */
};

struct cfg_profile {
	char *name;
	char *provider;
	char *model;
	char *system_prompt;    /* empty = the built-in prompt for the profile's kind */
	double temperature;
	int max_tokens;         /* 0 = the server's default */
	int context_tokens;     /* budget for the whole prompt */
	int no_evidence;        /* enum no_evidence */
	struct cfg_retrieval retrieval;
	struct cfg_filter filter;
	int rewrite;            /* enum rewrite_mode */
	char *rewrite_provider; /* "" = the profile's provider */
	char *rewrite_model;    /* "" = the profile's model */
	int rewrite_timeout_s;  /* the whole rewrite request; then the plain question is searched */
	struct cfg_expand expand;
	struct cfg_verify verify;
	struct cfg_rerank rerank;
	/* What the model is, for the provenance of every answer (core/answer/finetune.h). */
	char *adapter;          /* llama-server LoRA adapter: its id or its path as GET
				 * /lora-adapters lists it; "" = none */
	double adapter_scale;   /* the adapter's scale sent per request */
	char *checkpoint;       /* fine-tune checkpoint id; "" = the model id when it is ft:... */
	char *dataset_version;  /* the training data's version; "" = not said */
	/* Resolved at load, not keys. */
	bool builtin;           /* one of footnote's own four (rag, fine-tuned, hybrid, offline),
				 * not written in the file */
	char *notice;           /* a sentence shown when the profile is picked or used: it stands
				 * in with the base model for a fine-tuned one that is not
				 * configured, and how to set one. NULL = nothing to say */
};
struct cfg_profiles {
	struct cfg_profile *v;
	size_t n;
};

/* A model's price per million tokens, in the config's currency (prices:). */
struct cfg_price {
	char *name;             /* the model id, as profiles name it */
	double input, output;
};
struct cfg_prices {
	struct cfg_price *v;
	size_t n;
};

struct cfg_folder {
	char *path;
	char *collection;
};
struct cfg_folders {
	struct cfg_folder *v;
	size_t n;
};

struct config {
	struct cfg_providers providers;
	struct {
		char *provider;
		char *model;
		int batch;
		int max_tokens;     /* input limit of the model; 0 = learn it from a refusal */
	} embedder;
	struct {
		char *path;
		struct cfg_folders folders;
		struct cfg_strs exclude;
		int max_file_mb;
		char *language;
		int chunk_chars;
		int overlap_chars;
		struct cfg_kvs converters;
	} index;
	struct cfg_profiles profiles;
	char *default_profile;
	struct cfg_prices prices;
	char *currency;         /* the prices' currency, as shown: "$", "EUR" */
	struct {
		char *judge_provider;   /* the judge model of `footnote eval`; "" = no judge */
		char *judge_model;
	} eval;
	struct {
		char *theme;
		int sources_width;
		bool mouse;
		struct cfg_kvs keys;
	} ui;
	struct {
		char *level;
	} log;

	/* Resolved at load, not keys. */
	char *file;             /* the file read, or NULL for built-in defaults */
	char *config_dir;       /* $XDG_CONFIG_HOME/footnote */
	char *data_dir;         /* $XDG_DATA_HOME/footnote */
	char *state_dir;        /* $XDG_STATE_HOME/footnote */
	char *sessions_dir;
	char *history_file;
	char *log_file;
	char *themes_dir;       /* first existing of the user's and the installed themes */
};

/* The four profiles that always exist (a profile of the same name in the file replaces
 * one): rag = the base model with retrieval, fine-tuned = the fine-tuned model without
 * retrieval, hybrid = the fine-tuned model with retrieval, offline = the builtin extractive
 * answerer. The base model is the file's rag profile, else what discovery found
 * (core/app/discover.h), else builtin; the fine-tuned model is the file's fine-tuned
 * profile. With none configured, fine-tuned and hybrid answer with the base model and say
 * so (cfg_profile.notice). */
extern const char *const config_builtin_profiles[]; /* NULL-terminated */

/* Loads the configuration. `explicit_file` is --config (or NULL). On error returns -1 and
 * sets *err to a message naming file:line:column (caller frees); nothing is printed. */
int config_load(const char *explicit_file, struct config **out, char **err);
/* The built-in defaults only (for tests and `footnote --defaults`). */
struct config *config_defaults(void);
void config_free(struct config *c);

const struct cfg_provider *config_provider(const struct config *c, const char *name);
const struct cfg_profile *config_profile(const struct config *c, const char *name);
const char *provider_kind_name(int kind);
/* Points footnote's own profiles that stand on the base model (rag, and fine-tuned and
 * hybrid when no fine-tuned model is configured) at provider/model, adding the provider
 * (copied) unless one of that name exists. For discovery; UI thread, before any turn uses
 * those profiles: it moves c->providers (pointers into it become invalid) and replaces the
 * profiles' provider, model and notice strings. Returns how many profiles changed. */
size_t config_use_base(struct config *c, const struct cfg_provider *provider, const char *model);
const char *no_evidence_name(int policy);

/* Calls fn for every key of the option table, with its dotted path ("profiles.*.model"),
 * its default as text and its help line. A test checks config.example.yaml against it. */
void config_each_key(void (*fn)(void *ctx, const char *path, const char *def, const char *help),
		     void *ctx);

/* One row of the option table as the manual (footnote-config(5)) shows it. */
struct config_key {
	const char *path;           /* "profiles.*.retrieval.top_k" */
	const char *type;           /* "integer", "number", "string", "path", "boolean", "one of",
	                               "list of strings", "map of strings", "section", "list",
	                               "named entries" */
	const char *def;            /* as a YAML file would write it; "" = none */
	double min, max;            /* limits of an integer or number */
	const char *const *choices; /* NULL-terminated, or NULL */
	const char *help;
	int depth;                  /* 0 for a top-level key */
};
/* Like config_each_key, with the row's type, limits and choices. The pointers are valid
 * during the call only. */
void config_each_opt(void (*fn)(void *ctx, const struct config_key *k), void *ctx);

/* A profile's filter: {path, after, before, tags} as an index filter (index/idx.h; the
 * dates were checked when the config was read). */
struct idx_filter;
void config_profile_filter(const struct cfg_profile *p, struct idx_filter *f);

#endif

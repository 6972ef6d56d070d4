/* secret.h - where a provider's API key comes from, without ever showing it.
 *
 * Order: the variable named by api_key_env (when set and non-empty), else the output of
 * api_key_cmd (run once per process through /bin/sh -c: the first line of its stdout,
 * trimmed; a non-zero exit status or an empty line is an error; its stderr is discarded so
 * nothing it says can end up in a message), else the literal api_key from a private config
 * file. No key at all is fine (local servers need none): the request then carries no
 * Authorization header.
 *
 * Every key found is registered with log_add_secret, so the log redacts it. The key never
 * appears in an error message; `where` names the source ("$OPENAI_API_KEY", "api_key_cmd",
 * "api_key in the config file") so a person knows what to fix.
 *
 * The output of api_key_cmd is cached in memory (never on disk) by provider name until
 * secret_cache_free, so a command that asks for a passphrase runs once. Any thread; the
 * cache has its own lock. */
#ifndef FN_SECRET_H
#define FN_SECRET_H

struct cfg_provider;

enum secret_source { SECRET_NONE, SECRET_ENV, SECRET_CMD, SECRET_LITERAL };

struct secret {
	char *key;                 /* NULL when there is none; free with secret_clear */
	enum secret_source source;
	char where[160];           /* e.g. "$OPENAI_API_KEY"; "" when none */
};

/* Fills *out (zero it first or reuse after secret_clear). Returns 0 (possibly with no key),
 * or -1 when api_key_cmd failed: *err says how (no secret in it; caller frees). */
int secret_get(const struct cfg_provider *p, struct secret *out, char **err);
/* Wipes and frees the key; the struct can be reused. */
void secret_clear(struct secret *s);
/* "none", "environment", "api_key_cmd", "config file". Static. */
const char *secret_source_name(enum secret_source s);
/* Wipes and forgets every cached api_key_cmd result (at exit, and in tests). */
void secret_cache_free(void);

#endif

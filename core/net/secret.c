/* secret.c - API key resolution (see secret.h). */
#include "core/net/secret.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/proc.h"
#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/app/log.h"

#define CMD_TIMEOUT_MS 30000
#define CMD_MAX_OUTPUT 65536

struct cached {
	char *provider, *cmd, *key;
	struct cached *next;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cached *cache;

/* memset that the compiler may not drop because the memory is freed next. */
static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

static void free_key(char *k)
{
	if (k) {
		wipe(k, strlen(k));
		free(k);
	}
}

/* The first line of the command's output, trimmed; NULL when empty. */
static char *first_line(const struct buf *b)
{
	const char *s = buf_str(b);
	size_t n = strcspn(s, "\r\n");
	while (n && (s[0] == ' ' || s[0] == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n ? xstrndup(s, n) : NULL;
}

static int from_cmd(const struct cfg_provider *p, char **key, char **err)
{
	pthread_mutex_lock(&cache_lock);
	for (struct cached *c = cache; c; c = c->next) {
		if (!strcmp(c->provider, p->name) && !strcmp(c->cmd, p->api_key_cmd)) {
			*key = xstrdup(c->key);
			pthread_mutex_unlock(&cache_lock);
			return 0;
		}
	}
	/* The lock stays held while the command runs, so concurrent callers run it once. */
	/* stdin and stderr on /dev/null, its own process group killed after the timeout. */
	const char *argv[] = {"/bin/sh", "-c", p->api_key_cmd, NULL};
	struct proc_opts o = {.argv = argv, .out_cap = CMD_MAX_OUTPUT, .timeout_ms = CMD_TIMEOUT_MS};
	struct proc_result r;
	int rc = proc_run(&o, &r);
	char *line = rc == 0 ? first_line(&r.out) : NULL;
	if (r.out.p)
		wipe(r.out.p, r.out.cap);
	buf_free(&r.out);
	if (r.error)
		*err = xasprintf("providers.%s.api_key_cmd could not be started: %s", p->name,
				 strerror(r.error));
	else if (r.timed_out)
		*err = xasprintf("providers.%s.api_key_cmd did not finish within %d s: run it in a "
				 "shell to see what it waits for", p->name, CMD_TIMEOUT_MS / 1000);
	else if (r.overflow)
		*err = xasprintf("providers.%s.api_key_cmd printed more than %d KiB: it should print "
				 "the key on its first line", p->name, CMD_MAX_OUTPUT / 1024);
	else if (r.status != 0)
		*err = xasprintf("providers.%s.api_key_cmd exited with status %d: run it in a shell "
				 "to see why", p->name, r.status);
	else if (!line)
		*err = xasprintf("providers.%s.api_key_cmd printed nothing: it should print the key "
				 "on its first line", p->name);
	if (!line) {
		pthread_mutex_unlock(&cache_lock);
		return -1;
	}
	log_add_secret(line);
	struct cached *c = xcalloc(1, sizeof *c);
	c->provider = xstrdup(p->name);
	c->cmd = xstrdup(p->api_key_cmd);
	c->key = line;
	c->next = cache;
	cache = c;
	*key = xstrdup(line);
	pthread_mutex_unlock(&cache_lock);
	return 0;
}

int secret_get(const struct cfg_provider *p, struct secret *out, char **err)
{
	memset(out, 0, sizeof *out);
	*err = NULL;
	const char *v = p->api_key_env && *p->api_key_env ? getenv(p->api_key_env) : NULL;
	if (v && *v) {
		out->key = xstrdup(v);
		out->source = SECRET_ENV;
		snprintf(out->where, sizeof out->where, "$%s", p->api_key_env);
	} else if (p->api_key_cmd && *p->api_key_cmd) {
		if (from_cmd(p, &out->key, err) < 0)
			return -1;
		out->source = SECRET_CMD;
		snprintf(out->where, sizeof out->where, "providers.%s.api_key_cmd", p->name);
	} else if (p->api_key && *p->api_key) {
		out->key = xstrdup(p->api_key);
		out->source = SECRET_LITERAL;
		snprintf(out->where, sizeof out->where, "providers.%s.api_key in the config file",
			 p->name);
	}
	if (out->key)
		log_add_secret(out->key);
	return 0;
}

void secret_clear(struct secret *s)
{
	free_key(s->key);
	memset(s, 0, sizeof *s);
}

const char *secret_source_name(enum secret_source s)
{
	switch (s) {
	case SECRET_ENV: return "environment";
	case SECRET_CMD: return "api_key_cmd";
	case SECRET_LITERAL: return "config file";
	case SECRET_NONE: break;
	}
	return "none";
}

void secret_cache_free(void)
{
	pthread_mutex_lock(&cache_lock);
	while (cache) {
		struct cached *c = cache;
		cache = c->next;
		free(c->provider);
		free(c->cmd);
		free_key(c->key);
		free(c);
	}
	pthread_mutex_unlock(&cache_lock);
}

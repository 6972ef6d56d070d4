/* log.c - leveled log file that never holds a secret (see log.h). */
#include "core/app/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "base/fsutil.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *out;
static enum log_level max_level = LOG_INFO;
static char **secrets;
static size_t nsecrets;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

enum log_level log_level_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (name && !strcmp(name, level_names[i]))
			return (enum log_level)i;
	return LOG_INFO;
}

int log_open(const char *path, const char *level)
{
	int rc = fs_mkdir_parents(path, 0700);
	if (rc < 0)
		return rc;
	FILE *f = fopen(path, "a");
	if (!f)
		return -errno;
	setvbuf(f, NULL, _IOLBF, 0);
	pthread_mutex_lock(&lock);
	if (out)
		fclose(out);
	out = f;
	max_level = log_level_parse(level);
	pthread_mutex_unlock(&lock);
	return 0;
}

void log_close(void)
{
	pthread_mutex_lock(&lock);
	if (out)
		fclose(out);
	out = NULL;
	for (size_t i = 0; i < nsecrets; i++)
		free(secrets[i]);
	free(secrets);
	secrets = NULL;
	nsecrets = 0;
	pthread_mutex_unlock(&lock);
}

void log_add_secret(const char *secret)
{
	if (!secret || strlen(secret) < 4) /* shorter ones would redact ordinary words */
		return;
	pthread_mutex_lock(&lock);
	secrets = xrealloc(secrets, (nsecrets + 1) * sizeof *secrets);
	secrets[nsecrets++] = xstrdup(secret);
	pthread_mutex_unlock(&lock);
}

/* Replaces every registered secret, and the token after "Bearer " or "key=", in place. */
static void redact(struct buf *b)
{
	static const char *const markers[] = {"Bearer ", "api_key=", "key=", "Authorization: "};
	for (size_t i = 0; i < nsecrets; i++) {
		size_t n = strlen(secrets[i]);
		char *p;
		while ((p = strstr(b->p, secrets[i]))) {
			size_t at = (size_t)(p - b->p);
			struct buf t = {0};
			buf_add(&t, b->p, at);
			buf_adds(&t, "[redacted]");
			buf_adds(&t, b->p + at + n);
			buf_free(b);
			*b = t;
		}
	}
	for (size_t m = 0; m < sizeof markers / sizeof *markers; m++) {
		for (char *p = strstr(b->p, markers[m]); p; p = strstr(p, markers[m])) {
			p += strlen(markers[m]);
			size_t n = strcspn(p, " \t\",;&");
			if (n && strncmp(p, "[redacted]", 10))
				memset(p, '*', n);
		}
	}
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (!out || level > max_level)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *raw = xvasprintf(fmt, ap);
	va_end(ap);

	struct buf b = {0};
	sanitize(raw, strlen(raw), SAN_ONELINE, &b);
	free(raw);
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", localtime_r(&now, &tm));

	pthread_mutex_lock(&lock);
	if (out && b.p) {
		redact(&b);
		fprintf(out, "%s %-5s %s\n", stamp, level_names[level], b.p);
	}
	pthread_mutex_unlock(&lock);
	buf_free(&b);
}

/* log.h - the log file, with levels; never holds a secret.
 *
 * Lines go to $XDG_STATE_HOME/footnote/footnote.log (config->log_file). Every message is
 * sanitized (one line, no control characters) and every registered secret is replaced by
 * "[redacted]" before it is written, as is anything after "Bearer " or "api_key=". Any
 * thread may call log_msg; a mutex keeps lines whole. Before log_open (or when it failed),
 * messages go nowhere. */
#ifndef FN_LOG_H
#define FN_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Opens (appends to) the log, creating its directory. Returns 0 or -errno. */
int log_open(const char *path, const char *level);
void log_close(void);
/* Parses "error" | "warn" | "info" | "debug"; unknown gives LOG_INFO. */
enum log_level log_level_parse(const char *name);
/* A string that must never appear in the log (an API key). Copied. */
void log_add_secret(const char *secret);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif

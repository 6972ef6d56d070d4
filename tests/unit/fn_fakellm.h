/* fn_fakellm.h - start, script and stop the loopback model server (tests/server/fakellm.py)
 * from a cmocka test. Include after fn_test.h. Uses core/net/net.h for the control requests, so
 * the test links libcore.
 *
 *   struct fakellm f; fakellm_start(&f);     // fails the test when it does not come up
 *   fakellm_script(&f, "[\"fault:429:retry-after=1\", \"pass\"]");
 *   char *reqs = fakellm_get(&f, "/_requests");   // caller frees
 *   fakellm_stop(&f);
 */
#ifndef FN_FAKELLM_H
#define FN_FAKELLM_H

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "core/net/net.h"

#include "core/app/config.h"

struct fakellm {
	pid_t pid;
	int port;
	char dir[256];
	char url[64]; /* http://127.0.0.1:PORT */
};

/* A provider at base_url with no key and short timeouts, as the network tests need. */
static inline struct cfg_provider fakellm_provider(int kind, const char *base_url, int max_retries,
						   int retry_cap_s)
{
	struct cfg_provider p = {
		.name = (char *)"test",
		.kind = kind,
		.base_url = (char *)base_url,
		.api_key_env = (char *)"",
		.api_key_cmd = (char *)"",
		.api_key = (char *)"",
		.timeout_s = 30,
		.connect_timeout_s = 5,
		.idle_timeout_s = 5,
		.max_retries = max_retries,
		.retry_cap_s = retry_cap_s,
	};
	return p;
}

static inline void fakellm_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static inline void fakellm_start(struct fakellm *f)
{
	const char *root = getenv("FN_ROOT") ? getenv("FN_ROOT") : ".";
	const char *tmp = getenv("FN_TMP") ? getenv("FN_TMP") : "/tmp";
	snprintf(f->dir, sizeof f->dir, "%s/fakellm-XXXXXX", tmp);
	if (!mkdtemp(f->dir))
		fail_msg("mkdtemp %s failed", f->dir);
	char server[4096], portfile[512], logfile[512];
	snprintf(server, sizeof server, "%s/tests/server/fakellm.py", root);
	snprintf(portfile, sizeof portfile, "%s/port", f->dir);
	snprintf(logfile, sizeof logfile, "%s/log", f->dir);
	f->pid = fork();
	if (f->pid < 0)
		fail_msg("fork failed");
	if (f->pid == 0) {
		int fd = open(logfile, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("python3", "python3", server, "--port", "0", "--port-file", portfile,
		       "--max-seconds", "120", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 1000; i++) { /* up to 10 s */
		FILE *pf = fopen(portfile, "r");
		if (pf) {
			int ok = fscanf(pf, "%d", &f->port);
			fclose(pf);
			if (ok == 1 && f->port > 0) {
				snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d", f->port);
				return;
			}
		}
		int st;
		if (waitpid(f->pid, &st, WNOHANG) == f->pid)
			fail_msg("fakellm exited at start (see %s)", logfile);
		fakellm_sleep_ms(10);
	}
	fail_msg("fakellm did not write %s within 10 s", portfile);
}

static inline void fakellm_stop(struct fakellm *f)
{
	if (f->pid > 0) {
		kill(f->pid, SIGTERM);
		int st;
		for (int i = 0; i < 500 && waitpid(f->pid, &st, WNOHANG) == 0; i++)
			fakellm_sleep_ms(10);
		if (waitpid(f->pid, &st, WNOHANG) == 0) {
			kill(f->pid, SIGKILL);
			waitpid(f->pid, &st, 0);
		}
		f->pid = 0;
	}
	char path[512];
	snprintf(path, sizeof path, "%s/port", f->dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/log", f->dir);
	if (!getenv("FAKELLM_KEEP"))
		unlink(path);
	rmdir(f->dir);
}

/* A control request; returns the body (caller frees) or fails the test. */
static inline char *fakellm_http(struct fakellm *f, const char *method, const char *path,
				 const char *body)
{
	char url[512];
	snprintf(url, sizeof url, "%s%s", f->url, path);
	struct net_easy *e = net_easy_new();
	struct net_http_req req = {.method = method, .url = url, .body = body, .timeout_s = 10};
	struct net_http_reply rep;
	if (net_http(e, &req, &rep) < 0)
		fail_msg("fakellm %s %s: %s", method, path, rep.error);
	net_easy_free(e);
	char *r = rep.body;
	rep.body = NULL;
	net_http_reply_free(&rep);
	return r;
}

static inline char *fakellm_get(struct fakellm *f, const char *path)
{
	return fakellm_http(f, "GET", path, NULL);
}

static inline void fakellm_script(struct fakellm *f, const char *json_list)
{
	free(fakellm_http(f, "POST", "/_script", json_list));
}

static inline void fakellm_reset(struct fakellm *f)
{
	free(fakellm_http(f, "POST", "/_reset", "{}"));
}

#endif

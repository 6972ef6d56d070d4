/* net.c - the network thread (libcurl multi) and blocking requests (libcurl easy).
 *
 * Every transfer lives in one list guarded by n->lock. Other threads only prepend (submit)
 * and set a transfer's atomic cancel flag; the network thread is the only one that starts,
 * finishes, unlinks and frees transfers, so it may walk the list from a head it read under
 * the lock. Callbacks run without the lock, so they may submit or cancel. */
#include "core/net/net.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/xmalloc.h"
#include "core/app/log.h"

#ifndef FN_VERSION
#define FN_VERSION "0.1"
#endif
#define USER_AGENT "footnote/" FN_VERSION
#define ERRBODY_MAX (64 * 1024)
#define IDLE_WAIT_MS (3600 * 1000) /* nothing to do: sleep until woken */

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static bool curl_ready(void)
{
	pthread_once(&global_once, global_init);
	return global_rc == CURLE_OK;
}

char *net_url_host(const char *url)
{
	char *res = NULL;
	CURLU *u = curl_url();
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
		char *host = NULL, *port = NULL;
		if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
			if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
				res = xasprintf("%s:%s", host, port);
			else
				res = xstrdup(host);
		}
		curl_free(host);
		curl_free(port);
	}
	curl_url_cleanup(u);
	return res ? res : xstrdup("the server");
}

static struct curl_slist *make_headers(const char *api_key, const char *accept, bool json_body)
{
	struct curl_slist *h = NULL;
	if (json_body)
		h = curl_slist_append(h, "Content-Type: application/json");
	if (accept)
		h = curl_slist_append(h, accept);
	/* No "Expect: 100-continue" round trip for large prompts. */
	h = curl_slist_append(h, "Expect:");
	if (api_key && *api_key) {
		char *line = xasprintf("Authorization: Bearer %s", api_key);
		h = curl_slist_append(h, line);
		memset(line, 0, strlen(line));
		free(line);
	}
	return h;
}

/* Options every request shares. */
static void common_opts(CURL *e, const char *url, int connect_s, int total_s, char *errbuf)
{
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)(connect_s > 0 ? connect_s : 10));
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)(total_s > 0 ? total_s : 0));
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	errbuf[0] = '\0';
}

/* A person's message for a failed transfer. Names the host, never the key. */
static char *failure_message(CURLcode rc, CURL *e, const char *host, const char *errbuf,
			     int connect_s, int total_s)
{
	curl_off_t connected = 0;
	curl_easy_getinfo(e, CURLINFO_CONNECT_TIME_T, &connected);
	const char *detail = errbuf && *errbuf ? errbuf : curl_easy_strerror(rc);
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return xasprintf("cannot find the host %s (DNS): check base_url", host);
	case CURLE_COULDNT_RESOLVE_PROXY:
		return xasprintf("cannot find the proxy for %s: check $https_proxy/$http_proxy", host);
	case CURLE_COULDNT_CONNECT: {
		long oserr = 0;
		curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &oserr);
		return xasprintf("cannot connect to %s (%s): is the server running?", host,
				 oserr ? strerror((int)oserr) : detail);
	}
	case CURLE_OPERATION_TIMEDOUT:
		if (!connected)
			return xasprintf("cannot connect to %s within %d s (connect_timeout_s)", host,
					 connect_s > 0 ? connect_s : 10);
		return xasprintf("%s did not finish within %d s (timeout_s)", host, total_s);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return xasprintf("TLS with %s failed: %s (certificates are always verified; for a "
				 "private CA set $CURL_CA_BUNDLE or $SSL_CERT_FILE)", host, detail);
	case CURLE_GOT_NOTHING:
		return xasprintf("%s closed the connection without a reply", host);
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
		return xasprintf("the connection to %s broke: %s", host, detail);
	case CURLE_BAD_CONTENT_ENCODING:
		return xasprintf("%s sent a body that could not be decompressed", host);
	default:
		return xasprintf("request to %s failed: %s", host, detail);
	}
}

/* Wait before retry number `retry` (1-based): Retry-After when the server gave one (capped),
 * else 1, 2, 4... s, capped. */
static double retry_delay(CURL *e, int retry, int cap_s)
{
	curl_off_t ra = 0;
	double d;
	if (curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
		d = (double)ra;
	else
		d = (double)(1L << (retry - 1 < 10 ? retry - 1 : 10));
	if (cap_s >= 0 && d > cap_s)
		d = cap_s;
	return d;
}

static bool retryable(long status, bool any_5xx)
{
	return status == 429 || status == 503 || (any_5xx && status >= 500 && status <= 599);
}

/* ==== the network thread =============================================================== */

enum xstate { X_QUEUED, X_RUNNING, X_WAITING };

struct xfer {
	struct xfer *next;
	net_id id;
	atomic_bool cancel;

	/* The request, copied at submit. */
	char *url, *body, *host;
	size_t body_len;
	int connect_timeout_s, timeout_s, idle_timeout_s, max_retries, retry_cap_s;
	struct net_callbacks cb;
	struct curl_slist *headers;
	struct stream *st;

	/* Network thread only. */
	enum xstate state;
	bool finishing;         /* done is due in this pass */
	CURL *easy;
	long long t_submit, last_activity, retry_at;
	long status;            /* of the current attempt; 0 until known */
	struct buf errbody;     /* body of a non-2xx reply, at most ERRBODY_MAX */
	bool errbody_full;
	bool got_byte, got_token, first_byte_told;
	struct net_timings tm;
	char errbuf[CURL_ERROR_SIZE];
};

struct net {
	pthread_t thread;
	CURLM *multi;
	pthread_mutex_t lock;
	struct xfer *list;      /* guarded by lock (see the top of this file) */
	bool stopping;          /* guarded by lock */
	net_id next_id;         /* guarded by lock */
};

static double since(const struct xfer *x)
{
	return (double)(clock_ms() - x->t_submit);
}

static void on_stream_event(void *ctx, enum stream_ev_kind kind, const char *s, size_t len)
{
	struct xfer *x = ctx;
	bool token = kind == STREAM_EV_TOOL_CALL ||
		     ((kind == STREAM_EV_TEXT || kind == STREAM_EV_REASONING ||
		       kind == STREAM_EV_REFUSAL) && len > 0);
	if (token && !x->got_token) {
		x->got_token = true;
		x->tm.first_token_ms = since(x);
		if (x->cb.first_token)
			x->cb.first_token(x->cb.ctx, x->tm.first_token_ms);
	}
	if (x->cb.event)
		x->cb.event(x->cb.ctx, kind, s, len);
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	(void)p;
	x->last_activity = clock_ms();
	if (!x->got_byte) {
		x->got_byte = true;
		x->tm.first_byte_ms = since(x);
	}
	return size * nmemb;
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * nmemb;
	x->last_activity = clock_ms();
	if (atomic_load(&x->cancel))
		return 0; /* aborts; the loop reports the cancel */
	if (!x->status)
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->status);
	if (x->status >= 200 && x->status < 300) {
		if (!x->first_byte_told) {
			x->first_byte_told = true;
			if (x->cb.first_byte)
				x->cb.first_byte(x->cb.ctx, x->tm.first_byte_ms);
		}
		stream_feed(x->st, p, len);
		return len; /* a decided stream is removed by the loop after this perform */
	}
	size_t room = ERRBODY_MAX - x->errbody.len;
	buf_add(&x->errbody, p, len < room ? len : room);
	if (len >= room) {
		x->errbody_full = true;
		return 0; /* enough of an error page */
	}
	return len;
}

static void xfer_free(struct xfer *x)
{
	if (x->easy)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	stream_free(x->st);
	buf_free(&x->errbody);
	if (x->body)
		memset(x->body, 0, x->body_len);
	free(x->body);
	free(x->url);
	free(x->host);
	free(x);
}

static void attempt_reset(struct xfer *x)
{
	x->status = 0;
	buf_reset(&x->errbody);
	x->errbody_full = false;
	x->got_byte = false;
	x->errbuf[0] = '\0';
	x->last_activity = clock_ms();
	x->tm.attempts++;
}

static void xfer_start(struct net *n, struct xfer *x)
{
	if (!x->easy) {
		CURL *e = curl_easy_init();
		if (!e) {
			stream_fail(x->st, STREAM_NETWORK_ERROR, "libcurl could not create a handle");
			x->finishing = true;
			return;
		}
		x->easy = e;
		common_opts(e, x->url, x->connect_timeout_s, x->timeout_s, x->errbuf);
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body_len);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
		curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
		curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	}
	attempt_reset(x);
	x->state = X_RUNNING;
	if (curl_multi_add_handle(n->multi, x->easy) != CURLM_OK) {
		stream_fail(x->st, STREAM_NETWORK_ERROR, "libcurl could not start the transfer");
		x->finishing = true;
	}
}

/* Stops the running transfer (if any) and decides the outcome for a failure we saw. */
static void xfer_stop(struct net *n, struct xfer *x, enum stream_outcome o, const char *msg)
{
	if (x->state == X_RUNNING)
		curl_multi_remove_handle(n->multi, x->easy);
	x->state = X_WAITING;
	if (o == STREAM_NETWORK_ERROR && x->got_token)
		o = STREAM_INTERRUPTED; /* part of the answer came: keep it, marked */
	stream_fail(x->st, o, msg);
	x->finishing = true;
}

/* curl finished the transfer (well or not). */
static void xfer_complete(struct net *n, struct xfer *x, CURLcode rc)
{
	long status = x->status;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(n->multi, x->easy);
	x->state = X_WAITING;
	x->finishing = true;
	if (atomic_load(&x->cancel)) {
		stream_fail(x->st, STREAM_CANCELLED, "cancelled");
		return;
	}
	if (stream_done(x->st))
		return;
	bool ok_status = status >= 200 && status < 300;
	if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && !ok_status && x->errbody_full)) {
		if (ok_status) {
			stream_finish(x->st);
			return;
		}
		int retries = x->tm.attempts - 1;
		if (retryable(status, false) && !x->got_token && retries < x->max_retries) {
			double d = retry_delay(x->easy, retries + 1, x->retry_cap_s);
			char *msg = xasprintf("HTTP %ld: retrying in %.0f s (%d/%d)", status, d,
					      retries + 1, x->max_retries);
			log_info("%s: %s", x->host, msg);
			if (x->cb.retry) {
				struct net_retry r = {(int)status, d, retries + 1, x->max_retries, msg};
				x->cb.retry(x->cb.ctx, &r);
			}
			free(msg);
			x->retry_at = clock_ms() + (long long)(d * 1000);
			x->finishing = false;
			return;
		}
		log_warn("%s: HTTP %ld", x->host, status);
		stream_http_error(x->st, (int)status, x->errbody.p ? x->errbody.p : "", x->errbody.len);
		return;
	}
	char *msg = failure_message(rc, x->easy, x->host, x->errbuf, x->connect_timeout_s,
				    x->timeout_s);
	log_warn("%s", msg);
	x->finishing = false;
	xfer_stop(n, x, STREAM_NETWORK_ERROR, msg);
	free(msg);
}

/* Unlinks every finishing transfer (so net_cancel no longer finds it), then calls its done
 * callback and frees it. */
static void sweep(struct net *n)
{
	struct xfer *fin = NULL, **tail = &fin;
	pthread_mutex_lock(&n->lock);
	for (struct xfer **pp = &n->list; *pp;) {
		struct xfer *x = *pp;
		if (x->finishing) {
			*pp = x->next;
			x->next = NULL;
			*tail = x;
			tail = &x->next;
		} else {
			pp = &x->next;
		}
	}
	pthread_mutex_unlock(&n->lock);
	while (fin) {
		struct xfer *x = fin;
		fin = x->next;
		x->tm.total_ms = since(x);
		x->cb.done(x->cb.ctx, stream_result(x->st), &x->tm);
		xfer_free(x);
	}
}

static void *net_main(void *arg)
{
	struct net *n = arg;
	for (;;) {
		pthread_mutex_lock(&n->lock);
		struct xfer *head = n->list;
		bool stopping = n->stopping;
		pthread_mutex_unlock(&n->lock);
		if (stopping && !head)
			break;

		long long now = clock_ms();
		for (struct xfer *x = head; x; x = x->next) {
			if (x->finishing)
				continue;
			if (stopping || atomic_load(&x->cancel))
				xfer_stop(n, x, STREAM_CANCELLED, "cancelled");
			else if (x->state == X_QUEUED || (x->state == X_WAITING && now >= x->retry_at))
				xfer_start(n, x);
		}
		sweep(n);

		int running = 0;
		curl_multi_perform(n->multi, &running);
		CURLMsg *m;
		int left;
		while ((m = curl_multi_info_read(n->multi, &left))) {
			if (m->msg != CURLMSG_DONE)
				continue;
			char *priv = NULL;
			CURLcode rc = m->data.result;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
			xfer_complete(n, (struct xfer *)(void *)priv, rc);
		}

		/* Decided streams end now ([DONE] may come before the body ends); idle ones too. */
		now = clock_ms();
		long long wait = IDLE_WAIT_MS;
		pthread_mutex_lock(&n->lock);
		head = n->list;
		pthread_mutex_unlock(&n->lock);
		for (struct xfer *x = head; x; x = x->next) {
			if (x->finishing)
				continue;
			if (x->state == X_RUNNING && stream_done(x->st)) {
				curl_multi_remove_handle(n->multi, x->easy);
				x->state = X_WAITING;
				x->finishing = true;
			} else if (x->state == X_RUNNING && x->idle_timeout_s > 0) {
				long long due = x->last_activity + x->idle_timeout_s * 1000LL;
				if (now >= due) {
					char *msg = xasprintf("no data from %s for %d s (idle_timeout_s)",
							      x->host, x->idle_timeout_s);
					log_warn("%s", msg);
					xfer_stop(n, x, STREAM_NETWORK_ERROR, msg);
					free(msg);
				} else if (due - now < wait) {
					wait = due - now;
				}
			} else if (x->state == X_WAITING) {
				long long d = x->retry_at - now;
				if (d < wait)
					wait = d > 0 ? d : 0;
			} else if (x->state == X_QUEUED) {
				wait = 0;
			}
		}
		bool any = false;
		for (struct xfer *x = head; x; x = x->next)
			any |= x->finishing;
		if (any) {
			sweep(n);
			wait = 0;
		}
		pthread_mutex_lock(&n->lock);
		if (n->stopping)
			wait = 0; /* the top of the loop ends it once the list is empty */
		pthread_mutex_unlock(&n->lock);
		curl_multi_poll(n->multi, NULL, 0, (int)wait, NULL);
	}
	return NULL;
}

struct net *net_new(char **err)
{
	*err = NULL;
	if (!curl_ready()) {
		*err = xstrdup("libcurl could not be initialised");
		return NULL;
	}
	struct net *n = xcalloc(1, sizeof *n);
	n->multi = curl_multi_init();
	if (!n->multi) {
		free(n);
		*err = xstrdup("libcurl could not create a multi handle");
		return NULL;
	}
	pthread_mutex_init(&n->lock, NULL);
	n->next_id = 1;
	int rc = pthread_create(&n->thread, NULL, net_main, n);
	if (rc) {
		curl_multi_cleanup(n->multi);
		pthread_mutex_destroy(&n->lock);
		free(n);
		*err = xasprintf("cannot start the network thread: %s", strerror(rc));
		return NULL;
	}
	return n;
}

net_id net_submit(struct net *n, const struct net_request *req, const struct net_callbacks *cb)
{
	struct xfer *x = xcalloc(1, sizeof *x);
	x->url = xstrdup(req->url);
	x->host = net_url_host(req->url);
	x->body_len = req->body_len ? req->body_len : (req->body ? strlen(req->body) : 0);
	x->body = xstrndup(req->body ? req->body : "", x->body_len);
	x->connect_timeout_s = req->connect_timeout_s;
	x->timeout_s = req->timeout_s;
	x->idle_timeout_s = req->idle_timeout_s;
	x->max_retries = req->max_retries > 0 ? req->max_retries : 0;
	x->retry_cap_s = req->retry_cap_s;
	x->cb = *cb;
	x->headers = make_headers(req->api_key,
				  req->proto == STREAM_OPENAI_SSE    ? "Accept: text/event-stream"
				  : req->proto == STREAM_RAW_JSON ? "Accept: application/json"
								  : "Accept: application/x-ndjson",
				  true);
	struct stream_sink sink = {on_stream_event, x};
	x->st = stream_new(req->proto, &sink);
	stream_set_think(x->st, req->think, STREAM_THINK_HOLD_MAX);
	x->state = X_QUEUED;
	x->t_submit = clock_ms();
	x->tm.first_byte_ms = x->tm.first_token_ms = -1;
	atomic_init(&x->cancel, false);

	pthread_mutex_lock(&n->lock);
	x->id = n->next_id++;
	net_id id = x->id;
	x->next = n->list;
	n->list = x;
	pthread_mutex_unlock(&n->lock);
	curl_multi_wakeup(n->multi);
	return id;
}

bool net_cancel(struct net *n, net_id id)
{
	bool found = false;
	pthread_mutex_lock(&n->lock);
	for (struct xfer *x = n->list; x; x = x->next) {
		if (x->id == id) {
			atomic_store(&x->cancel, true);
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&n->lock);
	if (found)
		curl_multi_wakeup(n->multi);
	return found;
}

void net_free(struct net *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	n->stopping = true;
	for (struct xfer *x = n->list; x; x = x->next)
		atomic_store(&x->cancel, true);
	pthread_mutex_unlock(&n->lock);
	curl_multi_wakeup(n->multi);
	pthread_join(n->thread, NULL);
	curl_multi_cleanup(n->multi);
	pthread_mutex_destroy(&n->lock);
	free(n);
}

/* ==== blocking requests ================================================================ */

struct net_easy {
	CURL *h;
};

struct net_easy *net_easy_new(void)
{
	if (!curl_ready())
		return NULL;
	CURL *h = curl_easy_init();
	if (!h)
		return NULL;
	struct net_easy *e = xcalloc(1, sizeof *e);
	e->h = h;
	return e;
}

void net_easy_free(struct net_easy *e)
{
	if (!e)
		return;
	curl_easy_cleanup(e->h);
	free(e);
}

struct sink_buf {
	struct buf b;
	size_t max;
};

static size_t easy_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct sink_buf *s = ud;
	size_t len = size * nmemb;
	size_t room = s->max - s->b.len;
	buf_add(&s->b, p, len < room ? len : room);
	return len < room ? len : 0;
}

static void sleep_s(double s)
{
	if (s <= 0)
		return;
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int net_http(struct net_easy *e, const struct net_http_req *req, struct net_http_reply *reply)
{
	memset(reply, 0, sizeof *reply);
	char *host = net_url_host(req->url);
	bool post = req->method && !strcmp(req->method, "POST");
	struct curl_slist *hdrs = make_headers(req->api_key, "Accept: application/json", post);
	char errbuf[CURL_ERROR_SIZE];
	struct sink_buf sb = {{0}, req->max_body ? req->max_body : (size_t)64 << 20};
	int rc = -1;
	if (!e) {
		reply->error = xstrdup("libcurl could not be initialised");
		goto out;
	}
	CURL *h = e->h;
	for (int attempt = 0;; attempt++) {
		curl_easy_reset(h);
		common_opts(h, req->url, req->connect_timeout_s, req->timeout_s > 0 ? req->timeout_s : 60,
			    errbuf);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, easy_write);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &sb);
		if (post) {
			curl_easy_setopt(h, CURLOPT_POST, 1L);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
					 (curl_off_t)(req->body ? strlen(req->body) : 0));
		} else {
			curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
		}
		buf_reset(&sb.b);
		reply->attempts = attempt + 1;
		CURLcode cr = curl_easy_perform(h);
		long status = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		if (cr != CURLE_OK && !(cr == CURLE_WRITE_ERROR && status)) {
			reply->error = failure_message(cr, h, host, errbuf, req->connect_timeout_s,
						       req->timeout_s > 0 ? req->timeout_s : 60);
			log_warn("%s", reply->error);
			break;
		}
		reply->status = (int)status;
		rc = 0;
		if (!retryable(status, req->retry_5xx) || attempt >= req->max_retries ||
		    (req->is_final && req->is_final(req->ctx, (int)status, sb.b.p ? sb.b.p : "", sb.b.len)))
			break;
		double d = retry_delay(h, attempt + 1, req->retry_cap_s);
		char *msg = xasprintf("HTTP %ld: retrying in %.0f s (%d/%d)", status, d, attempt + 1,
				      req->max_retries);
		log_info("%s: %s", host, msg);
		if (req->on_retry) {
			struct net_retry r = {(int)status, d, attempt + 1, req->max_retries, msg};
			req->on_retry(req->ctx, &r);
		}
		free(msg);
		sleep_s(d);
	}
out:
	reply->len = sb.b.len;
	reply->body = buf_detach(&sb.b);
	curl_slist_free_all(hdrs);
	free(host);
	return rc;
}

void net_http_reply_free(struct net_http_reply *reply)
{
	free(reply->body);
	free(reply->error);
	memset(reply, 0, sizeof *reply);
}

/* net.h - HTTP for footnote: streamed chat requests on a network thread, and small blocking
 * requests (model lists, embeddings) on the caller's thread.
 *
 * Streaming (struct net): one thread runs libcurl's multi interface; every submitted request
 * is one transfer whose body goes through a stream decoder (core/wire/stream.h). The thread sleeps
 * in curl_multi_poll when there is nothing to do (no timers, no busy loop); a submit or a
 * cancel wakes it with curl_multi_wakeup.
 *   - timeouts: connect (connect_timeout_s), whole request (timeout_s), and idle
 *     (idle_timeout_s): no byte received for that long - headers, body, keep-alive comments
 *     all count - ends the transfer.
 *   - 429 and 503 are retried up to max_retries times, waiting Retry-After (seconds or an
 *     HTTP date) capped at retry_cap_s, or a doubling backoff from 1 s (same cap) when the
 *     server gave none. A retry happens only before the first token; nothing is retried
 *     after.
 *   - any other non-2xx status: up to 64 KiB of the body is read and the server's message
 *     becomes the result's error (STREAM_HTTP_ERROR).
 *   - connection refused, DNS, TLS, timeouts, a reset: STREAM_NETWORK_ERROR with a message
 *     naming the host (never the key), or STREAM_INTERRUPTED when part of the answer had
 *     arrived (the partial text is kept).
 *   - TLS verification stays on; proxies come from the environment (libcurl's default);
 *     gzip/deflate bodies are accepted and decoded.
 *
 * Threads: net_new, net_submit, net_cancel and net_free may be called from any thread (the
 * handle is shared), but net_free only once, after the last submit. The callbacks run on the
 * network thread, one transfer at a time; they must be quick and must not call net_free (they
 * may call net_submit and net_cancel). The usual callback turns what it gets into an owned
 * chan message (core/app/chan.h) for the UI thread. */
#ifndef FN_NET_H
#define FN_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/wire/stream.h"

/* One streamed request. net_submit copies every string; nothing needs to outlive the call. */
struct net_request {
	const char *url;        /* e.g. http://127.0.0.1:8080/v1/chat/completions */
	const char *body;       /* JSON, sent with POST */
	size_t body_len;        /* 0 = strlen(body) */
	enum stream_proto proto;
	const char *api_key;    /* NULL or "" = no Authorization header */
	int connect_timeout_s;  /* <= 0: 10 */
	int timeout_s;          /* <= 0: none */
	int idle_timeout_s;     /* <= 0: none */
	int max_retries;        /* 429/503 retries before the first token */
	int retry_cap_s;        /* longest wait honoured between tries */
	enum stream_think think;/* how a <think> block is looked for (core/wire/stream.h) */
};

/* Milliseconds since net_submit; -1 when the moment never came. */
struct net_timings {
	double first_byte_ms;   /* first byte of the (last) response, headers included */
	double first_token_ms;  /* first answer, reasoning, refusal or tool-call event */
	double total_ms;        /* until done */
	int attempts;           /* 1 + retries made */
};

struct net_retry {
	int status;             /* 429 or 503 */
	double delay_s;         /* wait before the next try */
	int attempt;            /* 1-based number of this retry */
	int max;                /* max_retries */
	const char *message;    /* "HTTP 429: retrying in 2 s (1/3)"; valid during the call */
};

/* All members but done may be NULL. ctx is passed to each. Each runs on the network thread. */
struct net_callbacks {
	/* Every stream event (see stream_sink), including STREAM_EV_END. */
	void (*event)(void *ctx, enum stream_ev_kind kind, const char *s, size_t len);
	/* Once, when the first byte of a 2xx response arrived. */
	void (*first_byte)(void *ctx, double ms);
	/* Once, before the first answer/reasoning/refusal/tool-call event is passed on. */
	void (*first_token)(void *ctx, double ms);
	/* Before each wait for a retry. */
	void (*retry)(void *ctx, const struct net_retry *r);
	/* Exactly once per submitted request, last. r and its strings are valid only during the
	 * call (copy what you keep); after it returns, ctx is never used again. */
	void (*done)(void *ctx, const struct stream_result *r, const struct net_timings *t);
	void *ctx;
};

typedef uint64_t net_id; /* 0 is never a request */

struct net;
/* Starts the network thread. Returns NULL (with *err, caller frees) when libcurl or the
 * thread cannot be set up. */
struct net *net_new(char **err);
/* Queues a request; returns its id. The callbacks struct is copied. */
net_id net_submit(struct net *n, const struct net_request *req, const struct net_callbacks *cb);
/* Stops a request: its done callback follows promptly (well under 100 ms) with
 * STREAM_CANCELLED and the partial text kept. Unknown or finished ids are ignored. Returns
 * true when the request was still running. */
bool net_cancel(struct net *n, net_id id);
/* Cancels everything (each done callback still runs), joins the thread, frees n. */
void net_free(struct net *n);

/* ---- blocking requests -------------------------------------------------------------
 * A net_easy is one libcurl easy handle: use it from one thread at a time (each thread
 * that makes blocking requests keeps its own). Connections are reused between calls. */
struct net_easy;
struct net_easy *net_easy_new(void);
void net_easy_free(struct net_easy *e);

struct net_http_req {
	const char *method;     /* "GET" or "POST" */
	const char *url;
	const char *body;       /* POST: JSON; NULL for GET */
	const char *api_key;    /* NULL or "" = no Authorization header */
	int connect_timeout_s;  /* <= 0: 10 */
	int timeout_s;          /* <= 0: 60 */
	int max_retries;        /* retries on 429, 503 (and any 5xx with retry_5xx) */
	int retry_cap_s;
	bool retry_5xx;
	size_t max_body;        /* bytes of the reply kept; 0 = 64 MiB */
	void (*on_retry)(void *ctx, const struct net_retry *r);
	/* Optional: true when this reply must not be retried even though its status could be
	 * (a 500 that says the input is too large will say so again). */
	bool (*is_final)(void *ctx, int status, const char *body, size_t len);
	void *ctx;
};
struct net_http_reply {
	int status;             /* HTTP status; 0 when no response came (see error) */
	char *body;             /* NUL-terminated, possibly empty; never NULL after net_http */
	size_t len;
	char *error;            /* network failure naming the host, NULL when a status came */
	int attempts;
};
/* Performs the request, retrying as asked. Returns 0 when a response came (any status),
 * -1 on a network failure (reply->error set). Free the reply with net_http_reply_free. */
int net_http(struct net_easy *e, const struct net_http_req *req, struct net_http_reply *reply);
void net_http_reply_free(struct net_http_reply *reply);

/* "host:port" of url, without user info (for messages); caller frees. */
char *net_url_host(const char *url);

#endif

/* rpc.h - JSON-RPC 2.0 over newline-delimited JSON, the MCP stdio transport: a framer that
 * turns bytes into lines with a bounded buffer, and the envelopes of results, errors and
 * notifications. Pure; one framer per stream, any thread. */
#ifndef FN_RPC_H
#define FN_RPC_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

struct cJSON;

enum {
	RPC_PARSE_ERROR = -32700,
	RPC_INVALID_REQUEST = -32600,
	RPC_METHOD_NOT_FOUND = -32601,
	RPC_INVALID_PARAMS = -32602,
	RPC_INTERNAL_ERROR = -32603,
	RPC_RESOURCE_NOT_FOUND = -32002, /* MCP: resources/read of an unknown URI */
};

/* The longest line kept. A longer one is dropped as its bytes arrive (memory stays at the
 * cap), and reported once when its newline comes. */
enum { RPC_LINE_MAX = 4 << 20 };

struct rpc_framer {
	struct buf line;
	size_t cap;
	bool dropping; /* inside a line over the cap */
};
struct rpc_framer_cb {
	/* A complete line without its newline (and a CR before it); blank lines are skipped.
	 * text is valid only during the call. */
	void (*line)(void *ctx, const char *text, size_t len);
	/* A line over the cap ended (or the stream ended inside one). */
	void (*toolong)(void *ctx);
	void *ctx;
};
void rpc_framer_init(struct rpc_framer *f, size_t cap);
void rpc_framer_feed(struct rpc_framer *f, const char *p, size_t n, const struct rpc_framer_cb *cb);
/* End of stream: a last line without a newline is still a message. */
void rpc_framer_end(struct rpc_framer *f, const struct rpc_framer_cb *cb);
void rpc_framer_free(struct rpc_framer *f);

/* Envelopes. id is copied (NULL or a non-string, non-number id gives "id": null); result
 * and data are taken over. Caller cJSON_Deletes the envelope. */
struct cJSON *rpc_result(const struct cJSON *id, struct cJSON *result);
struct cJSON *rpc_error(const struct cJSON *id, int code, const char *message, struct cJSON *data);
struct cJSON *rpc_notification(const char *method, struct cJSON *params);
/* Two ids are the same request: equal numbers or equal strings. */
bool rpc_same_id(const struct cJSON *a, const struct cJSON *b);

#endif

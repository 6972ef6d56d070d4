/* server.h - a Model Context Protocol server over any transport: lifecycle (initialize, with
 * the protocol version negotiated), ping, tools/list and tools/call, resources/list and
 * resources/read, progress notifications and cancellation. What the tools do is the
 * caller's (core/mcp/tools.h has footnote's); this file only speaks the protocol, so it is
 * pure and the fuzz target drives it with stub tools.
 *
 * Threads: one thread owns a server and every call on it. Every message the server sends
 * goes through out->send as one JSON text with no newline (the transport adds the framing),
 * and nothing else is ever written by it. */
#ifndef FN_MCP_SERVER_H
#define FN_MCP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;
struct mcp_call;

struct mcp_out {
	void (*send)(void *ctx, const char *json, size_t len);
	void *ctx;
};

struct mcp_tool {
	const char *name, *title, *description;
	const char *input_schema, *output_schema; /* JSON texts, valid and static */
	/* Starts a call. Returns 0 and finishes now or later with mcp_call_done (exactly once),
	 * or returns an RPC_* code with *err (malloc'ed) when the arguments are wrong: the server
	 * then answers with that JSON-RPC error and frees the call. */
	int (*start)(void *ctx, struct mcp_call *c, const struct cJSON *args, char **err);
	/* The client cancelled the call: stop it; mcp_call_done still follows (its result is not
	 * sent). NULL when calls finish inside start. */
	void (*cancel)(void *ctx, struct mcp_call *c);
};

struct mcp_resources {
	/* Appends resource objects ({uri, name, mimeType, ...}) to arr. 0, or -1 with *err. */
	int (*list)(void *ctx, struct cJSON *arr, char **err);
	/* Appends content objects ({uri, mimeType, text}) for uri to arr. 0; RPC_* with *err. */
	int (*read)(void *ctx, const char *uri, struct cJSON *arr, char **err);
	void *ctx;
};

struct mcp_info {
	const char *name, *title, *version;
	const char *instructions; /* NULL = none */
	const struct mcp_tool *tools;
	size_t ntools;
	void *tools_ctx;
	const struct mcp_resources *resources; /* NULL = no resources capability */
};

/* Protocol versions this server speaks, newest first: the client's is kept when it is one of
 * them, else the newest is offered (the client then decides). */
extern const char *const mcp_versions[];

struct mcp_server;
/* info and out (and what they point to) must outlive the server. */
struct mcp_server *mcp_server_new(const struct mcp_info *info, const struct mcp_out *out);
/* Frees the server and any call still in flight (without calling the tools): finish or
 * cancel them first. */
void mcp_server_free(struct mcp_server *s);
/* One message, as the framer delivers it. */
void mcp_server_handle(struct mcp_server *s, const char *line, size_t len);
/* A line over the transport's cap was dropped: answers with an error (id null). */
void mcp_server_toolong(struct mcp_server *s, size_t cap);
/* Calls in flight. */
size_t mcp_server_calls(const struct mcp_server *s);
/* Cancels every call in flight (the client went away). */
void mcp_server_cancel_all(struct mcp_server *s);

/* ---- calls ---- */
void mcp_call_set_data(struct mcp_call *c, void *data);
void *mcp_call_data(const struct mcp_call *c);
bool mcp_call_cancelled(const struct mcp_call *c);
/* Sends notifications/progress when the client asked for it (a progressToken in _meta);
 * progress must grow from one call to the next. */
void mcp_call_progress(struct mcp_call *c, double progress, double total, const char *message);
/* Finishes the call: a result with structured (taken over) as structuredContent and its
 * JSON text as content, or with is_error a tool error whose text is error_text. Nothing is
 * sent for a cancelled call. Frees c. */
void mcp_call_done(struct mcp_call *c, struct cJSON *structured, bool is_error, const char *error_text);
/* Calls fn for each call in flight (fn may not finish calls). */
void mcp_server_each_call(struct mcp_server *s, void (*fn)(void *ctx, struct mcp_call *c), void *ctx);

#endif

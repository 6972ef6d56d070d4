/* tools.h - footnote's MCP tools and resources over the index and the answering core:
 * search (hits with path, lines or page, heading, score, text), ask (a cited, verified answer
 * with its provenance, streamed as progress notifications, cancellable) and get_source (a
 * passage as indexed, flagged stale when the file changed); resources are the indexed files
 * as file:// URIs. A server bound to a profile (`footnote mcp --profile P`) reads only P's
 * collections and answers only with P, in every tool and resource.
 *
 * Threads: the thread that owns the mcp_server owns the env and calls everything here.
 * ask posts its turns' messages to env->chan; the owner hands each one it takes to
 * mcp_tools_message. */
#ifndef FN_MCP_TOOLS_H
#define FN_MCP_TOOLS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/mcp/server.h"
#include "index/idx.h"

struct chan;
struct chan_msg;
struct config;
struct cfg_profile;
struct net;
struct ask_call;

struct mcp_env {
	const struct config *cfg;
	const struct cfg_profile *profile; /* ask's default profile */
	bool bound;                        /* --profile: profile's collections bound every tool */
	idx *ix;                           /* NULL: no index yet (search finds nothing) */
	const struct idx_embedder *emb;
	struct net *net;                   /* NULL when only the builtin provider answers */
	struct chan *chan;
	/* internal */
	uint64_t next_gen;
	struct ask_call *asks;
};

/* The tools, their number, and the resources (whose ctx the caller sets to its env). */
extern const struct mcp_tool mcp_tools[];
extern const size_t mcp_ntools;
extern const struct mcp_resources mcp_resources_proto;

/* A message taken from env->chan: handled (and freed) when it belongs to an ask in flight,
 * else freed. */
void mcp_tools_message(struct mcp_env *e, struct chan_msg *m);
/* Asks in flight. */
size_t mcp_tools_asks(const struct mcp_env *e);

/* "file://" + the path percent-encoded (RFC 3986: unreserved and "/" kept). Caller frees. */
char *mcp_file_uri(const char *path);
/* The path of a file:// URI (decoded), or NULL. Caller frees. */
char *mcp_uri_path(const char *uri);

#endif

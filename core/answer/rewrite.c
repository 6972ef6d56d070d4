/* rewrite.c - the standalone question for a follow-up's search (see rewrite.h). */
#include "core/answer/rewrite.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "core/answer/history.h"
#include "core/app/log.h"
#include "core/net/ask.h"
#include "core/net/provider.h"

/* Enough context to resolve "it" and "that", short enough to answer quickly. */
enum { REWRITE_TURNS = 3, REWRITE_ANSWER_BYTES = 400, REWRITE_MAX_TOKENS = 96, REWRITE_MAX_BYTES = 300 };

static const char system_text[] =
	"You rewrite the user's follow-up question into one standalone question for a document "
	"search. Use the conversation only to resolve what the follow-up refers to; do not answer "
	"it. Reply with the rewritten question alone, on one line, without quotes or explanation.";

const char *rewrite_system(void)
{
	return system_text;
}

/* At most max bytes of s, cut at a character boundary. */
static void add_cut(struct buf *b, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max) {
		buf_adds(b, s);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	buf_add(b, s, max);
	buf_adds(b, "...");
}

char *rewrite_prompt(const struct history *h, const char *question)
{
	struct buf b = {0};
	buf_adds(&b, "Conversation:\n");
	size_t from = h && h->n > REWRITE_TURNS ? h->n - REWRITE_TURNS : 0;
	for (size_t i = from; h && i < h->n; i++) {
		buf_adds(&b, "User: ");
		add_cut(&b, h->v[i].question, REWRITE_ANSWER_BYTES);
		buf_adds(&b, "\nAssistant: ");
		add_cut(&b, h->v[i].answer, REWRITE_ANSWER_BYTES);
		buf_addc(&b, '\n');
	}
	buf_addf(&b, "\nFollow-up question: %s\n\nStandalone question:", question);
	return buf_detach(&b);
}

char *rewrite_clean(const char *reply, size_t len, const char **why)
{
	*why = NULL;
	size_t i = 0;
	while (i < len && isspace((unsigned char)reply[i]))
		i++;
	size_t end = len;
	while (end > i && isspace((unsigned char)reply[end - 1]))
		end--;
	if (i == end) {
		*why = "the rewrite came back empty";
		return NULL;
	}
	if (memchr(reply + i, '\n', end - i)) {
		*why = "the rewrite was not one line";
		return NULL;
	}
	static const char label[] = "standalone question:";
	if (end - i >= sizeof label - 1 && !strncasecmp(reply + i, label, sizeof label - 1)) {
		i += sizeof label - 1;
		while (i < end && reply[i] == ' ')
			i++;
	}
	while (end - i >= 2 && strchr("\"'`", reply[i]) && reply[end - 1] == reply[i]) {
		i++;
		end--;
	}
	if (i == end || end - i > REWRITE_MAX_BYTES) {
		*why = i == end ? "the rewrite came back empty" : "the rewrite was too long to be a question";
		return NULL;
	}
	for (size_t k = i; k < end;) {
		uint32_t cp;
		int n = utf8_decode(reply + k, end - k, &cp);
		if (n <= 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
			*why = "the rewrite held control characters or invalid UTF-8";
			return NULL;
		}
		k += (size_t)n;
	}
	return xstrndup(reply + i, end - i);
}

/* What the done callback needs; owned by the request. */
struct rlink {
	struct chan *chan;
	uint64_t gen;
};

static void msg_free(struct chan_msg *m)
{
	struct rewrite_msg *r = (struct rewrite_msg *)m;
	free(r->query);
	free(r->why);
	free(r);
}

static void post(struct chan *chan, uint64_t gen, char *query, char *why)
{
	struct rewrite_msg *m = xcalloc(1, sizeof *m);
	m->base.kind = REWRITE_MSG;
	m->base.gen = gen;
	m->base.free = msg_free;
	m->query = query;
	m->why = why;
	chan_send(chan, &m->base);
}

static void on_done(void *ctx, const struct stream_result *sr, const struct net_timings *tm)
{
	(void)tm;
	struct rlink *l = ctx;
	char *query = NULL, *why = NULL;
	if (sr->outcome != STREAM_COMPLETED) {
		why = stream_failure(sr, "rewrite");
	} else {
		const char *reason;
		query = rewrite_clean(sr->text ? sr->text : "", sr->text ? sr->text_len : 0, &reason);
		if (!query)
			why = xstrdup(reason);
	}
	if (why)
		log_warn("follow-up rewrite: %s; searching the question itself", why);
	post(l->chan, l->gen, query, why);
	free(l);
}

net_id rewrite_submit(struct net *net, const struct cfg_provider *p, const char *model, int timeout_s,
		      const struct history *h, const char *question, struct chan *chan, uint64_t gen,
		      char **err)
{
	char *user = rewrite_prompt(h, question);
	struct rlink *l = xcalloc(1, sizeof *l);
	l->chan = chan;
	l->gen = gen;
	struct net_callbacks cb = {.done = on_done, .ctx = l};
	net_id id = net_ask(net, p, model, timeout_s, system_text, user, REWRITE_MAX_TOKENS, &cb, err);
	if (!id)
		free(l);
	free(user);
	return id;
}

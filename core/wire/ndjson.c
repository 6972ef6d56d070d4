/* ndjson.c - newline-delimited JSON framing (see ndjson.h). */
#include "core/wire/ndjson.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "core/wire/linesplit.h"

struct ndjson {
	struct ndjson_callbacks cb;
	struct linesplit lines;
};

static void deliver(void *ctx, const char *l, size_t len);

struct ndjson *ndjson_new(const struct ndjson_callbacks *cb)
{
	struct ndjson *p = xcalloc(1, sizeof *p);
	if (cb)
		p->cb = *cb;
	linesplit_init(&p->lines, NDJSON_DEFAULT_MAX, deliver, p);
	return p;
}

void ndjson_free(struct ndjson *p)
{
	if (!p)
		return;
	linesplit_free(&p->lines);
	free(p);
}

void ndjson_set_max(struct ndjson *p, size_t max_bytes)
{
	p->lines.max = max_bytes ? max_bytes : NDJSON_DEFAULT_MAX;
}

const char *ndjson_strerror(int code)
{
	switch (code) {
	case NDJSON_OK:
		return "no error";
	case NDJSON_ETOOBIG:
		return "a line from the server was longer than the limit";
	}
	return "unknown NDJSON error";
}

/* Blank lines (empty, or only spaces and tabs) are skipped. */
static void deliver(void *ctx, const char *l, size_t len)
{
	struct ndjson *p = ctx;
	size_t i = 0;
	while (i < len && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (i == len)
		return;
	if (p->cb.on_line)
		p->cb.on_line(p->cb.ctx, l, len);
}

int ndjson_feed(struct ndjson *p, const char *data, size_t len)
{
	return linesplit_feed(&p->lines, data, len) == LINESPLIT_OK ? NDJSON_OK : NDJSON_ETOOBIG;
}

int ndjson_finish(struct ndjson *p)
{
	return linesplit_finish(&p->lines) == LINESPLIT_OK ? NDJSON_OK : NDJSON_ETOOBIG;
}

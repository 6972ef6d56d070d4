/* claimcheck.c - the optional checker model (see claimcheck.h). */
#include "core/answer/claimcheck.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/answer/verify.h"
#include "core/app/config.h"
#include "core/app/log.h"
#include "core/net/ask.h"
#include "core/net/provider.h"
#include "core/net/secret.h"

enum { PASSAGE_BYTES = 2000, CLAIMCHECK_TOKENS = 16 };

static const char chat_system[] =
	"You check claims against passages. For each numbered pair, answer YES only if the "
	"passage states the claim or directly implies it, and NO otherwise (when the passage "
	"is silent, contradicts it, or supports only a part of it). Reply with one line per "
	"pair, \"N: YES\" or \"N: NO\", and nothing else.";

struct claimcheck {
	struct cfg_provider prov; /* name, base_url copied; no key fields */
	char *key, *model;
	bool minicheck;
	int timeout_s;
};

struct claimcheck *claimcheck_new(const struct config *cfg, const struct cfg_profile *pf, char **err)
{
	*err = NULL;
	const struct cfg_verify *v = &pf->verify;
	if (!v->enabled)
		return NULL;
	const struct cfg_provider *p = config_provider(cfg, *v->provider ? v->provider : pf->provider);
	if (!p || p->kind == PROVIDER_BUILTIN) {
		*err = xstrdup("the checker needs a model server");
		return NULL;
	}
	struct secret key = {0};
	if (secret_get(p, &key, err) < 0)
		return NULL;
	struct claimcheck *c = xcalloc(1, sizeof *c);
	c->prov = *p;
	c->prov.name = xstrdup(p->name);
	c->prov.base_url = xstrdup(p->base_url);
	c->prov.api_key = c->prov.api_key_env = c->prov.api_key_cmd = NULL;
	c->key = key.key ? xstrdup(key.key) : NULL;
	secret_clear(&key);
	c->model = xstrdup(*v->model ? v->model : pf->model ? pf->model : "");
	c->minicheck = v->style == VERIFY_STYLE_MINICHECK;
	c->timeout_s = v->timeout_s;
	return c;
}

void claimcheck_free(struct claimcheck *c)
{
	if (!c)
		return;
	free(c->prov.name);
	free(c->prov.base_url);
	if (c->key) {
		memset(c->key, 0, strlen(c->key));
		free(c->key);
	}
	free(c->model);
	free(c);
}

/* ---- verdicts ------------------------------------------------------------------------- */

static int verdict_word(const char *s, const char *e)
{
	while (s < e && !isalpha((unsigned char)*s))
		s++;
	if (e - s >= 3 && !strncasecmp(s, "yes", 3))
		return 1;
	if (e - s >= 2 && !strncasecmp(s, "no", 2))
		return 0;
	return -1;
}

void claimcheck_parse(const char *reply, size_t len, bool minicheck, int first, int n, int *v)
{
	for (int i = 0; i < n; i++)
		v[i] = -1;
	const char *end = reply + len;
	if (minicheck) {
		v[0] = verdict_word(reply, end);
		return;
	}
	for (const char *ls = reply; ls < end;) {
		const char *le = memchr(ls, '\n', (size_t)(end - ls));
		le = le ? le : end;
		const char *p = ls;
		ls = le < end ? le + 1 : end;
		while (p < le && !isdigit((unsigned char)*p))
			p++;
		int num = 0;
		while (p < le && isdigit((unsigned char)*p) && num < 100000)
			num = num * 10 + (*p++ - '0');
		if (num < first || num >= first + n || p == le)
			continue;
		int w = verdict_word(p, le);
		if (w >= 0 && v[num - first] < 0)
			v[num - first] = w;
	}
}

/* ---- the requests --------------------------------------------------------------------- */

/* One answer's check: the sentences to check, their verdicts, the requests outstanding. */
struct job {
	struct claimcheck *c;
	struct turn_result *r;
	claimcheck_post_fn *post;
	struct chan *chan;
	uint64_t gen;
	double started;
	size_t *idx;      /* r->verify->v index of each claim */
	unsigned *cited;  /* per claim: bit k set when its source k exists */
	int *verdict;     /* per claim: 1, 0, -1 */
	size_t n;
	int pending;
	char *failure;    /* the first request's failure, or NULL */
};

struct part {
	struct job *job;
	int first, n;     /* claims first..first+n-1 (0-based) */
};

/* The sentence without its markers: "It grows [1][2]." -> "It grows." */
static void add_claim(struct buf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '[') {
			size_t j = i + 1;
			while (j < len && (isdigit((unsigned char)s[j]) || s[j] == ',' || s[j] == ' '))
				j++;
			if (j < len && s[j] == ']' && j > i + 1) {
				while (b->len && b->p[b->len - 1] == ' ')
					b->len--;
				i = j;
				continue;
			}
		}
		buf_addc(b, s[i] == '\n' ? ' ' : s[i]);
	}
}

static void add_passages(struct buf *b, const struct verify_sentence *vs, const struct cite_map *texts)
{
	for (int k = 0; k < vs->nsources; k++) {
		const struct source *src = cite_map_get(texts, vs->sources[k]);
		if (!src || !src->text)
			continue;
		size_t n = strlen(src->text);
		if (n > PASSAGE_BYTES)
			n = PASSAGE_BYTES;
		if (k)
			buf_addc(b, ' ');
		buf_add(b, src->text, n);
	}
}

static void finish(struct job *j)
{
	struct verify_result *v = j->r->verify;
	int decided = 0;
	for (size_t i = 0; i < j->n; i++) {
		struct verify_sentence *vs = &v->v[j->idx[i]];
		if (j->verdict[i] < 0)
			continue;
		decided++;
		bool yes = j->verdict[i] == 1;
		if (vs->status != VERIFY_ATTACHED)
			vs->status = yes ? VERIFY_SUPPORTED : VERIFY_UNSUPPORTED;
		for (int k = 0; k < vs->nsources; k++)
			vs->holds[k] = yes && (j->cited[i] >> k & 1);
		if (!yes && vs->status == VERIFY_ATTACHED)
			vs->status = VERIFY_UNCITED;
	}
	int supported = 0;
	for (size_t i = 0; i < v->n; i++)
		supported += v->v[i].status == VERIFY_SUPPORTED || v->v[i].status == VERIFY_ATTACHED;
	v->supported = supported;
	v->grounding = v->n ? (double)supported / (double)v->n : 0;
	j->r->grounding = v->grounding;
	j->r->sentences_supported = supported;
	if ((size_t)decided == j->n)
		j->r->checked_by = xstrdup(j->c->model);
	else
		j->r->checked_by = xasprintf("%s for %d of %zu sentences; the builtin check for the rest (%s)",
					     j->c->model, decided, j->n,
					     j->failure ? j->failure : "no verdict in the reply");
	if (j->failure)
		log_warn("checker %s: %s", j->c->model, j->failure);
	j->post(j->chan, j->gen, j->started, j->r);
	claimcheck_free(j->c);
	free(j->idx);
	free(j->cited);
	free(j->verdict);
	free(j->failure);
	free(j);
}

static void on_done(void *ctx, const struct stream_result *sr, const struct net_timings *tm)
{
	(void)tm;
	struct part *p = ctx;
	struct job *j = p->job;
	if (sr->outcome == STREAM_COMPLETED && sr->text) {
		claimcheck_parse(sr->text, sr->text_len, j->c->minicheck, j->c->minicheck ? 1 : p->first + 1, p->n,
				 j->verdict + p->first);
	} else if (!j->failure) {
		char *msg = stream_outcome_message(sr);
		j->failure = xasprintf("the checker failed: %s", msg && *msg ? msg : stream_outcome_name(sr->outcome));
		free(msg);
	}
	free(p);
	if (--j->pending == 0)
		finish(j);
}

static bool submit(struct job *j, struct net *net, const char *system, const char *user, int first, int n)
{
	struct part *p = xcalloc(1, sizeof *p);
	*p = (struct part){j, first, n};
	struct net_callbacks cb = {.done = on_done, .ctx = p};
	char *err = NULL;
	j->pending++; /* before: done callbacks run on this (the net) thread, never during the call */
	net_ask_key(net, &j->c->prov, j->c->key, j->c->model, j->c->timeout_s, system, user, CLAIMCHECK_TOKENS * n,
		    &cb, &err);
	if (!err)
		return true;
	j->pending--;
	free(p);
	if (!j->failure)
		j->failure = err;
	else
		free(err);
	return false;
}

bool claimcheck_run(struct claimcheck *c, struct net *net, struct turn_result *r, const char *answer, size_t len,
		    const struct cite_map *texts, claimcheck_post_fn *post, struct chan *chan, uint64_t gen,
		    double started)
{
	struct verify_result *v = r->verify;
	if (!c || !v || r->outcome != TURN_COMPLETED)
		return false;
	struct job *j = xcalloc(1, sizeof *j);
	*j = (struct job){.c = c, .r = r, .post = post, .chan = chan, .gen = gen, .started = started};
	j->idx = xcalloc(v->n + 1, sizeof *j->idx);
	j->verdict = xcalloc(v->n + 1, sizeof *j->verdict);
	j->cited = xcalloc(v->n + 1, sizeof *j->cited);
	for (size_t i = 0; i < v->n; i++) {
		const struct verify_sentence *vs = &v->v[i];
		unsigned bits = 0;
		for (int k = 0; k < vs->nsources; k++)
			if (cite_map_get(texts, vs->sources[k]))
				bits |= 1u << k;
		if (bits && vs->start + vs->len <= len) {
			j->cited[j->n] = bits;
			j->idx[j->n++] = i;
		}
	}
	if (!j->n) {
		free(j->cited);
		free(j->idx);
		free(j->verdict);
		free(j);
		return false;
	}
	for (size_t i = 0; i < j->n; i++)
		j->verdict[i] = -1;
	/* All requests go out before any can finish: done callbacks run on this thread. */
	j->pending = 1;
	for (size_t i = 0; i < j->n;) {
		size_t n = c->minicheck ? 1 : j->n - i < CLAIMCHECK_BATCH ? j->n - i : CLAIMCHECK_BATCH;
		struct buf u = {0};
		for (size_t k = 0; k < n; k++) {
			const struct verify_sentence *vs = &v->v[j->idx[i + k]];
			if (c->minicheck) {
				buf_adds(&u, "Document: ");
				add_passages(&u, vs, texts);
				buf_adds(&u, "\nClaim: ");
			} else {
				buf_addf(&u, "%s%zu.\nPassage: ", k ? "\n\n" : "", i + k + 1);
				add_passages(&u, vs, texts);
				buf_adds(&u, "\nClaim: ");
			}
			add_claim(&u, answer + vs->start, vs->len);
		}
		submit(j, net, c->minicheck ? NULL : chat_system, buf_str(&u), (int)i, (int)n);
		buf_free(&u);
		i += n;
	}
	if (--j->pending == 0)
		finish(j);
	return true;
}

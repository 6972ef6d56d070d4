/* idx_tokenizer.c - the index's tokenizer, offered to core through idx.h. */
#include "index/idx.h"

#include <stdlib.h>

#include "index/text/text.h"

struct idx_tokenizer {
	struct tokenizer *tok;
};

struct idx_tokenizer *idx_tokenizer_new(const char *language)
{
	struct tokenizer *tok = tok_new(language);
	if (!tok)
		return NULL;
	struct idx_tokenizer *t = malloc(sizeof *t);
	if (!t) {
		tok_free(tok);
		return NULL;
	}
	t->tok = tok;
	return t;
}

void idx_tokenizer_free(struct idx_tokenizer *t)
{
	if (!t)
		return;
	tok_free(t->tok);
	free(t);
}

struct relay {
	struct tokenizer *tok;
	int (*fn)(void *ctx, const char *term, size_t len, bool stopword);
	void *ctx;
};

static int relay_token(void *ctx, const struct token *tk)
{
	struct relay *r = ctx;
	return r->fn(r->ctx, tk->term, tk->len, tok_is_stopword(r->tok, tk->term, tk->len));
}

void idx_tokenize(struct idx_tokenizer *t, const char *text, size_t len,
		  int (*fn)(void *ctx, const char *term, size_t len, bool stopword), void *ctx)
{
	struct relay r = {t->tok, fn, ctx};
	tok_each(t->tok, text, len, relay_token, &r);
}

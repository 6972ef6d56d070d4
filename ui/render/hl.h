/* hl.h - what to highlight: search matches in the conversation and the question's terms
 * in a source snippet. Pure apart from the tokenizer each hl_terms owns; UI thread. */
#ifndef FN_HL_H
#define FN_HL_H

#include <stddef.h>

#include "ui/render/wrap.h"

/* First match of needle in hay[from..len), ASCII letters compared without case; SIZE_MAX
 * when none (or needle is empty). */
size_t hl_find(const char *hay, size_t len, const char *needle, size_t nlen, size_t from);

/* The question's terms, folded and stemmed like the index does (stopwords dropped). */
struct hl_terms;
struct hl_terms *hl_terms_new(const char *question, const char *language);
void hl_terms_free(struct hl_terms *t);
/* Spans covering text[0..len): words whose stem is a question term in match_slot, the rest
 * in base_slot. Returns the count; caller frees *out. */
size_t hl_term_spans(const struct hl_terms *t, const char *text, size_t len, int base_slot,
		     int match_slot, struct span **out);

#endif

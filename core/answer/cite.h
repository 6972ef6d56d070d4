/* cite.h - the citation marker parser: an answer's text, fed in any pieces, becomes spans of
 * text, code and citation markers with byte offsets into the text.
 *
 * Understood: [1]  [1, 2]  [1;2]  [1][2]  [1-3]  [^1]  [source 1]  【1】  ［1］  ［１，２］  【1†source】.
 * A marker's numbers are checked against the sources the answer was given (1..nsources): a
 * number with no source is reported invalid, never dropped. Not markers: anything inside code
 * (fenced blocks and inline `code`), numbers of four digits or more ([2019]), ranges over
 * CITE_MAX_IDS numbers, and brackets holding anything else ([note], [1a]).
 *
 * Streaming: a possible marker is held back until it resolves (a partial "[1" or the first
 * bytes of "【"), and so is a run of backticks until its length is known; everything else is
 * reported as soon as it is fed. Offsets count every byte fed since cite_parser_new, so they
 * index the concatenation of the pieces: a consumer that keeps the raw text (the UI, a
 * session) looks the spans up there.
 *
 * Pure, no I/O; one parser per answer, used by one thread at a time. */
#ifndef FN_CITE_H
#define FN_CITE_H

#include <stdbool.h>
#include <stddef.h>

enum { CITE_MAX_IDS = 16 };

enum cite_kind {
	CITE_TEXT,   /* prose */
	CITE_CODE,   /* a code fence line, a fenced block's content, or an inline code span */
	CITE_MARKER, /* a citation marker */
};

struct cite_seg {
	enum cite_kind kind;
	size_t start, len;        /* bytes of the text fed so far */
	/* CITE_MARKER only: */
	int nids;                 /* numbers in the order written, ranges expanded */
	int ids[CITE_MAX_IDS];
	bool valid[CITE_MAX_IDS]; /* ids[i] names a source */
	int ninvalid;             /* how many ids have no source */
};

/* Called once per span, in text order. Consecutive spans may have the same kind (text is
 * reported at the end of every feed so a streaming display never waits for a marker). */
typedef void (*cite_fn)(void *ctx, const struct cite_seg *seg);

struct cite_parser;
/* A parser for an answer given nsources numbered sources (0 = none: every id is invalid).
 * Caller frees with cite_parser_free. */
struct cite_parser *cite_parser_new(int nsources);
void cite_parser_free(struct cite_parser *p);
/* Feeds len bytes; fn gets every span that is now decided. */
void cite_feed(struct cite_parser *p, const char *s, size_t len, cite_fn fn, void *ctx);
/* The answer is complete: whatever is held is decided (a dangling "[1" is text). */
void cite_finish(struct cite_parser *p, cite_fn fn, void *ctx);
/* Bytes fed but not yet reported (a held "[1" or backtick run). A streaming display shows the
 * text up to fed - held. */
size_t cite_held(const struct cite_parser *p);

/* The whole-text form. Adjacent spans of one kind are merged. With final false the held tail
 * is left out (the text is still streaming): the spans then end at len - held. Caller frees
 * with cite_segs_free. */
struct cite_segs {
	struct cite_seg *v;
	size_t n, cap;
	int markers;              /* marker spans */
	int invalid;              /* ids with no source, over all markers */
};
void cite_parse(const char *s, size_t len, int nsources, bool final, struct cite_segs *out);
void cite_segs_free(struct cite_segs *segs);

#endif

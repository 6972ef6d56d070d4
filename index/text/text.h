/* text.h - the index's text pipeline: file bytes -> text -> chunks -> terms. Internal to
 * index/. Pure functions unless noted; any thread.
 *
 * Ownership: every struct filled here is released with its *_free function. */
#ifndef FN_TEXT_H
#define FN_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* ---- extraction (extract.c) --------------------------------------------------------- */
enum text_kind { TEXT_PLAIN, TEXT_MARKDOWN, TEXT_CODE, TEXT_HTML, TEXT_PDF, TEXT_OTHER, TEXT_DOC, TEXT_TABLE };
/* Kind by file name (extension), e.g. "a.md" -> TEXT_MARKDOWN. TEXT_OTHER = a known binary
 * format (images, archives, legacy office files: only a converter can index them);
 * TEXT_DOC = a zip of XML read by text_from_doc (.docx .pptx .odt .odp .epub), extracted
 * as Markdown; TEXT_TABLE = rows (.csv .tsv .jsonl .ndjson, and .xlsx .ods through
 * text_from_sheet), extracted as table text and chunked by chunk_rows. Unknown extensions
 * and none are TEXT_PLAIN, left to binary sniffing. */
enum text_kind text_kind_of(const char *path);
/* True for the zip formats text_extract reads itself (TEXT_DOC, .xlsx, .ods). */
bool text_zipped(const char *path);
/* text_kind_of, and a .json file whose bytes are an array of objects is TEXT_TABLE. */
enum text_kind text_kind_sniff(const char *path, const char *data, size_t len);
/* True when the bytes look binary (NUL bytes, or too many control bytes in the first 8 KiB). */
int text_is_binary(const char *data, size_t len);
/* True for a file footnote wrote itself (a session export, whatever its name or place): a
 * Markdown export's front matter opens with "# written by footnote" or "footnote_session:",
 * an HTML comment "<!-- written by footnote" opens a text file, or a JSON document's
 * "format" key says "footnote-session". Indexing one would cite footnote's own answers
 * back as sources. Looks at the first 512 bytes only. */
bool text_written_by_footnote(const char *data, size_t len);
/* The reason text_extract gives for such a file; sync counts it as skipped, not failed. */
#define TEXT_OWN_EXPORT "written by footnote (a session export)"
/* HTML to plain text: tags dropped (script/style/head content too), block tags become line
 * breaks, entities decoded (named common ones and numeric; invalid ones stay as text),
 * whitespace collapsed outside <pre>. <h1>..<h6> are written as Markdown "# Title" lines so
 * the chunker (which reads TEXT_HTML as Markdown) gives them heading paths; <li> items are
 * "- item" lines and table rows "| a | b |" (EPUB chapters go through here too). Appends to
 * out; does not repair UTF-8 (text_extract does). */
void text_from_html(const char *html, size_t len, struct buf *out);
/* Extracted text of one file. For PDFs the text comes from `pdftotext -layout` and pages are
 * separated by form feeds ('\f'); the chunker turns them into page numbers. Converter
 * commands (ext -> shell command with %s) come from config; a converter for an extension
 * wins over the built-in kinds; %s becomes the single-quoted path, %% a '%'. PDFs and
 * converters read the file at path (data may be NULL for them); the rest read data.
 * Returns 0, or -1 with a reason in err ("binary file", "pdftotext not found: install
 * poppler-utils", "converter exited with status 2", "pdftotext exited with status 1");
 * a program running over 120 s is killed. The text is valid UTF-8 (invalid bytes become
 * U+FFFD), without BOM, NUL bytes or CR (CRLF and lone CR become LF). Text that is not
 * UTF-8 is decoded first: UTF-16 LE/BE by its byte order mark, anything else as
 * Windows-1252 (Latin-1 reads the same); then err holds the guess, e.g. "decoded as
 * Windows-1252 (not valid UTF-8)", on success too (empty when there is nothing to say).
 * A file footnote wrote itself gives -1 and TEXT_OWN_EXPORT. Blocks for as long as a
 * converter runs; any thread. */
struct text_converter { const char *ext, *command; };
int text_extract(const char *path, const char *data, size_t len,
		 const struct text_converter *conv, size_t nconv, struct buf *out,
		 char *err, size_t errlen);

/* The zip formats (office.c, sheet.c): data[0..len) to text; ext names the format. Returns
 * 0, or -1 with the reason (corrupt zip, a cap of zipxml.h, a DTD, a password) in err. */
int text_from_doc(const char *ext, const char *data, size_t len, struct buf *out, char *err, size_t errlen);
int text_from_sheet(const char *ext, const char *data, size_t len, struct buf *out, char *err, size_t errlen);
/* Database exports (rows.c) to table text: CSV (a ';' separator when the header has more
 * of them than commas), TSV, JSON Lines (row N = line N), a JSON array (row N = element
 * N; the header row, numbered 0, lists the keys as first seen). */
int text_from_rows(const char *ext, const char *data, size_t len, struct buf *out, char *err, size_t errlen);
/* True when data is a JSON array whose first element is an object. */
bool text_is_json_rows(const char *data, size_t len);
/* Appends "\t" and the cell with tabs and line breaks made spaces, trimmed (table text). */
void table_cell(struct buf *out, const char *s, size_t n);

/* What a document says about itself (meta.c): its title, its tags (",a,b,": lower-cased,
 * spaces made '-', each between commas) and its date (YYYY-MM-DD), from Markdown front
 * matter (title:, tags: or keywords: as a list or "a, b", date:), docProps/core.xml
 * (.docx .pptx .xlsx), meta.xml (.odt .odp .ods) or the EPUB package; empty when absent.
 * Never fails: a file it cannot read has none. */
struct text_meta {
	char title[256];
	char tags[512];
	char date[11];
};
void text_meta_of(const char *path, const char *data, size_t len, struct text_meta *m);

/* ---- chunking (chunk.c) ------------------------------------------------------------- */
struct chunk {
	size_t byte_start, byte_end;    /* range in the extracted text */
	uint32_t line_start, line_end;  /* 1-based, inclusive, in the extracted text */
	uint32_t page;                  /* 1-based when the text had form feeds, else 0 */
	char *heading;                  /* "Top > Sub", or "" */
	char *text;                     /* the chunk's text (NUL-terminated) */
};
struct chunk_list {
	struct chunk *v;
	size_t n, cap;
};
struct chunk_opts {
	size_t target_chars;  /* aim for chunks of this many characters (code points) */
	size_t overlap_chars; /* characters repeated from the previous chunk */
};
/* Splits text following its structure: Markdown headings start chunks and form the heading
 * path; paragraphs are not cut when they fit; fenced code blocks stay whole when they fit
 * in 2 x target; long paragraphs are cut at sentence, then line, then word boundaries, then
 * at a character. Sizes count characters, so CJK text gets chunks of the same size in
 * characters as English. target_chars bounds a chunk's new text; the overlap (taken only
 * within a section and page, and not from code fences) comes on top, so a prose chunk has
 * at most target + overlap characters. Code (TEXT_CODE) is cut between top-level blocks and
 * overlaps by whole lines. A chunk is one byte range of text: text == text[byte_start,
 * byte_end), with blank lines and trailing whitespace trimmed. Form feeds are page breaks;
 * no chunk spans one. Deterministic: the same text always gives the same chunks. o may be
 * NULL (IDX_CHUNK_CHARS characters, no overlap); an overlap above target/2 is lowered to that. */
void chunk_text(const char *text, size_t len, enum text_kind kind, const struct chunk_opts *o,
		struct chunk_list *out);
void chunk_list_free(struct chunk_list *l);
/* Table text (rows.c) to chunks of whole rows: each chunk starts with its sheet's header
 * row (and "Sheet: name"), rows are rendered "| a | b |", a chunk's new rows stay within
 * target characters (one row at least); line_start/line_end are the first and last row
 * numbers, page the sheet (1-based, 0 when there are no sheets), heading the sheet name. */
void chunk_rows(const char *text, size_t len, const struct chunk_opts *o, struct chunk_list *out);

/* ---- tokenizing (token.c) ----------------------------------------------------------- */
/* A tokenizer: Unicode-aware word splitting, case folding (Latin, Greek, Cyrillic at
 * least), Snowball stemming through libstemmer, CJK split into character bigrams. One per
 * thread (libstemmer state is not thread-safe). Words are runs of letters and digits:
 * hyphens, underscores and dots separate; an apostrophe between letters stays ("don't"),
 * a final "'s" is dropped; ß folds to "ss"; words with a digit are not stemmed; ideographs,
 * kana and hangul give overlapping bigrams (a lone one a unigram). */
struct tokenizer;
/* Longest term in bytes: a longer folded word is truncated at a character boundary. */
#define TOK_MAX_TERM 64
/* language: a libstemmer name ("english", "german", ...) or "none"/NULL for no stemming.
 * Returns NULL when the language is unknown. */
struct tokenizer *tok_new(const char *language);
void tok_free(struct tokenizer *t);
struct token {
	const char *term;   /* folded and stemmed, NUL-terminated; valid until the next call */
	size_t len;
	size_t byte_start, byte_end; /* where the word was in the input */
};
/* Calls fn for each term of text, in order; stops early when fn returns non-zero. */
void tok_each(struct tokenizer *t, const char *text, size_t len,
	      int (*fn)(void *ctx, const struct token *tk), void *ctx);
/* True for very common words of the language that carry no meaning ("the", "of"): terms as
 * tok_each gives them (folded; stemmed forms such as "veri" included). An English list,
 * used for "english" and "none"; other languages have none yet. */
int tok_is_stopword(const struct tokenizer *t, const char *term, size_t len);

#endif

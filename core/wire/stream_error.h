/* stream_error.h - the message and code in a model server's error body, for the stream
 * decoder (an in-band error, an HTTP error body) and the HTTP and embeddings clients.
 *
 * Pure. Every string it returns is valid UTF-8, shortened to about 2,000 bytes, and still
 * untrusted (the server's words): sanitize before display. */
#ifndef FN_STREAM_ERROR_H
#define FN_STREAM_ERROR_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct cJSON;

/* The message in an error body from any of the servers above ({"error":{"message":..}},
 * {"error":"..."}, {"message":..}, {"detail":..}, an HTML page (its title, see stream_error_html), or plain text), shortened, valid UTF-8,
 * "" when there is none. Sets *code (caller frees) to the code or type when code is not NULL
 * and one is present, else NULL. Caller frees. */
char *stream_error_message(const char *body, size_t len, char **code);
/* The same from parsed JSON j (an object or a string): the message replaces msg; a code, when
 * there is one, replaces code and sets *has_code. */
void stream_error_from_json(const struct cJSON *j, struct buf *msg, struct buf *code, bool *has_code);
/* Whether an error body (or a stream) is an HTML page: it starts with '<' and has one of
 * the tags a page has near its start. */
bool stream_error_is_html(const char *p, size_t n);
/* msg = a sentence naming the page p[0..n) by its <title> (else the text of its first <h1>,
 * its <body>, its <html>), never its markup: 'an HTML page, "502 Bad Gateway" (a proxy
 * or gateway answered, not the model server)'. Still untrusted: sanitize to show it. */
void stream_error_html(const char *p, size_t n, struct buf *msg);
/* b = p[0..n) without leading and trailing white space, shortened, invalid UTF-8 repaired. */
void stream_error_trim(struct buf *b, const char *p, size_t n);

#endif

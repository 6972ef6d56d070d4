/* zipxml.h - reading untrusted zip containers and the XML inside them, with caps (internal
 * to index/text). A zip is opened from memory with libzip; an entry is read in full only
 * when its real uncompressed size (counted while inflating, not the header's claim) stays
 * under ZX_MAX_ENTRY, the archive's total under ZX_MAX_TOTAL and its ratio to the
 * compressed size under ZX_MAX_RATIO. XML is read with libxml2's streaming reader: no
 * network, no external entities or DTDs loaded, no entity substitution; a document with
 * an internal DTD subset (where entities are declared) is refused before parsing. */
#ifndef FN_ZIPXML_H
#define FN_ZIPXML_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/xmlreader.h>

#include "base/buf.h"

#define ZX_MAX_ENTRY ((size_t)64 << 20)
#define ZX_MAX_TOTAL ((size_t)256 << 20)
#define ZX_MAX_RATIO 200
/* Below this many uncompressed bytes the ratio is not checked (tiny entries compress well). */
#define ZX_RATIO_FLOOR ((size_t)1 << 20)

struct zx {
	struct zip *za;
	size_t total; /* uncompressed bytes read so far */
	char *err;
	size_t errlen;
};
/* Opens data[0..len) as a zip; on failure returns -1 with a reason in err ("not a zip
 * archive (corrupt or truncated)", "password-protected (an encrypted Office document)").
 * data must outlive the zx. */
int zx_open(struct zx *z, const char *data, size_t len, char *err, size_t errlen);
void zx_close(struct zx *z);
/* True when the archive has an entry of that name (exact, case-sensitive). */
bool zx_has(struct zx *z, const char *name);
/* Number of entries and the name of entry i (NULL when unreadable). */
long zx_count(struct zx *z);
const char *zx_name(struct zx *z, long i);
/* Reads entry name whole into out (NUL-terminated). Returns 0, 1 when there is no such
 * entry, or -1 with the reason in z->err (a cap, encryption, a corrupt entry). */
int zx_read(struct zx *z, const char *name, struct buf *out);

/* An OpenDocument file's content.xml into out: 0, or -1 with the reason in err (the manifest
 * says it is encrypted, there is no content.xml, or reading it failed). */
int zx_odf_content(struct zx *z, struct buf *out, char *err, size_t errlen);

/* A reader over xml[0..len), or NULL with the reason in err (an internal DTD subset). */
xmlTextReaderPtr zx_xml(const char *xml, size_t len, const char *what, char *err, size_t errlen);
/* The value of the current element's attribute whose local name is local (any prefix), as
 * a malloc'ed string, or NULL. Leaves the reader on the element. */
char *zx_attr(xmlTextReaderPtr r, const char *local);
/* Appends the current text node's value with whitespace runs made one space. */
void zx_text(xmlTextReaderPtr r, struct buf *out);
/* The local name of the current node, never NULL. */
const char *zx_local(xmlTextReaderPtr r);
/* Reads the next node: 1, 0 at the end, -1 on malformed XML (reason in err). */
int zx_next(xmlTextReaderPtr r, const char *what, char *err, size_t errlen);

#endif

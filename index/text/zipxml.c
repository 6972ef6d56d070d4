/* zipxml.c - capped zip entries and guarded XML readers (see zipxml.h). */
#include "index/text/zipxml.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <zip.h>

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

/* Nothing outside the document is ever read: not a file, not the network. */
static xmlParserInputPtr no_loader(const char *url, const char *id, xmlParserCtxtPtr ctx)
{
	(void)url;
	(void)id;
	(void)ctx;
	return NULL;
}

static void silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void quiet(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

static void xml_init(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(no_loader);
	xmlSetGenericErrorFunc(NULL, silent);
}

int zx_open(struct zx *z, const char *data, size_t len, char *err, size_t errlen)
{
	memset(z, 0, sizeof *z);
	z->err = err;
	z->errlen = errlen;
	if (len >= 8 && !memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
		/* An OOXML file with a password is an OLE compound file holding the encrypted zip. */
		snprintf(err, errlen, "password-protected or legacy binary Office file (not a zip): a converter can index it");
		return -1;
	}
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src) {
		snprintf(err, errlen, "not a zip archive (corrupt or truncated)");
		zip_error_fini(&ze);
		return -1;
	}
	z->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!z->za) {
		zip_source_free(src);
		snprintf(err, errlen, "not a zip archive (corrupt or truncated): %s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return -1;
	}
	zip_error_fini(&ze);
	return 0;
}

void zx_close(struct zx *z)
{
	if (z->za)
		zip_discard(z->za);
	z->za = NULL;
}

bool zx_has(struct zx *z, const char *name)
{
	return zip_name_locate(z->za, name, 0) >= 0;
}

long zx_count(struct zx *z)
{
	return (long)zip_get_num_entries(z->za, 0);
}

const char *zx_name(struct zx *z, long i)
{
	return zip_get_name(z->za, (zip_uint64_t)i, 0);
}

int zx_read(struct zx *z, const char *name, struct buf *out)
{
	zip_int64_t i = zip_name_locate(z->za, name, 0);
	if (i < 0)
		return 1;
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_stat_index(z->za, (zip_uint64_t)i, 0, &st) != 0) {
		snprintf(z->err, z->errlen, "corrupt zip entry %s", name);
		return -1;
	}
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
		snprintf(z->err, z->errlen, "password-protected (encrypted zip entry %s)", name);
		return -1;
	}
	/* The header's claim first (cheap), then the real count while inflating. */
	if ((st.valid & ZIP_STAT_SIZE) && st.size > ZX_MAX_ENTRY) {
		snprintf(z->err, z->errlen, "zip entry %s is over the %zu MiB cap uncompressed", name, ZX_MAX_ENTRY >> 20);
		return -1;
	}
	uint64_t comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
	zip_file_t *f = zip_fopen_index(z->za, (zip_uint64_t)i, 0);
	if (!f) {
		snprintf(z->err, z->errlen, "cannot read zip entry %s: %s", name, zip_strerror(z->za));
		return -1;
	}
	size_t got = 0;
	int rc = 0;
	for (;;) {
		char *dst = buf_reserve(out, 65536);
		zip_int64_t n = zip_fread(f, dst, 65536);
		if (n < 0) {
			snprintf(z->err, z->errlen, "corrupt zip entry %s: %s", name, zip_file_strerror(f));
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		buf_commit(out, (size_t)n);
		got += (size_t)n;
		z->total += (size_t)n;
		if (got > ZX_MAX_ENTRY) {
			snprintf(z->err, z->errlen, "zip entry %s is over the %zu MiB cap uncompressed", name,
				 ZX_MAX_ENTRY >> 20);
			rc = -1;
			break;
		}
		if (z->total > ZX_MAX_TOTAL) {
			snprintf(z->err, z->errlen, "zip archive is over the %zu MiB cap uncompressed", ZX_MAX_TOTAL >> 20);
			rc = -1;
			break;
		}
		if (got > ZX_RATIO_FLOOR && got / (comp ? comp : 1) > ZX_MAX_RATIO) {
			snprintf(z->err, z->errlen, "zip entry %s expands over %d times its size (a zip bomb?)", name,
				 ZX_MAX_RATIO);
			rc = -1;
			break;
		}
	}
	zip_fclose(f);
	buf_reserve(out, 1)[0] = '\0';
	return rc;
}

xmlTextReaderPtr zx_xml(const char *xml, size_t len, const char *what, char *err, size_t errlen)
{
	pthread_once(&xml_once, xml_init);
	/* Entities are declared in a DTD's internal subset: refuse any document that has one
	 * (no office format needs it), before the parser sees it. */
	const char *dt = memmem(xml, len, "<!DOCTYPE", 9);
	if (dt) {
		const char *end = xml + len;
		const char *p = dt + 9;
		while (p < end && *p != '>' && *p != '[')
			p++;
		if (p < end && *p == '[') {
			snprintf(err, errlen, "XML with a DTD subset (entity declarations) refused in %s", what);
			return NULL;
		}
	}
	if (memmem(xml, len, "<!ENTITY", 8)) {
		snprintf(err, errlen, "XML with entity declarations refused in %s", what);
		return NULL;
	}
	if (len > (size_t)0x7fffffff) {
		snprintf(err, errlen, "XML too large in %s", what);
		return NULL;
	}
	int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
	xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)len, NULL, NULL, opts);
	if (!r)
		snprintf(err, errlen, "cannot read the XML of %s", what);
	else /* per reader, so any thread is quiet (the generic handler is per thread) */
		xmlTextReaderSetStructuredErrorHandler(r, quiet, NULL);
	return r;
}

char *zx_attr(xmlTextReaderPtr r, const char *local)
{
	char *v = NULL;
	if (xmlTextReaderMoveToFirstAttribute(r) != 1)
		return NULL;
	do {
		const char *ln = (const char *)xmlTextReaderConstLocalName(r);
		if (ln && !strcmp(ln, local)) {
			const char *val = (const char *)xmlTextReaderConstValue(r);
			v = strdup(val ? val : "");
			break;
		}
	} while (xmlTextReaderMoveToNextAttribute(r) == 1);
	xmlTextReaderMoveToElement(r);
	return v;
}

void zx_text(xmlTextReaderPtr r, struct buf *out)
{
	const char *s = (const char *)xmlTextReaderConstValue(r);
	if (!s)
		return;
	bool sp = false;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v') {
			sp = true;
			continue;
		}
		if (sp)
			buf_addc(out, ' ');
		sp = false;
		buf_addc(out, *s);
	}
	if (sp)
		buf_addc(out, ' ');
}

const char *zx_local(xmlTextReaderPtr r)
{
	const char *n = (const char *)xmlTextReaderConstLocalName(r);
	return n ? n : "";
}

int zx_next(xmlTextReaderPtr r, const char *what, char *err, size_t errlen)
{
	int rc = xmlTextReaderRead(r);
	if (rc < 0)
		snprintf(err, errlen, "malformed XML in %s", what);
	return rc;
}

int zx_odf_content(struct zx *z, struct buf *out, char *err, size_t errlen)
{
	/* ODF encrypts content.xml when a password is set; the manifest says so. */
	struct buf man = {0};
	bool encrypted = zx_read(z, "META-INF/manifest.xml", &man) == 0 && man.len &&
			 memmem(man.p, man.len, "encryption-data", 15);
	buf_free(&man);
	if (encrypted) {
		snprintf(err, errlen, "password-protected (an encrypted OpenDocument file)");
		return -1;
	}
	int rc = zx_read(z, "content.xml", out);
	if (rc == 1)
		snprintf(err, errlen, "not an OpenDocument file: no content.xml");
	return rc ? -1 : 0;
}

/* version.c - footnote's version and its libraries' (see version.h).
 *
 * The library headers are included here for their version macros and calls only: a
 * version query reads no data, so it couples this file to nothing else in the layers.
 * Curses is the exception (only ui/term/term.c may include it), so it answers through
 * term_lib_version(). FN_VERSION and FN_MD4C_VERSION come from the Makefile (md4c and
 * libstemmer have no version macro or call; md4c's is pkg-config's at build time). */
#include "ui/cmd/version.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <lmdb.h>
#include <stdio.h>
#include <xxhash.h>
#include <string.h>
#include <yaml.h>

#include "ui/term/term.h"

#ifndef FN_VERSION
#define FN_VERSION "0.1.0"
#endif
#ifndef FN_MD4C_VERSION
#define FN_MD4C_VERSION "unknown"
#endif

#define STR_(x) #x
#define STR(x) STR_(x)

const char *cli_version_string(void)
{
	return FN_VERSION;
}

/* built: what the header said at build time; running: what the library says now (NULL
 * when it cannot say), shown only when the two differ. */
static void lib(FILE *f, const char *name, const char *built, const char *running)
{
	fprintf(f, "  %-11s %s", name, built);
	if (running && strcmp(running, built))
		fprintf(f, " (running %s)", running);
	fputc('\n', f);
}

void cli_version(FILE *f)
{
	char xxh[32];
	unsigned v = XXH_versionNumber();
	snprintf(xxh, sizeof xxh, "%u.%u.%u", v / 10000, v / 100 % 100, v % 100);
	int lmaj, lmin, lpat;
	mdb_version(&lmaj, &lmin, &lpat);
	char lmdb[32];
	snprintf(lmdb, sizeof lmdb, "%d.%d.%d", lmaj, lmin, lpat);

	fprintf(f, "footnote %s\nbuilt with:\n", FN_VERSION);
	lib(f, "libcurl", LIBCURL_VERSION, curl_version_info(CURLVERSION_NOW)->version);
	lib(f, "curses", term_lib_version(), NULL);
	lib(f, "LMDB", STR(MDB_VERSION_MAJOR) "." STR(MDB_VERSION_MINOR) "." STR(MDB_VERSION_PATCH), lmdb);
	lib(f, "libyaml", yaml_get_version_string(), NULL); /* no macro: the running one */
	lib(f, "cJSON", STR(CJSON_VERSION_MAJOR) "." STR(CJSON_VERSION_MINOR) "." STR(CJSON_VERSION_PATCH),
	    cJSON_Version());
	lib(f, "md4c", FN_MD4C_VERSION, NULL);
	lib(f, "xxHash", STR(XXH_VERSION_MAJOR) "." STR(XXH_VERSION_MINOR) "." STR(XXH_VERSION_RELEASE), xxh);
	lib(f, "libstemmer", "(no version call)", NULL);
}

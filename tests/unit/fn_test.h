/* fn_test.h - what every cmocka unit test includes. */
#ifndef FN_TEST_H
#define FN_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Path of a small fixture in the repository's tests/data (FN_ROOT is set by tests/run.sh;
 * without it the test runs from the repository root). Valid until the next call. */
static inline const char *fn_data(const char *rel)
{
	static char path[4096];
	const char *root = getenv("FN_ROOT");
	snprintf(path, sizeof path, "%s/tests/data/%s", root ? root : ".", rel);
	return path;
}

/* Path of a file in a large data set outside the repository, ../shared/data (FN_SHARED is set
 * by tests/run.sh). A plain clone has no ../shared: check with fn_shared_or_skip first. Valid
 * until the next call. */
static inline const char *fn_shared(const char *rel)
{
	static char path[4096];
	const char *root = getenv("FN_SHARED");
	snprintf(path, sizeof path, "%s/data/%s", root ? root : "../shared", rel);
	return path;
}

/* Skips the running test, saying why, when fn_shared(rel) does not exist. cmocka's TAP line
 * for a skip carries no reason, so the reason goes on the "# skipped: " line just before it,
 * where tests/run.sh reads it. */
#define fn_shared_or_skip(rel)                                                                 \
	do {                                                                                   \
		FILE *fn_f_ = fopen(fn_shared(rel), "rb");                                     \
		if (!fn_f_) {                                                                  \
			printf("# skipped: %s is absent (a plain clone has no ../shared/data)\n", \
			       fn_shared(rel));                                                \
			fflush(stdout);                                                        \
			skip();                                                                \
		} else {                                                                       \
			fclose(fn_f_);                                                         \
		}                                                                              \
	} while (0)

/* Reads a whole file into a new buffer (caller frees); fails the test when it cannot. */
static inline char *fn_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	if (fread(p, 1, (size_t)n, f) != (size_t)n)
		fail_msg("cannot read %s", path);
	p[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return p;
}

#endif

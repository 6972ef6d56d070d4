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

/* Path of a file in ../shared/data (tests run with FN_SHARED set by tests/run.sh). */
static inline const char *fn_shared(const char *rel)
{
	static char path[4096];
	const char *root = getenv("FN_SHARED");
	snprintf(path, sizeof path, "%s/data/%s", root ? root : "../shared", rel);
	return path;
}

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

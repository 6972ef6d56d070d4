/* plural.c - see plural.h. */
#include "base/plural.h"

const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

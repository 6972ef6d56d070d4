/* idx_check.c - opens an index read-only and verifies its invariants from scratch
 * (store_check: every chunk's file, postings, vector blocks and counts agree). For the kill
 * tests, which cannot call it from the shell otherwise.
 *
 *   idx_check DIR      prints "consistent: N files, N chunks, generation G" and exits 0, or
 *                      the problem on stderr and exits 1 */
#include <stdio.h>

#include "index/idx.h"
#include "index/store/store.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: idx_check DIR\n");
		return 2;
	}
	idx *ix;
	int rc = idx_open(argv[1], IDX_RDONLY, &ix);
	if (rc) {
		fprintf(stderr, "idx_check: cannot open %s: %s\n", argv[1], idx_strerror(rc));
		return 1;
	}
	char err[512] = "";
	struct idx_stats st;
	rc = store_check(ix, err, sizeof err);
	if (!rc)
		rc = idx_stats(ix, &st);
	if (rc)
		fprintf(stderr, "idx_check: %s: %s\n", argv[1], *err ? err : idx_strerror(rc));
	else
		printf("consistent: %llu files, %llu chunks, generation %llu\n",
		       (unsigned long long)st.files, (unsigned long long)st.chunks,
		       (unsigned long long)st.generation);
	idx_close(ix);
	return rc ? 1 : 0;
}

/* fuzz.h - what every libFuzzer target in tests/fuzz/ includes.
 *
 * A target defines LLVMFuzzerTestOneInput and checks the invariants its header promises, not
 * only "no crash": a broken invariant calls FUZZ_CHECK, which aborts with the line, so
 * libFuzzer saves the input as a crash. Targets are built with clang -fsanitize=fuzzer and
 * ASan+UBSan (tests/fuzz/fuzz.mk); their seed corpora are made by tests/fuzz/seeds.sh. */
#ifndef FN_FUZZ_H
#define FN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                      \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                              \
		}                                                                             \
	} while (0)

/* True when s[0..len) is strict UTF-8. */
static inline int fuzz_utf8_ok(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);
		if (n <= 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

/* Slices data into pieces whose lengths come from a small seed, so one input also tests
 * how a streaming parser handles every kind of split. Calls fn on each slice in order. */
static inline void fuzz_slices(const char *data, size_t len, uint8_t seed,
			       void (*fn)(void *ctx, const char *p, size_t n), void *ctx)
{
	size_t i = 0, step = (size_t)(seed & 0x0f) + 1;
	while (i < len) {
		size_t n = seed & 0x80 ? step : len - i;
		if (n > len - i)
			n = len - i;
		fn(ctx, data + i, n);
		i += n;
		step = step * 5 % 17 + 1; /* vary the slice sizes: 1..17 */
	}
}

#endif

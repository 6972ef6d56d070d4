/* hmap.h - small open-addressing hash maps used inside index/: u64 -> value and string ->
 * value. Not shared between threads; the owner frees with *_free. Values are size_t (an
 * index into the owner's own array, usually). */
#ifndef FN_HMAP_H
#define FN_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct u64map {
	uint64_t *keys;
	size_t *vals;
	unsigned char *used;
	size_t n, cap;
};
/* Returns a pointer to the value of key, or NULL. Valid until the next put. */
size_t *u64map_get(const struct u64map *m, uint64_t key);
/* Inserts key (value 0) when missing; returns a pointer to its value. *isnew says which. */
size_t *u64map_put(struct u64map *m, uint64_t key, int *isnew);
void u64map_clear(struct u64map *m);
void u64map_free(struct u64map *m);

/* Keys are copied (NUL-terminated copies, so keys are bytes without NUL). */
struct strmap {
	char **keys;
	size_t *lens;
	size_t *vals;
	uint64_t *hashes;
	size_t n, cap;
};
size_t *strmap_get(const struct strmap *m, const char *key, size_t len);
size_t *strmap_put(struct strmap *m, const char *key, size_t len, int *isnew);
void strmap_clear(struct strmap *m);
void strmap_free(struct strmap *m);

#endif

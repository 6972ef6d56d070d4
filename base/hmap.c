/* hmap.c - open-addressing hash maps with linear probing (see hmap.h). Load factor stays
 * under 1/2, so probes are short; no deletion is needed by the callers (they clear). */
#include "base/hmap.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "base/xmalloc.h"

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

size_t *u64map_get(const struct u64map *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
		if (!m->used[i])
			return NULL;
		if (m->keys[i] == key)
			return &m->vals[i];
	}
}

static void u64map_grow(struct u64map *m)
{
	struct u64map g = {0};
	g.cap = m->cap ? m->cap * 2 : 64;
	g.keys = xmalloc(g.cap * sizeof *g.keys);
	g.vals = xmalloc(g.cap * sizeof *g.vals);
	g.used = xcalloc(g.cap, 1);
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->used[i])
			continue;
		int isnew;
		*u64map_put(&g, m->keys[i], &isnew) = m->vals[i];
	}
	u64map_free(m);
	*m = g;
}

size_t *u64map_put(struct u64map *m, uint64_t key, int *isnew)
{
	if ((m->n + 1) * 2 > m->cap)
		u64map_grow(m);
	size_t mask = m->cap - 1;
	for (size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
		if (!m->used[i]) {
			m->used[i] = 1;
			m->keys[i] = key;
			m->vals[i] = 0;
			m->n++;
			*isnew = 1;
			return &m->vals[i];
		}
		if (m->keys[i] == key) {
			*isnew = 0;
			return &m->vals[i];
		}
	}
}

void u64map_clear(struct u64map *m)
{
	if (m->cap)
		memset(m->used, 0, m->cap);
	m->n = 0;
}

void u64map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof *m);
}

size_t *strmap_get(const struct strmap *m, const char *key, size_t len)
{
	if (!m->cap)
		return NULL;
	uint64_t h = XXH3_64bits(key, len);
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		if (!m->keys[i])
			return NULL;
		if (m->hashes[i] == h && m->lens[i] == len && memcmp(m->keys[i], key, len) == 0)
			return &m->vals[i];
	}
}

static size_t *strmap_put_owned(struct strmap *m, char *key, size_t len, uint64_t h, int *isnew);

static void strmap_grow(struct strmap *m)
{
	struct strmap g = {0};
	g.cap = m->cap ? m->cap * 2 : 64;
	g.keys = xcalloc(g.cap, sizeof *g.keys);
	g.lens = xmalloc(g.cap * sizeof *g.lens);
	g.vals = xmalloc(g.cap * sizeof *g.vals);
	g.hashes = xmalloc(g.cap * sizeof *g.hashes);
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		int isnew;
		*strmap_put_owned(&g, m->keys[i], m->lens[i], m->hashes[i], &isnew) = m->vals[i];
	}
	free(m->keys);
	free(m->lens);
	free(m->vals);
	free(m->hashes);
	*m = g;
}

static size_t *strmap_put_owned(struct strmap *m, char *key, size_t len, uint64_t h, int *isnew)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		if (!m->keys[i]) {
			m->keys[i] = key;
			m->lens[i] = len;
			m->hashes[i] = h;
			m->vals[i] = 0;
			m->n++;
			*isnew = 1;
			return &m->vals[i];
		}
	}
}

size_t *strmap_put(struct strmap *m, const char *key, size_t len, int *isnew)
{
	size_t *v = strmap_get(m, key, len);
	if (v) {
		*isnew = 0;
		return v;
	}
	if ((m->n + 1) * 2 > m->cap)
		strmap_grow(m);
	return strmap_put_owned(m, xstrndup(key, len), len, XXH3_64bits(key, len), isnew);
}

void strmap_clear(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->keys[i]);
		m->keys[i] = NULL;
	}
	m->n = 0;
}

void strmap_free(struct strmap *m)
{
	strmap_clear(m);
	free(m->keys);
	free(m->lens);
	free(m->vals);
	free(m->hashes);
	memset(m, 0, sizeof *m);
}

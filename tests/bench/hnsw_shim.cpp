// hnsw_shim.cpp - hnswlib behind the C functions of hnsw_shim.h (bench only). Exceptions
// stop here: each function catches them, prints the reason and returns an error.
#include "hnsw_shim.h"

#include <hnswlib/hnswlib.h>

#include <cstdio>
#include <exception>
#include <thread>
#include <vector>

struct hnsw {
	hnswlib::InnerProductSpace space;
	hnswlib::HierarchicalNSW<float> *alg = nullptr;
	int dim;
	explicit hnsw(int d) : space((size_t)d), dim(d) {}
	~hnsw() { delete alg; }
};

static void report(const char *what, const std::exception &e)
{
	std::fprintf(stderr, "hnswlib: %s: %s\n", what, e.what());
}

struct hnsw *hnsw_new(int dim, size_t max, int M, int ef_construction)
{
	hnsw *h = nullptr;
	try {
		h = new hnsw(dim);
		h->alg = new hnswlib::HierarchicalNSW<float>(&h->space, max, (size_t)M, (size_t)ef_construction);
		return h;
	} catch (const std::exception &e) {
		report("new", e);
		delete h;
		return nullptr;
	}
}

struct hnsw *hnsw_load(const char *path, int dim)
{
	std::FILE *f = std::fopen(path, "rb");
	if (!f)
		return nullptr;
	std::fclose(f);
	hnsw *h = nullptr;
	try {
		h = new hnsw(dim);
		h->alg = new hnswlib::HierarchicalNSW<float>(&h->space, path);
		return h;
	} catch (const std::exception &e) {
		report(path, e);
		delete h;
		return nullptr;
	}
}

int hnsw_save(struct hnsw *h, const char *path)
{
	try {
		h->alg->saveIndex(path);
		return 0;
	} catch (const std::exception &e) {
		report(path, e);
		return -1;
	}
}

int hnsw_add(struct hnsw *h, const float *v, size_t n, uint64_t first_label, int threads)
{
	if (threads < 1)
		threads = 1;
	std::vector<std::thread> pool;
	std::vector<int> failed((size_t)threads, 0);
	for (int t = 0; t < threads; t++)
		pool.emplace_back([=, &failed] {
			for (size_t i = (size_t)t; i < n; i += (size_t)threads) {
				try {
					h->alg->addPoint(v + i * (size_t)h->dim, (hnswlib::labeltype)(first_label + i));
				} catch (const std::exception &e) {
					report("add", e);
					failed[(size_t)t] = 1;
					return;
				}
			}
		});
	for (auto &th : pool)
		th.join();
	for (int f : failed)
		if (f)
			return -1;
	return 0;
}

void hnsw_set_ef(struct hnsw *h, size_t ef)
{
	h->alg->setEf(ef);
}

size_t hnsw_search(struct hnsw *h, const float *q, size_t k, uint64_t *labels)
{
	try {
		auto res = h->alg->searchKnn(q, k);
		size_t n = res.size();
		// The queue pops the farthest first.
		for (size_t i = n; i-- > 0;) {
			labels[i] = (uint64_t)res.top().second;
			res.pop();
		}
		return n;
	} catch (const std::exception &e) {
		report("search", e);
		return 0;
	}
}

size_t hnsw_count(const struct hnsw *h)
{
	return h->alg->cur_element_count;
}

void hnsw_free(struct hnsw *h)
{
	delete h;
}

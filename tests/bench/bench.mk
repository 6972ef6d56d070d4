# tests/bench/bench.mk - `make bench` (included from the Makefile; never part of `make test`).
#
#   make bench                         every benchmark, one table (build/bench/table.md)
#   FN_BENCH_CHUNKS=1000000 make bench the synthetic index at 1M chunks (cached per scale)
#   FN_BENCH_ONLY='sci|fresh' make bench   only the programs whose name matches
#
# `bench` installs the peers (scripts/install-deps.sh --bench) and hands over to
# tests/bench/run.sh, which builds the release binary and the programs below through
# `bench-progs` (always MODE=release) and runs them. The programs link the release
# archives, SQLite (FTS5) and a small C++ shim over hnswlib.

BENCH_B     := build/bench/bin
BENCH_PROGS := $(BENCH_B)/conv_bench $(BENCH_B)/extract_bench $(BENCH_B)/fresh_bench $(BENCH_B)/scale_bench $(BENCH_B)/sci_bench
BENCH_LIBS  := build/release/libcore.a build/release/libindex.a build/release/libbase.a
CXX         ?= g++

.PHONY: bench bench-progs
bench:
	@sh scripts/install-deps.sh --bench
	@sh tests/bench/run.sh

bench-progs: build/release/footnote $(BENCH_PROGS)

$(BENCH_B)/%.o: tests/bench/%.c tests/bench/bench.h
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(WARN) -O3 -march=native -g -MMD -MP -c $< -o $@

$(BENCH_B)/hnsw_shim.o: tests/bench/hnsw_shim.cpp tests/bench/hnsw_shim.h
	@mkdir -p $(dir $@)
	$(call say,CXX,$<)
	$(Q)$(CXX) -std=c++17 -O3 -march=native -g -Wall -Wextra -Werror -pthread -c $< -o $@

# scale_bench's generator and its incremental syncs live in their own files
$(BENCH_B)/scale_bench: $(BENCH_B)/scale_gen.o $(BENCH_B)/scale_incr.o
$(BENCH_B)/scale_gen.o: tests/bench/scale_gen.h
$(BENCH_B)/scale_incr.o: tests/bench/scale_bench.h

$(BENCH_B)/%_bench: $(BENCH_B)/%_bench.o $(BENCH_B)/bench.o $(BENCH_B)/hnsw_shim.o $(BENCH_LIBS)
	$(call say,LINK,$@)
	$(Q)$(CXX) -pthread -o $@ $(filter %.o,$^) $(filter-out %.o,$^) $(LDLIBS) -lsqlite3

# tests/fuzz/fuzz.mk - the hardening targets, included by the Makefile.
#
#   make fuzz     every libFuzzer target in tests/fuzz/ for FUZZ_SECONDS each (default 60)
#                 under ASan+UBSan; prints executions and coverage per target
#   make stress   the long tests: SIGKILL during indexing and streaming, the soak of the
#                 interface streaming while its tree changes (tests/stress/; the soak's
#                 length is FN_SOAK_SECONDS, default 120), and the slow limits of
#                 tests/e2e/limits.sh; not part of `make test`
#
# The fuzz build is its own MODE (build/fuzz/, clang with -fsanitize=fuzzer-no-link for the
# layers, -fsanitize=fuzzer for the targets); libFuzzer comes with Debian's clang runtime,
# which `scripts/install-deps.sh --fuzz` installs when it is missing.

FUZZ_SECONDS ?= 60
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)

ifeq ($(MODE),fuzz)
  CC  := clang
  OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
         -fno-sanitize-recover=all
endif

.PHONY: fuzz fuzz-targets stress
# Only meaningful with MODE=fuzz: `make fuzz` calls it so.
fuzz-targets: $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))

$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(LIBS)
	@mkdir -p $(dir $@)
	$(call say,FUZZ,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIBS) $(LDLIBS)

fuzz:
	@sh scripts/install-deps.sh --fuzz
	@$(MAKE) --no-print-directory MODE=fuzz fuzz-targets
	@sh tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS)

# Helpers the stress tests run (e.g. idx_check: store_check from the shell).
$(B)/stress/%: tests/stress/%.c $(LIBS)
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIBS) $(LDLIBS)

# FN_SOAK_SECONDS=3600 make stress: the soak (tests/stress/soak.sh) for the full hour; it
# runs the release build (its RSS is the figure), the rest the sanitizer build.
stress: deps
	@$(MAKE) --no-print-directory MODE=asan unit build/asan/stress/idx_check
	@$(MAKE) --no-print-directory MODE=release all
	@FN_SOAK_BIN=$(CURDIR)/build/release/footnote sh tests/stress/run.sh build/asan

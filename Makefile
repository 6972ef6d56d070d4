# footnote - build, test and run.
#
#   make run     install what is missing, build, start footnote in this directory
#   make test    install what is missing, sanitizer build (ASan+UBSan), every test
#   make tsan    the threaded tests under ThreadSanitizer
#   make check-deps   fail when a layer includes a layer above it
#
# Layers, each one static archive, lowest first: base <- index <- core <- ui.
# Sources are discovered: a new .c file in a layer directory is built into that layer's
# archive, a new tests/unit/test_*.c becomes a test program.

CC       ?= cc
PKGS     := ncursesw libcurl libcjson lmdb yaml-0.1 md4c libxxhash
WARN     := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wwrite-strings -Wpointer-arith -Wformat=2 -Wundef -Wvla -Werror
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)
CPPFLAGS += -I. -D_GNU_SOURCE -DFN_VERSION='"$(VERSION)"' $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lpthread -lm

MODE ?= release
ifeq ($(MODE),release)
  OPT := -O2 -g
else ifeq ($(MODE),asan)
  OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
else ifeq ($(MODE),tsan)
  OPT := -O1 -g -fsanitize=thread
endif
CFLAGS  += $(WARN) $(OPT)
LDFLAGS += $(OPT)

B := build/$(MODE)
# Quiet by default; V=1 shows the commands.
ifeq ($(V),1)
  Q :=
  say = @:
else
  Q := @
  say = @printf '  %-5s %s\n' $(1) $(2)
endif
LAYERS := base index core ui
src_of = $(filter-out ui/main.c,$(wildcard $(1)/*.c))
obj_of = $(patsubst %.c,$(B)/%.o,$(call src_of,$(1)))
LIBS   := $(B)/libui.a $(B)/libcore.a $(B)/libindex.a $(B)/libbase.a
TESTS  := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all run test tsan deps check-deps unit clean bench
all: $(B)/footnote

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

define layer_rule
$(B)/lib$(1).a: $(call obj_of,$(1))
	@rm -f $$@
	$$(call say,AR,$$@)
	$(Q)$(AR) rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_rule,$(l))))

$(B)/footnote: $(B)/ui/main.o $(LIBS)
	$(call say,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(LIBS) tests/unit/fn_test.h
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIBS) $(LDLIBS) -lcmocka

deps:
	@sh scripts/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory MODE=release all
	./build/release/footnote $(ARGS)

check-deps:
	@sh scripts/check-deps.sh

# Builds everything the tests need in this MODE.
unit: $(B)/footnote $(TESTS)

test: deps check-deps
	@$(MAKE) --no-print-directory MODE=asan unit
	@sh tests/run.sh build/asan

tsan: deps
	@$(MAKE) --no-print-directory MODE=tsan unit
	@FN_TSAN=1 sh tests/run.sh build/tsan

include tests/fuzz/fuzz.mk

clean:
	rm -rf build

include tests/bench/bench.mk
-include $(shell find build -name '*.d' 2>/dev/null)

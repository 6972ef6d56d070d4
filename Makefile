# footnote - build, test and run.
#
#   make run     install what is missing, build, start footnote in this directory
#   make test    install what is missing, sanitizer build (ASan+UBSan), every test
#   make tsan    the threaded tests under ThreadSanitizer
#   make check-deps   fail when a layer includes a layer above it, or on an include or link cycle
#
# Layers, each one static archive, lowest first: base <- index <- core <- ui.
# Sources are discovered: a new .c file anywhere under a layer's folder (subfolders too) is
# built into that layer's archive, a new tests/unit/test_*.c becomes a test program. Within a
# layer no two sources may share a file name (ar keeps one member per name).

CC       ?= cc
PKGS     := ncursesw libcurl libcjson lmdb yaml-0.1 md4c libxxhash
WARN     := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wwrite-strings -Wpointer-arith -Wformat=2 -Wundef -Wvla -Werror
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)
# A missing library is named here; the compile rule stops on it instead of building with no
# flags and failing in a header far away.
PKG_MISSING := $(shell for p in $(PKGS); do pkg-config --exists $$p 2>/dev/null || printf '%s ' $$p; done)
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
src_of = $(filter-out ui/main.c,$(sort $(shell find $(1) -name '*.c')))
obj_of = $(patsubst %.c,$(B)/%.o,$(call src_of,$(1)))
LIBS   := $(B)/libui.a $(B)/libcore.a $(B)/libindex.a $(B)/libbase.a
TESTS  := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all run test tsan deps check-deps unit clean bench pkgs-ok
all: $(B)/footnote

pkgs-ok:
ifneq ($(strip $(PKG_MISSING)),)
	@echo "footnote: pkg-config cannot find: $(strip $(PKG_MISSING)); run 'make deps' (scripts/install-deps.sh) to install them" >&2; exit 1
endif

$(B)/%.o: %.c | pkgs-ok
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

same_names = $(strip $(foreach n,$(sort $(notdir $(call src_of,$(1)))),$(if $(word 2,$(filter %/$(n),$(call src_of,$(1)))),$(filter %/$(n),$(call src_of,$(1))))))
define layer_rule
$$(if $$(call same_names,$(1)),$$(error $(1)/ has two sources of one name: $$(call same_names,$(1))))
$(B)/lib$(1).a: $(call obj_of,$(1))
	@rm -f $$@
	$$(call say,AR,$$@)
	$(Q)$(AR) rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_rule,$(l))))

$(B)/footnote: $(B)/ui/main.o $(LIBS)
	$(call say,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(LDLIBS)

# Test programs that draw panes link the fake terminal first (tests/unit/term_fake.c), so
# the linker takes its term_* and never pulls the curses ui/term/term.o out of libui.a.
FAKE_TERM := $(B)/tests/test_panes
$(FAKE_TERM): tests/unit/term_fake.c

$(B)/tests/%: tests/unit/%.c $(LIBS) | pkgs-ok
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -MF $@.d -o $@ $(filter %.c,$^) $(LIBS) $(LDLIBS) -lcmocka

deps:
	@sh scripts/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory MODE=release all
	./build/release/footnote $(ARGS)

# Layers, include cycles and link cycles (the last reads the objects, so it builds them).
ALL_OBJS := $(foreach l,$(LAYERS),$(call obj_of,$(l)))
check-deps: $(ALL_OBJS)
	@sh scripts/check-deps.sh . $(ALL_OBJS)

# Builds everything the tests need in this MODE.
unit: $(B)/footnote $(TESTS)

test: deps
	@$(MAKE) --no-print-directory MODE=asan unit check-deps
	@sh tests/run.sh build/asan

tsan: deps
	@$(MAKE) --no-print-directory MODE=tsan unit
	@FN_TSAN=1 sh tests/run.sh build/tsan

include tests/fuzz/fuzz.mk

clean:
	rm -rf build

include tests/bench/bench.mk
-include $(shell find build -name '*.d' 2>/dev/null)

# footnote - build, test and run.
#
#   make run     install what is missing, build, start footnote in this directory
#   make test    install what is missing, sanitizer build (ASan+UBSan), every test
#   make tsan    the threaded tests under ThreadSanitizer
#   make check-deps   fail when a layer includes a layer above it, or on an include or link cycle
#   make install / uninstall / man / completion / deb   see the block near the end
#
# Layers, each one static archive, lowest first: base <- index <- core <- ui.
# Sources are discovered: a new .c file anywhere under a layer's folder (subfolders too) is
# built into that layer's archive, a new tests/unit/test_*.c becomes a test program. Within a
# layer no two sources may share a file name (ar keeps one member per name).

CC       ?= cc
PKGS     := ncursesw libcurl libcjson lmdb yaml-0.1 md4c libxxhash libzip libxml-2.0
WARN     := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wwrite-strings -Wpointer-arith -Wformat=2 -Wundef -Wvla -Werror
# The release, and the commit it was built from: 0.1.0+git18cfaf9 (a valid Debian version).
RELEASE  := 0.1.0
VERSION  := $(RELEASE)$(shell git describe --always --dirty 2>/dev/null | sed 's/^/+git/; s/-/./g')
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
# The stream decoder's tests share the recorder of what a stream does.
$(B)/tests/test_stream $(B)/tests/test_think: tests/unit/stream_snap.c
# The vector tests share their random clustered vectors.
$(B)/tests/test_vector $(B)/tests/test_ivf $(B)/tests/test_ivf_route: tests/unit/vec_fixture.c

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

# ---- install, uninstall, manual pages, shell completion, Debian package ----------------------
#   make install [PREFIX=/usr/local] [DESTDIR=]  the binary, its themes, the manual pages
#                (gzip -9n), bash/zsh/fish completion and the docs, from the build of MODE
#   make uninstall [PREFIX=...] [DESTDIR=]       removes what install put there
#   make man completion    generates them into build/MODE/gen, from the binary's own tables
#                          (footnote --man 1|5, footnote --completion bash|zsh|fish)
#   make deb               build/MODE/footnote_VERSION_ARCH.deb (scripts/make-deb.sh)
# The binary finds its themes beside itself (PREFIX/share/footnote), so DESTDIR and dpkg -x
# trees work as installed.
PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      := $(PREFIX)/bin
DATADIR     := $(PREFIX)/share/footnote
MANDIR      := $(PREFIX)/share/man
DOCDIR      := $(PREFIX)/share/doc/footnote
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
# Debian's zsh reads vendor-completions under /usr, site-functions under /usr/local.
ZSHCOMPDIR  := $(PREFIX)/share/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)
FISHCOMPDIR := $(PREFIX)/share/fish/vendor_completions.d
GEN   := $(B)/gen
MANS  := $(GEN)/footnote.1.gz $(GEN)/footnote-config.5.gz
COMPS := $(GEN)/footnote.bash $(GEN)/_footnote $(GEN)/footnote.fish
THEMES := $(wildcard themes/*.yaml)
MD4C_VERSION := $(shell pkg-config --modversion md4c 2>/dev/null)

.PHONY: install uninstall man completion deb FORCE
# --version and the manual say VERSION: its object is rebuilt when VERSION changes.
$(B)/version.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(VERSION) $(MD4C_VERSION)' | cmp -s - $@ || echo '$(VERSION) $(MD4C_VERSION)' >$@
$(B)/ui/cmd/version.o: $(B)/version.stamp
$(B)/ui/cmd/version.o: CPPFLAGS += -DFN_MD4C_VERSION='"$(MD4C_VERSION)"'

man: $(MANS)
completion: $(COMPS)
$(GEN)/footnote.1: $(B)/footnote
	@mkdir -p $(GEN)
	$(call say,MAN,$@)
	$(Q)$(B)/footnote --man 1 >$@.tmp && mv $@.tmp $@
$(GEN)/footnote-config.5: $(B)/footnote
	@mkdir -p $(GEN)
	$(call say,MAN,$@)
	$(Q)$(B)/footnote --man 5 >$@.tmp && mv $@.tmp $@
$(GEN)/%.gz: $(GEN)/%
	$(Q)gzip -9nc $< >$@
$(GEN)/footnote.bash $(GEN)/_footnote $(GEN)/footnote.fish: $(B)/footnote
	@mkdir -p $(GEN)
	$(call say,GEN,$@)
	$(Q)$(B)/footnote --completion $(patsubst footnote.%,%,$(patsubst _footnote,zsh,$(notdir $@))) >$@.tmp && mv $@.tmp $@

install: $(B)/footnote $(MANS) $(COMPS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DOCDIR) $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(B)/footnote $(DESTDIR)$(BINDIR)/footnote
	install -m 644 $(THEMES) $(DESTDIR)$(DATADIR)/themes/
	install -m 644 $(GEN)/footnote.1.gz $(DESTDIR)$(MANDIR)/man1/footnote.1.gz
	install -m 644 $(GEN)/footnote-config.5.gz $(DESTDIR)$(MANDIR)/man5/footnote-config.5.gz
	install -m 644 $(GEN)/footnote.bash $(DESTDIR)$(BASHCOMPDIR)/footnote
	install -m 644 $(GEN)/_footnote $(DESTDIR)$(ZSHCOMPDIR)/_footnote
	install -m 644 $(GEN)/footnote.fish $(DESTDIR)$(FISHCOMPDIR)/footnote.fish
	install -m 644 README.md config.example.yaml $(DESTDIR)$(DOCDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/footnote $(addprefix $(DESTDIR)$(DATADIR)/,$(THEMES)) \
		$(DESTDIR)$(MANDIR)/man1/footnote.1.gz $(DESTDIR)$(MANDIR)/man5/footnote-config.5.gz \
		$(DESTDIR)$(BASHCOMPDIR)/footnote $(DESTDIR)$(ZSHCOMPDIR)/_footnote \
		$(DESTDIR)$(FISHCOMPDIR)/footnote.fish \
		$(DESTDIR)$(DOCDIR)/README.md $(DESTDIR)$(DOCDIR)/config.example.yaml
	rmdir $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR) 2>/dev/null || true

deb: $(B)/footnote $(MANS) $(COMPS)
	@MAKE="$(MAKE)" sh scripts/make-deb.sh $(MODE) $(VERSION)
-include $(shell find build -name '*.d' 2>/dev/null)

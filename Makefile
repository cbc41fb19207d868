# concviz - see README.md. `make run` builds and starts it; `make test` runs every test.
#
# On Debian/Ubuntu any missing build or test dependency is installed with
# apt-get (through sudo when not root), saying what it installs; elsewhere the
# missing packages are named and make stops.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
SAN     ?=
VERSION := 0.1.0

PKGS      := ncursesw libcurl libuv libzstd
# pkg-config module -> Debian package
DEB_ncursesw := libncurses-dev
DEB_libcurl  := libcurl4-openssl-dev
DEB_libuv    := libuv1-dev
DEB_libzstd  := libzstd-dev
DEB_cmocka   := libcmocka-dev
# commands the tests drive -> Debian package
TEST_TOOLS   := tmux python3 groff g++
DEB_tmux     := tmux
DEB_python3  := python3
DEB_groff    := groff-base
# Debian packages the tests use that bring no command: the Python libraries
# the examples (examples/, `concviz trace`) and the SDK's test programs use
TEST_DEBS    := python3-requests python3-aiohttp

# Quiet build lines ("  CC  src/ring.c"); `make V=1` shows the commands.
Q  := $(if $(V),,@)
SAY = $(if $(V),@:,@printf '  %-6s %s\n')

OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
SANFLAGS := $(if $(SAN),-fsanitize=$(SAN) -fno-omit-frame-pointer,)
CPPFLAGS += -D_GNU_SOURCE -DCV_VERSION='"$(VERSION)"'
CFLAGS  += -std=c11 $(OPT) $(WARN) -pthread $(SANFLAGS)
LDFLAGS += -pthread -Wl,-z,relro,-z,now $(SANFLAGS)

# The layers, bottom to top (README, "Architecture"). Each layer is compiled
# with the include paths of itself and the layers below it only, so a file
# that includes from a layer above is a build error; tests/check_layers.sh
# says the same in `make test`.
CORE_DIR := src/core
CLI_DIR  := src/cli
INC_core    := -I$(CORE_DIR)
INC_engines := $(INC_core) -Iengines
INC_ui      := $(INC_engines) -Iui
INC_cli     := $(INC_ui) -I$(CLI_DIR)
INC_ALL     := $(INC_cli)

SRCS     := $(wildcard $(CORE_DIR)/*.c engines/*.c ui/*.c $(CLI_DIR)/*.c)
LIB_SRCS := $(filter-out $(CLI_DIR)/main.c,$(SRCS))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/$(CLI_DIR)/main.o
LIB      := $(BUILD)/libconcviz.a
BIN      := concviz
TESTS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
BENCHES  := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(wildcard tests/bench/bench_*.c))
FUZZERS  := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
TEST_SUPPORT := $(wildcard tests/support/*.c)
# small programs the tracer's tests trace (tests/trace/*.c), built plainly
TRACE_HELPERS := $(patsubst tests/trace/%.c,$(BUILD)/trace/%,$(wildcard tests/trace/*.c))

.PHONY: all run test unit bench asan tsan tsan-run fuzz valgrind install uninstall clean deps test-deps screenshots
all: $(BIN)

# --- dependencies -----------------------------------------------------------

# ensure_pkgs: $(1) pkg-config modules, $(2) commands; install what is missing.
define ensure_pkgs
	@missing=""; \
	for m in $(1); do pkg-config --exists $$m 2>/dev/null || missing="$$missing $$m"; done; \
	for t in $(2); do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	command -v pkg-config >/dev/null 2>&1 || missing="pkg-config $$missing"; \
	if [ -n "$$missing" ]; then \
	  debs=""; for m in $$missing; do case $$m in \
	    ncursesw) d=$(DEB_ncursesw);; libcurl) d=$(DEB_libcurl);; libuv) d=$(DEB_libuv);; \
	    libzstd) d=$(DEB_libzstd);; cmocka) d=$(DEB_cmocka);; groff) d=$(DEB_groff);; *) d=$$m;; esac; debs="$$debs $$d"; done; \
	  if command -v apt-get >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	    echo "concviz: installing missing packages:$$debs"; \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc make pkg-config$$debs >/dev/null || \
	      { echo "concviz: could not install$$debs; install them by hand and re-run make" >&2; exit 1; }; \
	  else \
	    echo "concviz: missing:$$missing. Install them (Debian names:$$debs) and re-run make." >&2; exit 1; \
	  fi; \
	fi
endef

# ensure_debs: $(1) Debian packages that hold no pkg-config module or command
# of the same name; installed when dpkg says they are missing.
define ensure_debs
	@missing=""; \
	if command -v dpkg-query >/dev/null 2>&1; then \
	  for d in $(1); do dpkg-query -W -f='$${Status}' $$d 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$d"; done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  echo "concviz: installing missing packages:$$missing"; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing >/dev/null || \
	    { echo "concviz: could not install$$missing; install them by hand and re-run make" >&2; exit 1; }; \
	fi
endef

deps:
	$(call ensure_pkgs,$(PKGS),)
test-deps: deps
	$(call ensure_pkgs,cmocka,$(TEST_TOOLS))
	$(call ensure_debs,$(TEST_DEBS))

# Compiler flags of the libraries, written once the libraries are there.
ifeq ($(filter clean uninstall deps test-deps,$(MAKECMDGOALS)),)
-include $(BUILD)/config.mk
endif
$(BUILD)/config.mk: Makefile
	$(call ensure_pkgs,$(PKGS),)
	@mkdir -p $(@D)
	@{ echo "DEP_CFLAGS := $$(pkg-config --cflags $(PKGS))"; \
	   echo "DEP_LIBS := $$(pkg-config --libs $(PKGS)) -lm"; } > $@

CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka)
CMOCKA_LIBS   = $(shell pkg-config --libs cmocka)

# --- build ------------------------------------------------------------------

# layer_inc: the include paths of the layer source file $(1) belongs to.
layer_inc = $(if $(filter $(CORE_DIR)/%,$(1)),$(INC_core),$(if $(filter engines/%,$(1)),$(INC_engines),$(if $(filter ui/%,$(1)),$(INC_ui),$(INC_cli))))

$(BUILD)/obj/%.o: %.c $(BUILD)/config.mk
	@mkdir -p $(@D)
	$(SAY) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(call layer_inc,$<) $(DEP_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# Where the SDK's Python task tracer is installed, for `concviz trace` to find.
$(BUILD)/obj/engines/sdk_python.o: CPPFLAGS += -DCV_PYDIR='"$(PYDIR)"'

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(SAY) AR $@
	$(Q)$(AR) rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	$(SAY) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(DEP_LIBS)

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d)

run: $(BIN)
	./$(BIN)

# --- tests ------------------------------------------------------------------

$(BUILD)/tests/%: tests/unit/%.c $(TEST_SUPPORT) $(LIB) | test-deps
	@mkdir -p $(@D)
	$(SAY) CC $<
	$(Q)$(CC) $(CPPFLAGS) -DTRACE_HELPERS='"$(BUILD)/trace"' $(INC_ALL) -Itests/support $(DEP_CFLAGS) $(CMOCKA_CFLAGS) $(CFLAGS) -o $@ $< $(TEST_SUPPORT) $(LIB) $(CMOCKA_LIBS) $(DEP_LIBS) $(LDFLAGS)

# The traced test programs: no sanitizer (they are the user's programs);
# they may report their tasks through the SDK's header (-I its folder only).
$(BUILD)/trace/%: tests/trace/%.c tests/trace/spend.h engines/sdk/concviz.h
	@mkdir -p $(@D)
	$(SAY) CC $<
	$(Q)$(CC) -D_GNU_SOURCE -std=c11 -O2 -g $(WARN) -pthread -Iengines/sdk -o $@ $<

# The SDK's test tools: the harness that runs a program with the transport
# and dumps what came back, and a C program built against concviz.h the way
# a user builds one (-I the header's folder, no library, no flag).
SDK_DUMP  := $(BUILD)/sdk/sdk_dump
SDK_CPROG := $(BUILD)/sdk/cprog
SDK_TOOLS := $(SDK_DUMP) $(SDK_CPROG)
$(SDK_DUMP): tests/sdk/sdk_dump.c $(LIB) | test-deps
	@mkdir -p $(@D)
	$(SAY) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(INC_ALL) $(DEP_CFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(DEP_LIBS) $(LDFLAGS)
$(SDK_CPROG): tests/sdk/cprog.c engines/sdk/concviz.h
	@mkdir -p $(@D)
	$(SAY) CC $<
	$(Q)$(CC) -std=c99 -O2 -Wall -Wextra -Werror -Iengines/sdk -o $@ $<

# Unit tests, then end-to-end tests of the real binary; one summary line.
# Shell tests: the tree's layers, the man page and completion, then the
# end-to-end tests of the real binary.
SHELL_TESTS = $(wildcard tests/layout/test_*.sh tests/e2e/test_*.sh)
test: test-deps $(BIN) $(TESTS) $(TRACE_HELPERS) $(SDK_TOOLS)
	@BIN=./$(BIN) BUILD=$(BUILD) sh tests/run.sh $(TESTS) $(if $(UNIT_ONLY),,$(SHELL_TESTS))

unit: test-deps $(TESTS) $(TRACE_HELPERS)
	@BIN=./$(BIN) BUILD=$(BUILD) sh tests/run.sh $(TESTS)

# The whole suite (unit and end-to-end) built with AddressSanitizer +
# UndefinedBehaviorSanitizer; any report fails the test that saw it.
asan:
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	$(MAKE) BUILD=build/asan SAN=address,undefined OPT="-O1 -g" BIN=build/asan/concviz test

# The threaded and forked tests built with ThreadSanitizer.
tsan:
	$(MAKE) BUILD=build/tsan SAN=thread OPT="-O1 -g" BIN=build/tsan/concviz tsan-run
TSAN_TESTS = $(filter %/test_ring %/test_record %/test_sockset %/test_fdcloser %/test_engines %/test_gil %/test_origin %/test_taskq %/test_async %/test_runner %/test_trace %/test_race %/test_sdk,$(TESTS))
tsan-run: test-deps $(BIN) $(TSAN_TESTS) $(TRACE_HELPERS)
	@TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" BIN=./$(BIN) BUILD=$(BUILD) sh tests/run.sh $(TSAN_TESTS)

# A short run of each mode under valgrind memcheck.
valgrind: $(BIN) $(SDK_TOOLS)
	$(call ensure_pkgs,,valgrind)
	@BIN=./$(BIN) BUILD=$(BUILD) sh tests/e2e/valgrind.sh

# --- benchmarks ---------------------------------------------------------------

$(BUILD)/bench/%: tests/bench/%.c $(wildcard tests/bench/*.h) $(LIB) $(BUILD)/config.mk
	@mkdir -p $(@D)
	$(SAY) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(INC_ALL) $(DEP_CFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(DEP_LIBS) $(LDFLAGS)

bench: $(BIN) $(BENCHES) $(TRACE_HELPERS) $(SDK_DUMP)
	@for b in $(BENCHES); do $$b || exit 1; done
	@for s in $(wildcard tests/bench/bench_*.sh); do BIN=./$(BIN) sh $$s || exit 1; done

# --- fuzzing (clang + libFuzzer) ----------------------------------------------

FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(BUILD)/config.mk
	$(call ensure_pkgs,,$(FUZZ_CC))
	$(call ensure_debs,libclang-rt-dev)
	@mkdir -p $(@D)
	$(SAY) FUZZ $<
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(INC_ALL) $(DEP_CFLAGS) -std=c11 -g -O1 -pthread -fsanitize=fuzzer,address,undefined \
	  -o $@ $< $(LIB_SRCS) $(DEP_LIBS)

fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do n=$$(basename $$f); mkdir -p $(BUILD)/fuzz/corpus-$$n; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=0 $(BUILD)/fuzz/corpus-$$n tests/fuzz/seeds/$$n \
	    2>$(BUILD)/fuzz/$$n.log || { tail -n 40 $(BUILD)/fuzz/$$n.log; exit 1; }; \
	  grep -E '^#[0-9]+.*DONE' $(BUILD)/fuzz/$$n.log | tail -n 1; done

# --- pictures -----------------------------------------------------------------

screenshots: $(BIN)
	sh tests/e2e/screenshots.sh

# --- install ------------------------------------------------------------------

# What `make install` puts in place, and `make uninstall` removes again: the
# binary, the manual page, the bash completion, the SDK's header and its
# Python task tracer (tests/layout/test_install.sh). The Python files are
# compiled where they are installed (when python3 is there), so traced
# programs do not compile them at every start; uninstall removes those
# compiled files and the folders it made, when empty.
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INCDIR      ?= $(PREFIX)/include
PYDIR       ?= $(PREFIX)/share/concviz/python
SDK_PY      := $(patsubst engines/sdk/python/%,%,$(wildcard engines/sdk/python/*.py engines/sdk/python/concviz_sdk/*.py))
INSTALLED = $(PREFIX)/bin/concviz $(MANDIR)/man1/concviz.1 $(BASHCOMPDIR)/concviz \
	    $(INCDIR)/concviz.h $(addprefix $(PYDIR)/,$(SDK_PY))

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
	  $(DESTDIR)$(INCDIR) $(DESTDIR)$(PYDIR)/concviz_sdk
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/concviz
	install -m 644 src/cli/concviz.1 $(DESTDIR)$(MANDIR)/man1/concviz.1
	install -m 644 src/cli/concviz.bash $(DESTDIR)$(BASHCOMPDIR)/concviz
	install -m 644 engines/sdk/concviz.h $(DESTDIR)$(INCDIR)/concviz.h
	for f in $(SDK_PY); do install -m 644 engines/sdk/python/$$f $(DESTDIR)$(PYDIR)/$$f || exit 1; done
	if command -v python3 >/dev/null 2>&1; then \
	  python3 -m compileall -q -d $(PYDIR) $(DESTDIR)$(PYDIR) >/dev/null; fi

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	rm -f $(DESTDIR)$(PYDIR)/__pycache__/sitecustomize.*.pyc $(DESTDIR)$(PYDIR)/concviz_sdk/__pycache__/*.pyc
	-rmdir $(DESTDIR)$(PYDIR)/concviz_sdk/__pycache__ $(DESTDIR)$(PYDIR)/__pycache__ \
	  $(DESTDIR)$(PYDIR)/concviz_sdk $(DESTDIR)$(PYDIR) $(DESTDIR)$(PREFIX)/share/concviz 2>/dev/null

clean:
	rm -rf build $(BIN)

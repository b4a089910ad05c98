# bench: VM-vs-container benchmark suite.
#
#   make            bin/bench and the static agent bin/bench-agent
#   make setup      install what the project needs (idempotent, as root)
#   make guest-kernel  optional: a minimal guest kernel from Debian's
#                   linux-source-6.1 (--guest-kernel minimal; as root)
#   make test       ASan+UBSan build of everything, then the criterion suite
#   make lint       cppcheck and clang-tidy
#   make fuzz       libFuzzer targets (clang), each run FUZZ_SECONDS
#   make install    bin/bench, the agent and the plot templates under PREFIX
#   make dist       the release tarball deploy/ansible/ installs (DIST=...)

PREFIX    ?= /usr/local
# Separate trees let several builds share one checkout (BUILD=build-x BIN=bin-x).
BUILD     ?= build
BIN       ?= bin
CC        ?= cc
MUSL_CC   ?= musl-gcc
PKGS      := jansson libarchive hwloc libvirt nettle libseccomp libmnl libnftables
GIT_REV   := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || cat GIT_REV 2>/dev/null || echo unknown)

WARN      := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla
CPPFLAGS  += -D_GNU_SOURCE -DBENCH_GIT_REV='"$(GIT_REV)"'
# pkg-config runs when a recipe needs the flags, not when make starts, so
# that `make setup all` on a fresh machine sees what setup installed.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
CFLAGS    ?= -O2 -g
CFLAGS    += -std=c17 $(WARN) $(PKG_CFLAGS)
LDLIBS    += $(PKG_LIBS) -lm
SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# Everything but main() goes into the library that the tests link too.
# Layers, lowest first: lib/ <- container/, vm/, oci/, net/ <- runners/ <- bench/harness/ <- bench/.
LIB_SRC   := $(filter-out bench/main.c,$(wildcard lib/*.c container/*.c vm/*.c oci/*.c net/*.c runners/*.c bench/harness/*.c bench/*.c))
MAIN_SRC  := bench/main.c
AGENT_SRC := $(wildcard bench/agent/*.c)
TEST_SRC  := $(wildcard tests/*.c)
# Misbehaving workloads (static, like the agent) for the fault tests.
FIXTURES  := $(patsubst tests/fixtures/%.c,$(BUILD)/fixtures/%,$(wildcard tests/fixtures/*.c))
HDRS      := $(wildcard lib/*.h runners/*.h container/*.h vm/*.h oci/*.h net/*.h bench/*.h bench/harness/*.h bench/agent/*.h tests/*.h)

REL_OBJ   := $(patsubst %.c,$(BUILD)/release/%.o,$(LIB_SRC) $(MAIN_SRC))
SAN_LIB   := $(patsubst %.c,$(BUILD)/asan/%.o,$(LIB_SRC))
SAN_MAIN  := $(patsubst %.c,$(BUILD)/asan/%.o,$(MAIN_SRC))
SAN_TESTS := $(patsubst %.c,$(BUILD)/asan/%.o,$(TEST_SRC))

.PHONY: all setup guest-kernel test lint install clean check-deps fuzz dist
all: $(BIN)/bench $(BIN)/bench-agent

check-deps:
	@pkg-config --exists $(PKGS) || { echo "missing libraries ($(PKGS)): run 'make setup' as root" >&2; exit 1; }
	@command -v $(MUSL_CC) >/dev/null || { echo "missing $(MUSL_CC): run 'make setup' as root" >&2; exit 1; }

$(BIN)/bench: $(REL_OBJ) | check-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# The workload: one static binary for host, container and VM alike.
$(BIN)/bench-agent: $(AGENT_SRC) lib/agent_protocol.h $(wildcard bench/agent/*.h) | check-deps
	@mkdir -p $(@D)
	$(MUSL_CC) -std=c17 $(WARN) -D_GNU_SOURCE -O2 -static -o $@ $(AGENT_SRC)

$(BUILD)/fixtures/%: tests/fixtures/%.c $(wildcard tests/fixtures/*.h) | check-deps
	@mkdir -p $(@D)
	$(MUSL_CC) -std=c17 $(WARN) -O2 -static -o $@ $<

$(BUILD)/release/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/asan/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) -O1 -DBENCH_TEST_ROOT='"$(CURDIR)"' -c -o $@ $<

$(BUILD)/asan/bin/bench: $(SAN_LIB) $(SAN_MAIN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

$(BUILD)/asan/bench-tests: $(SAN_LIB) $(SAN_TESTS)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs criterion libpng)

# Fuzzing (tests/fuzz/): the library again, built by clang with libFuzzer's
# coverage, into its own tree; each target runs FUZZ_SECONDS from its seed
# corpus, new inputs kept under $(FUZZ)/corpus, crashes under $(FUZZ)/crashes.
FUZZ         := $(BUILD)/fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(FUZZ)/%,$(wildcard tests/fuzz/fuzz_*.c))

# clang warns where gcc, the build's compiler, does not: not fatal here.
$(FUZZ)/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS) -Wno-error -Wno-format-nonliteral $(FUZZ_SAN) -fsanitize=fuzzer-no-link -O1 -c -o $@ $<

$(FUZZ)/tests/fuzz/%.o: tests/fuzz/%.c $(HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -O1 -c -o $@ $<

$(FUZZ)/libbench.a: $(patsubst %.c,$(FUZZ)/%.o,$(LIB_SRC))
	rm -f $@
	ar rcs $@ $^

$(FUZZ)/fuzz_%: $(FUZZ)/tests/fuzz/fuzz_%.o $(FUZZ)/libbench.a
	$(FUZZ_CC) $(CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# Kept, so that a second `make fuzz` relinks nothing.
.SECONDARY: $(patsubst tests/fuzz/%.c,$(FUZZ)/tests/fuzz/%.o,$(wildcard tests/fuzz/fuzz_*.c))

fuzz: $(FUZZ_TARGETS)
	tests/fuzz/run.sh $(FUZZ) $(FUZZ_SECONDS) $(notdir $(FUZZ_TARGETS))

setup:
	scripts/setup.sh

# Optional, minutes the first time and nothing the next: the kernel is
# cached by its config fragment's sha256 (scripts/guest-kernel.sh).
guest-kernel:
	nice -n 10 scripts/guest-kernel.sh

# The tests run the sanitized bench and the real agent; run-tests.sh keeps
# the output in build/test.log and repeats the failures at its end.
test: $(BIN)/bench-agent $(BUILD)/asan/bin/bench $(BUILD)/asan/bench-tests $(FIXTURES)
	BENCH_AGENT=$(abspath $(BIN))/bench-agent BENCH_BIN=$(abspath $(BUILD))/asan/bin/bench \
	  BENCH_FIXTURES=$(abspath $(BUILD))/fixtures LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  TEST_LOG=$(BUILD)/test.log scripts/run-tests.sh $(BUILD)/asan/bench-tests --jobs 1 $(TEST_ARGS)

# cppcheck reads the product code (criterion's macros in tests/ confuse
# it); clang-tidy takes its checks from .clang-tidy; check-no-print keeps
# "nothing below main() prints".
lint:
	scripts/check-no-print.sh
	scripts/check-layers.sh
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --std=c11 \
	  --suppress=missingIncludeSystem --inline-suppr -D_GNU_SOURCE \
	  lib container vm oci net runners bench
	clang-tidy --quiet $(LIB_SRC) $(MAIN_SRC) $(AGENT_SRC) -- $(CPPFLAGS) -std=c17 $(PKG_CFLAGS)
	shellcheck -S warning .ci/run scripts/*.sh bench/*.sh tests/fixtures/*.sh tests/fuzz/*.sh

install: all
	install -D -m 0755 $(BIN)/bench $(DESTDIR)$(PREFIX)/bin/bench
	install -D -m 0755 $(BIN)/bench-agent $(DESTDIR)$(PREFIX)/libexec/bench/bench-agent
	install -d $(DESTDIR)$(PREFIX)/share/bench/plots
	install -m 0644 plots/*.gp $(DESTDIR)$(PREFIX)/share/bench/plots/

# The release tarball: the working tree's files (tracked, and new ones git
# does not ignore) under bench/, and the git revision they were made from
# (GIT_REV), which a build outside git reads.
VERSION   := $(shell sed -n 's/^\#define BENCH_VERSION "\(.*\)"/\1/p' bench/harness/meta.h)
DIST      ?= $(BUILD)/bench-$(VERSION).tar.gz
dist:
	@mkdir -p $(BUILD)/dist $(dir $(DIST))
	echo '$(GIT_REV)' > $(BUILD)/dist/GIT_REV
	git ls-files -co --exclude-standard | while read -r f; do [ -f "$$f" ] && printf '%s\n' "$$f"; done | \
	  tar -cf $(BUILD)/dist/bench.tar --transform 's,^,bench/,' -T -
	tar -rf $(BUILD)/dist/bench.tar -C $(BUILD)/dist --transform 's,^,bench/,' GIT_REV
	gzip -9n < $(BUILD)/dist/bench.tar > $(DIST)
	rm -f $(BUILD)/dist/bench.tar
	ln -sfn $(abspath $(DIST)) $(BUILD)/bench.tar.gz
	@echo "dist: $(DIST) (and $(BUILD)/bench.tar.gz)"

clean:
	rm -rf build bin

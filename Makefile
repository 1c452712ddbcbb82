# faultline - find the bugs in your program's error paths.
#   make          build ./faultline and ./faultline_ext.so
#   make deps     install the Debian packages it needs (apt-get)
#   make check    build warning-free, run unit tests (plain and ASan+UBSan) and e2e tests
#   make demo     record a corpus program, sweep its faults, show the bug
#   make bench    faultline vs strace side by side (prints ratios; never fails)

CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror=implicit-function-declaration
LDLIBS  = -lsqlite3 -lzstd -lseccomp -ldw -lelf
PREFIX  ?= /usr/local

CORE_SRC = util.c json.c \
	record/tracer.c record/systab.c record/xlat.c record/decode.c record/stack.c record/pyframes.c record/snapshot.c record/fdcache.c \
	store/store.c store/schema.c store/rec.c store/read.c store/sqlfn.c store/points.c store/results.c \
	analyze/points.c analyze/failures.c analyze/select.c replay/inject.c replay/crash.c replay/crash_names.c replay/crash_torn.c replay/identity.c replay/isolate.c replay/sandbox.c replay/outcome.c replay/junit.c replay/runner.c replay/baseline.c replay/result.c replay/spec.c
CMD_SRC  = faultline.c cmd.c record/record.c record/show.c store/query.c \
	analyze/analyze.c replay/replay.c replay/plan.c replay/sweep_out.c analyze/report.c analyze/report_html.c analyze/report_svg.c store/merge.c replay/fuzz.c replay/bisect.c replay/depth.c
HDRS     = $(wildcard *.h */*.h)

UNIT_TESTS = $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_PURE  = $(filter-out test_stack_live,$(UNIT_TESTS))
DEB_PKGS   = build-essential pkg-config libsqlite3-dev libzstd-dev libseccomp-dev \
	libcmocka-dev libdw-dev libelf-dev sqlite3 strace python3 file \
	git gzip tar sed coreutils golang-go

all: faultline faultline_ext.so

faultline: $(CORE_SRC) $(CMD_SRC) $(HDRS)
	$(CC) $(CFLAGS) -o $@ $(CMD_SRC) $(CORE_SRC) $(LDLIBS)

faultline_ext.so: store/ext.c store/sqlfn.c util.c faultline.h store/store.h
	$(CC) $(CFLAGS) -fPIC -shared -o $@ store/ext.c util.c -lzstd

build/unit/%: tests/unit/%.c $(CORE_SRC) $(HDRS)
	@mkdir -p build/unit
	$(CC) $(CFLAGS) -o $@ $< $(CORE_SRC) $(LDLIBS) -lcmocka

build/asan/%: tests/unit/%.c $(CORE_SRC) $(HDRS)
	@mkdir -p build/asan
	$(CC) $(CFLAGS) -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
		-fno-sanitize-recover=undefined -o $@ $< $(CORE_SRC) $(LDLIBS) -lcmocka

build/unit/stack_target: tests/unit/stack_target.c
	@mkdir -p build/unit
	$(CC) -g -O0 -o $@ $<

corpus:
	$(MAKE) -C corpus

unit: $(addprefix build/unit/,$(UNIT_TESTS)) build/unit/stack_target
	@set -e; for t in $(UNIT_TESTS); do echo "== unit $$t"; ./build/unit/$$t; done

asan: $(addprefix build/asan/,$(UNIT_PURE))
	@set -e; for t in $(UNIT_PURE); do echo "== asan $$t"; ./build/asan/$$t; done

e2e: all corpus
	@bash tests/e2e/run.sh

check: all unit asan e2e

deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "all dependencies present"; fi

demo: all corpus
	@bash tests/e2e/demo.sh

bench: all corpus
	@bash tests/bench/bench.sh

install: all
	install -D -m 755 faultline $(DESTDIR)$(PREFIX)/bin/faultline
	install -D -m 644 faultline_ext.so $(DESTDIR)$(PREFIX)/lib/faultline/faultline_ext.so
	@if [ -f docs/faultline.1 ]; then install -D -m 644 docs/faultline.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/faultline.1; fi

clean:
	rm -rf faultline faultline_ext.so build
	$(MAKE) -C corpus clean

.PHONY: all corpus unit asan e2e check deps demo bench install clean

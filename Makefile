# paymatch — build, test, benchmark, install.
# Sources are found by wildcard so that a new module is one new file.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc

PKGS      := ncursesw sqlite3 yaml-0.1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

OPT      ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS += -Iinclude $(PKG_CFLAGS) -DPM_DATADIR='"$(PREFIX)/share/paymatch"' -MMD -MP
CFLAGS   += $(OPT) $(WARN) -pthread $(SAN)
LDLIBS   += $(PKG_LIBS) -lcsv -lm -pthread
LDFLAGS  += $(SAN)

LIB_SRC  := $(sort $(wildcard src/core/*.c src/config/*.c src/store/*.c src/import/*.c \
                              src/match/*.c src/report/*.c src/ui/*.c src/cli/*.c))
LIB_SRC  := $(filter-out src/cli/main.c,$(LIB_SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libpaymatch.a

TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(sort $(wildcard tools/*.c))
TOOL_BIN := $(TOOL_SRC:tools/%.c=$(BUILD)/tools/%)

.PHONY: all check asan bench install uninstall clean deps tests tools demo
all: paymatch tools

paymatch: $(BUILD)/paymatch
	cp $< $@

$(BUILD)/paymatch: $(BUILD)/src/cli/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS) -lcmocka

$(BUILD)/tools/%: tools/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

tools: $(TOOL_BIN)
tests: $(TEST_BIN)

# Every test: unit (cmocka), end-to-end CLI, real-terminal (tmux). Ends with "N passed, N failed".
check: all tests
	@BUILD=$(BUILD) PAYMATCH=$(CURDIR)/$(BUILD)/paymatch sh tests/run.sh

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer, in a separate build tree.
asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" check

bench: all
	sh tests/bench/run.sh

deps:
	sh scripts/install-deps.sh

# Opens the UI on samples/ (imports and matches them first).
demo: all
	./paymatch --db demo.db samples/invoices.csv samples/payments.csv

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/paymatch/themes
	install -m 755 $(BUILD)/paymatch $(DESTDIR)$(PREFIX)/bin/paymatch
	install -m 644 docs/paymatch.1 $(DESTDIR)$(PREFIX)/share/man/man1/paymatch.1
	install -m 644 themes/*.yaml $(DESTDIR)$(PREFIX)/share/paymatch/themes/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/paymatch $(DESTDIR)$(PREFIX)/share/man/man1/paymatch.1
	rm -rf $(DESTDIR)$(PREFIX)/share/paymatch

clean:
	rm -rf build build-asan paymatch

-include $(LIB_OBJ:.o=.d) $(BUILD)/src/cli/main.d $(TOOL_BIN:=.d) $(TEST_BIN:=.d)

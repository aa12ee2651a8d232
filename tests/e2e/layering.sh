#!/bin/sh
# The architecture's one-way dependencies, checked: curses only in src/ui, SQL only in src/store.
. "$ROOT/tests/lib/tap.sh"
cd "$ROOT"

curses=$(grep -lE '#include[[:space:]]*<(n?curses|ncursesw/)' src/*/*.c include/paymatch/*.h 2>/dev/null |
	grep -v '^src/ui/' || true)
check_eq "curses is included only under src/ui" "" "$curses"

sqlite=$(grep -lE 'sqlite3_|#include[[:space:]]*<sqlite3\.h>' src/*/*.c include/paymatch/*.h 2>/dev/null |
	grep -v '^src/store/' || true)
check_eq "SQLite is used only under src/store" "" "$sqlite"

sql_text=$(grep -lE '"[[:space:]]*(SELECT|INSERT|UPDATE|DELETE)[[:space:]]' src/*/*.c 2>/dev/null |
	grep -v '^src/store/' || true)
check_eq "SQL text lives only under src/store" "" "$sql_text"

exits=$(grep -lE '(^|[^_a-z])exit[[:space:]]*\(' src/core/*.c src/store/*.c src/import/*.c \
	src/match/*.c src/report/*.c src/config/*.c 2>/dev/null || true)
check_eq "library code never calls exit()" "" "$exits"

sprintf_users=$(grep -lE '(^|[^n])sprintf[[:space:]]*\(' src/*/*.c tools/*.c 2>/dev/null || true)
check_eq "no sprintf (snprintf only)" "" "$sprintf_users"

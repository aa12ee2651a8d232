# Tiny TAP helpers for the shell tests. Source it: . "$ROOT/tests/lib/tap.sh"
# Each test script gets a private temp dir ($T) removed on exit.
set -u
TAP_N=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
: "${PAYMATCH:?set PAYMATCH to the binary}"
: "${ROOT:?set ROOT to the source tree}"

ok() {   # ok DESCRIPTION -- passes
	TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"
}
not_ok() {   # not_ok DESCRIPTION [DETAIL]
	TAP_N=$((TAP_N + 1)); echo "not ok $TAP_N - $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}
check() {   # check DESCRIPTION COMMAND...  -- ok when COMMAND succeeds
	d=$1; shift
	if out=$("$@" 2>&1); then ok "$d"; else not_ok "$d" "$out"; fi
}
check_eq() {   # check_eq DESCRIPTION EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected [$2] got [$3]"; fi
}
check_contains() {   # check_contains DESCRIPTION NEEDLE HAYSTACK
	case "$3" in *"$2"*) ok "$1" ;; *) not_ok "$1" "[$2] not in: $3" ;; esac
}
sql() {   # sql DB QUERY -- one value per line
	sqlite3 -batch -noheader "$1" "$2"
}

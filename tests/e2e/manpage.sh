#!/bin/sh
# docs/paymatch.1: mandoc lint clean, and every command of --help documented.
. "$ROOT/tests/lib/tap.sh"
MAN="$ROOT/docs/paymatch.1"
check "man page exists" test -s "$MAN"
if command -v mandoc >/dev/null 2>&1; then
	out=$(mandoc -T lint -W warning "$MAN" 2>&1)
	check_eq "mandoc -T lint is clean" "" "$out"
else
	echo "ok - mandoc -T lint # SKIP mandoc not installed"
fi
cmds=$("$PAYMATCH" --help | awk '/^Commands:/{f=1;next} /^$/{f=0} f{print $1}')
check "--help lists commands" test -n "$cmds"
for c in $cmds; do
	check "command '$c' in the man page" grep -q "^\.It Cm $c\b" "$MAN"
done
for k in summary aging exceptions matches customers import-errors; do
	check "report kind '$k' in the man page" grep -q "$k" "$MAN"
done
for o in --db --config --theme --progress --quiet --no-tui --help --version --format --as-of --customer --currency --basis; do
	check "option $o in the man page" grep -q -- "Fl -${o#--}" "$MAN"
done
for e in PAYMATCH_DB PAYMATCH_CONFIG XDG_CONFIG_HOME NO_COLOR USER ESCDELAY; do
	check "environment $e in the man page" grep -q "$e" "$MAN"
done

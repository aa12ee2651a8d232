#!/bin/sh
# The configuration from the command line: bad files stop paymatch with file:line:col and
# exit 78, `config show` prints YAML that reads back, the lookup order, usage errors.
. "$ROOT/tests/lib/tap.sh"
cd "$T"

# No user configuration may leak into the test.
unset PAYMATCH_CONFIG
export HOME="$T/home" XDG_CONFIG_HOME="$T/xdg"
mkdir -p "$HOME" "$XDG_CONFIG_HOME"

printf 'matching:\n  confidence_treshold: 0.5\n' >bad.yaml
"$PAYMATCH" --config bad.yaml config show >out.txt 2>err.txt
check_eq "a bad config stops paymatch with exit 78" 78 $?
check_eq "nothing is printed on stdout" "" "$(cat out.txt)"
check_eq "the error names file:line:col and suggests the key" \
	"paymatch: bad.yaml:2:3: unknown key 'matching.confidence_treshold'; did you mean 'confidence_threshold'?" \
	"$(cat err.txt)"

"$PAYMATCH" --config missing.yaml config show >/dev/null 2>err.txt
check_eq "a missing --config file exits 66" 66 $?
check_contains "and says it cannot be opened" "missing.yaml: cannot open" "$(cat err.txt)"

"$PAYMATCH" config show >shown.yaml 2>err.txt
check_eq "config show succeeds on the defaults" 0 $?
check_contains "config show prints the defaults" "confidence_threshold: 0.75" "$(cat shown.yaml)"
"$PAYMATCH" --config shown.yaml config show >shown2.yaml 2>err.txt
check_eq "config show output is a valid config" 0 $?
check_eq "and reads back to the same configuration" "$(sed 1d shown.yaml)" "$(sed 1d shown2.yaml)"
check_contains "the header names the file it came from" "overridden by shown.yaml" \
	"$(head -1 shown2.yaml)"

cat >custom.yaml <<'EOF'
performance:
  max_memory_usage: "2GB"
matching:
  tolerance: 7.5
import:
  profiles:
    bank:
      delimiter: ";"
      columns: {payment_date: Buchungstag, amount: Betrag}
aging:
  buckets: [15, 45]
EOF
"$PAYMATCH" --config custom.yaml config show >custom-shown.yaml
check_contains "memory sizes print in the largest whole unit" "max_memory_usage: 2GB" \
	"$(cat custom-shown.yaml)"
check_contains "money prints as a decimal string" 'tolerance: "7.50"' "$(cat custom-shown.yaml)"
check_contains "a profile's kind is implied by its columns" "kind: payments" \
	"$(cat custom-shown.yaml)"
"$PAYMATCH" --config custom-shown.yaml config show >custom-shown2.yaml
check_eq "a config with profiles survives the round trip" "$(sed 1d custom-shown.yaml)" \
	"$(sed 1d custom-shown2.yaml)"

# A decimal-comma locale must change neither reading nor printing (main sets the locale).
if localedef -i de_DE -f UTF-8 "$T/de_DE.UTF-8" >/dev/null 2>&1; then
	printf 'matching:\n  tolerance_percent: 2.5\n' >locale.yaml
	de=$(LOCPATH="$T" LC_ALL=de_DE.UTF-8 "$PAYMATCH" --config locale.yaml config show)
	check_contains "numbers are read in any locale" "tolerance_percent: 2.5" "$de"
	check_contains "numbers are printed with a point in any locale" \
		"confidence_threshold: 0.75" "$de"
else
	ok "numbers are read in any locale # SKIP localedef cannot build de_DE.UTF-8"
	ok "numbers are printed with a point in any locale # SKIP no de_DE.UTF-8"
fi

"$PAYMATCH" config check custom.yaml >out.txt 2>&1
check_eq "config check accepts a good file" 0 $?
"$PAYMATCH" config check bad.yaml >out.txt 2>&1
check_eq "config check refuses a bad file with 78" 78 $?
check_contains "with the position" "bad.yaml:2:3:" "$(cat out.txt)"
printf 'ui:\n  mouse: yes\n' >yes.yaml
"$PAYMATCH" config check yes.yaml >out.txt 2>&1
check_contains "yes is not a boolean" "yes.yaml:2:10: ui.mouse: expected true or false" \
	"$(cat out.txt)"

mkdir -p "$XDG_CONFIG_HOME/paymatch"
printf 'performance:\n  chunk_size: 1234\n' >"$XDG_CONFIG_HOME/paymatch/config.yaml"
check_contains "the XDG config file is found" "chunk_size: 1234" "$("$PAYMATCH" config show)"
printf 'performance:\n  chunk_size: 4321\n' >env.yaml
check_contains "\$PAYMATCH_CONFIG wins over XDG" "chunk_size: 4321" \
	"$(PAYMATCH_CONFIG=env.yaml "$PAYMATCH" config show)"
check_contains "--config wins over \$PAYMATCH_CONFIG" "chunk_size: 1234" \
	"$(PAYMATCH_CONFIG=env.yaml "$PAYMATCH" --config "$XDG_CONFIG_HOME/paymatch/config.yaml" config show)"
rm -r "$XDG_CONFIG_HOME/paymatch"

"$PAYMATCH" config keys >keys.md
check_eq "config keys succeeds" 0 $?
if grep -qF -f keys.md "$ROOT/docs/CONFIG.md" && [ -s keys.md ]; then
	doc_ok=yes
	while IFS= read -r line; do
		grep -qxF -- "$line" "$ROOT/docs/CONFIG.md" || { doc_ok=no; break; }
	done <keys.md
else
	doc_ok=no
fi
check_eq "docs/CONFIG.md lists every line of config keys" yes "$doc_ok"

"$PAYMATCH" config >/dev/null 2>err.txt
check_eq "config without a subcommand is a usage error" 2 $?
"$PAYMATCH" config frob >/dev/null 2>err.txt
check_eq "an unknown subcommand is a usage error" 2 $?
check_contains "naming it" "unknown subcommand 'frob'" "$(cat err.txt)"
"$PAYMATCH" config check >/dev/null 2>&1
check_eq "config check without a file is a usage error" 2 $?

# The reader is gone before paymatch writes: EPIPE must end it quietly with status 0.
{ sleep 0.3; "$PAYMATCH" config show 2>pipe.err; echo $? >pipe.rc; } | true
check_eq "a closed pipe ends config show quietly" "0:" "$(cat pipe.rc):$(cat pipe.err)"

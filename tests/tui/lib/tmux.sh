# Helpers for the real-terminal tests (sourced after tests/lib/tap.sh): a private tmux server
# (-L pm-PID, no ~/.tmux.conf), TERM and LANG set inside the pane command, polling instead of
# fixed sleeps, remain-on-exit to read paymatch's exit status. See the notes' recipe (C2).
TM="tmux -f /dev/null -L pm-$$"
trap '$TM kill-server 2>/dev/null; rm -rf "$T"' EXIT

tmux_missing() {   # prints a SKIP plan and returns 0 when tmux is not installed
	command -v tmux >/dev/null 2>&1 && return 1
	echo "1..1"
	echo "ok 1 # SKIP tmux is not installed"
	return 0
}

pm_start() {   # pm_start COLS LINES ARGS... -- runs paymatch in a fresh pane
	cols=$1; lines=$2; shift 2
	# A idle session keeps one server (and its global remain-on-exit) for the whole test:
	# restarting the server between runs races with its shutdown.
	$TM has-session -t keep 2>/dev/null ||
		$TM new-session -d -s keep "sleep 600" \; set-option -g remain-on-exit on
	$TM kill-session -t t 2>/dev/null
	$TM new-session -d -s t -x "$cols" -y "$lines" \
		"env TERM=${PM_TERM:-xterm-256color} LANG=C.UTF-8 LC_ALL=C.UTF-8 ${PM_ENV:-} $PAYMATCH $*;
		 echo \"paymatch exited with status \$?\""
}

screen() { $TM capture-pane -p -J -S -100 -t t; }

wait_for() {   # wait_for PATTERN -- polls the screen (up to ~10 s); dumps it on failure
	i=0
	while [ $i -lt 200 ]; do
		screen | grep -q -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "# screen while waiting for [$1]:" >&2
	screen | sed 's/^/#   /' >&2
	return 1
}

check_screen() {   # check_screen DESCRIPTION PATTERN
	if wait_for "$2" 2>"$T/dump"; then ok "$1"; else not_ok "$1" "$(cat "$T/dump")"; fi
}

keys() { $TM send-keys -t t "$@"; }
type_text() { $TM send-keys -t t -l "$1"; }

pm_exit_status() {   # waits for paymatch to end; prints its exit status
	# The pane's shell echoes $? (tmux's #{pane_dead_status} is unreliable under ASan).
	wait_for "paymatch exited with status" 2>/dev/null
	screen | sed -n 's/.*paymatch exited with status \([0-9]*\).*/\1/p' | tail -n 1
}

make_working_set() {   # make_working_set DB -- imports the sample (or fixture) files, matches
	src=$ROOT/samples
	PM_DATA=samples
	if [ ! -f "$src/invoices.csv" ] || [ ! -f "$src/payments.csv" ]; then
		src=$ROOT/tests/tui/data
		PM_DATA=fixture
	fi
	"$PAYMATCH" --db "$1" -q import invoices "$src/invoices.csv" &&
	"$PAYMATCH" --db "$1" -q import payments "$src/payments.csv" &&
	"$PAYMATCH" --db "$1" -q match >/dev/null
}

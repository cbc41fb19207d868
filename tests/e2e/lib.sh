# lib.sh - helpers for the end-to-end tests that drive concviz in tmux.
#
# Source it from a test: it sets BIN (default ./concviz), starts nothing by
# itself, and gives: a private tmux server (tm_*), bounded polling of the
# screen instead of fixed sleeps (tm_wait), and check/pass/fail reporting
# (each check prints what it checked), commands expected to exit with a
# status (expect) or to be signalled (signalled). Call e2e_finish at the end: it prints
# the summary and exits 0 only when every check passed. POSIX sh.

BIN=${BIN:-./concviz}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
E2E_SOCK=cvtest-$$
E2E_TMP=$(mktemp -d)
e2e_failed=0
e2e_passed=0

# Remove everything the test made: the tmux server and the temporary dir.
e2e_cleanup() {
	tmux -L "$E2E_SOCK" kill-server >/dev/null 2>&1
	rm -rf "$E2E_TMP"
}
trap e2e_cleanup EXIT
trap 'exit 1' INT TERM HUP

# tm ARGS...: run tmux on the private server.
tm() {
	tmux -L "$E2E_SOCK" -f /dev/null "$@"
}

# pass MSG / fail MSG: report one check.
pass() {
	e2e_passed=$((e2e_passed + 1))
	echo "ok - $1"
}
fail() {
	e2e_failed=$((e2e_failed + 1))
	echo "FAIL - $1"
}

# tm_start NAME W H CMD: open a W x H session NAME running CMD (through sh),
# with a UTF-8 locale and TERM=xterm-256color unless CMD sets its own.
tm_start() {
	tm new-session -d -s "$1" -x "$2" -y "$3" \
		"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color sh -c '$4'; exec sleep 300"
}

# tm_screen NAME: print the session's screen as text.
tm_screen() {
	tm capture-pane -p -t "$1" 2>/dev/null
}

# tm_wait NAME PATTERN [SECONDS]: poll the screen until grep -E PATTERN
# matches (default 10 s, generous for a loaded machine); 1 on timeout.
tm_wait() {
	_n=$(( ${3:-10} * 10 ))
	while [ "$_n" -gt 0 ]; do
		if tm_screen "$1" | grep -Eq -- "$2"; then
			return 0
		fi
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# tm_gone NAME PATTERN [SECONDS]: poll until PATTERN is no longer on screen.
tm_gone() {
	_n=$(( ${3:-10} * 10 ))
	while [ "$_n" -gt 0 ]; do
		if ! tm_screen "$1" | grep -Eq -- "$2"; then
			return 0
		fi
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# check NAME MSG PATTERN [SECONDS]: pass when PATTERN shows up on NAME's
# screen in time, else fail and show the screen.
check() {
	if tm_wait "$1" "$3" "${4:-10}"; then
		pass "$2"
	else
		fail "$2 (no /$3/ on screen)"
		tm_screen "$1" | sed 's/^/    | /'
	fi
}

# tm_keys NAME KEY...: type keys into the session.
tm_keys() {
	_s=$1
	shift
	tm send-keys -t "$_s" "$@"
}

# tm_child NAME: the pid of the program the session's sh started, or "".
tm_child() {
	_pp=$(tm display-message -p -t "$1" '#{pane_pid}')
	# the pane runs `sh -c ...; exec sleep`: its child sh, then that sh's child
	for _sh in $(pgrep -P "$_pp"); do
		pgrep -P "$_sh" | head -n 1
		return
	done
}

# tally FILE [PREFIX]: count a checker's output lines ("ok - WHAT", anything
# else a failure, "FAIL - " stripped) as this test's checks, named PREFIX WHAT.
tally() {
	while IFS= read -r _line; do
		case $_line in
		"ok - "*) pass "${2:+$2: }${_line#ok - }" ;;
		*) fail "${2:+$2: }${_line#FAIL - }" ;;
		esac
	done <"$1"
}

# expect NAME STATUS CMD...: run CMD (at most 60 s, output in $E2E_TMP/out
# and err), pass when it exits STATUS.
expect() {
	_name=$1 _want=$2
	shift 2
	timeout -k 5 60 "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err"
	_rc=$?
	if [ "$_rc" -eq "$_want" ]; then
		pass "$_name (exit $_rc)"
	else
		fail "$_name: exit $_rc, wanted $_want"
		sed 's/^/    | /' "$E2E_TMP/out" "$E2E_TMP/err" | head -n 20
	fi
}

# signalled SIG SECONDS CMD...: start CMD (at most 30 s, output in
# $E2E_TMP/out and err), send it SIG after SECONDS; its exit status in $rc.
signalled() {
	_sig=$1 _after=$2
	shift 2
	timeout -k 5 30 "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err" &
	_pid=$!
	sleep "$_after"
	kill -"$_sig" $_pid
	wait $_pid
	rc=$?
}

# e2e_finish: print the summary; exit 0 when nothing failed.
e2e_finish() {
	echo "e2e: $e2e_passed passed, $e2e_failed failed"
	[ "$e2e_failed" -eq 0 ]
	exit $?
}

#!/bin/sh
# test_completion.sh - the bash completion (src/cli/concviz.bash) offers the
# subcommands, every option of `run` and the other subcommands, the values of
# --mode/--workload/--format/--view/--color, and recordings for FILE; driven
# the way bash drives it (COMP_WORDS, COMP_CWORD, then COMPREPLY).
# Exit 0 = pass.
BIN=${BIN:-./concviz}
command -v bash >/dev/null 2>&1 || { echo "FAIL: bash is missing"; exit 1; }
tmp=$(mktemp -d /tmp/cvz-comp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/a.cvz"; : >"$tmp/b.txt"; mkdir "$tmp/dir"
"$BIN" help >"$tmp/help"
"$BIN" run --help >"$tmp/runhelp"
for c in serve replay export show stats trace attach; do "$BIN" $c --help; done >"$tmp/other" 2>&1
SCRIPT=$(pwd)/src/cli/concviz.bash TMPD=$tmp exec bash -c '
. "$SCRIPT" || { echo "FAIL: the script does not load"; exit 1; }
complete -p concviz | grep -q "_concviz" || { echo "FAIL: not registered for concviz"; exit 1; }
n=0
comp() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _concviz; echo " ${COMPREPLY[*]} "; }
want() { # want "WORDS..." -- what must be offered (each), words typed
	local need=$1; shift; local got; got=$(comp "$@")
	for w in $need; do
		case $got in *" $w "*) ;; *) echo "FAIL: \`$*\` offers [$got], not $w"; exit 1 ;; esac
	done
	n=$((n + 1))
}
never() { local bad=$1; shift; local got; got=$(comp "$@")
	case $got in *" $bad "*) echo "FAIL: \`$*\` offers $bad"; exit 1 ;; esac; n=$((n + 1)); }
cmds=$(sed -n "s/^\(usage:\)\{0,1\} *concviz \([a-z][a-z]*\) .*/\2/p" "$TMPD/help" | sort -u)
want "$cmds" concviz ""
want "run" concviz r
want "$(grep -o -- "--[a-z][a-z-]*" "$TMPD/runhelp" | sort -u | grep -v -- --opt)" concviz run --
want "--mode --workload --no-ui" concviz --
want "seq threads async procs" concviz run --mode ""
never "trace" concviz run --mode ""
want "io cpu race deadlock" concviz --workload ""
want "both race deadlock" concviz bench --workload ""
want "--lock --lock-order" concviz run --lo
never "--mode" concviz bench --
want "chrome csv" concviz export x.cvz --format ""
want "gantt compare loop log findings" concviz show x.cvz --view ""
want "auto always never" concviz show x.cvz --color ""
want "--port --bind --latency --jitter --size --fail-rate" concviz serve --
want "--speed" concviz replay x.cvz --
want "--format -o --output --force" concviz export x.cvz -
want "--json" concviz stats x.cvz --
want "$TMPD/a.cvz $TMPD/dir" concviz stats "$TMPD/"
never "$TMPD/b.txt" concviz stats "$TMPD/"
want "$TMPD/a.cvz" concviz run --record "$TMPD/"
want "$TMPD/b.txt" concviz export x.cvz -o "$TMPD/"
want "--hz --no-ui --json -o --record --no-python" concviz trace -
never "--no-python" concviz attach -
want "python3" concviz trace --no-ui -- pyth
want "python3" concviz trace pyth
want "$TMPD/b.txt" concviz trace -- python3 "$TMPD/"
want "$TMPD/b.txt" concviz trace --hz 100 python3 "$TMPD/"
want "1" concviz attach ""
# every option a subcommand --help names is offered by that subcommand
# (after a word, or first: the options of trace come before its command)
for o in $(grep -o -- "--[a-z][a-z-]*" "$TMPD/other" | sort -u); do
	found=0
	for c in serve replay export show stats trace attach; do
		case "$(comp concviz $c x --) $(comp concviz $c --)" in *" $o "*) found=1 ;; esac
	done
	[ $found = 1 ] || { echo "FAIL: no subcommand completes $o"; exit 1; }
done
echo "ok - $n completions checked, every subcommand option offered"
'

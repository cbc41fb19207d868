#!/bin/sh
# run.sh - run test programs (cmocka binaries and e2e shell scripts), print
# each one's output, then one summary line "tests: N passed, N failed".
# A cmocka binary counts its test cases; a shell test counts as one.
# Exit status: 0 when everything passed, 1 otherwise.
passed=0; failed=0; failures=""
log=$(mktemp); trap 'rm -f "$log"' EXIT
for t in "$@"; do
	case $t in
	*.sh) echo "== $t"; if sh "$t" >"$log" 2>&1; then passed=$((passed+1)); tail -n 3 "$log"; echo "[       OK ] $t";
	      else failed=$((failed+1)); failures="$failures $t"; cat "$log"; echo "[  FAILED  ] $t"; fi ;;
	*)    echo "== $t"; "$t" >"$log" 2>&1; rc=$?; cat "$log"
	      p=$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	      f=$(sed -n 's/.*\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	      passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
	      if [ $rc -ne 0 ] || [ -z "$p$f" ]; then
	        [ -z "$f" ] && failed=$((failed+1)); failures="$failures $t"; fi ;;
	esac
done
[ -n "$failures" ] && echo "failed:$failures"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ -z "$failures" ]

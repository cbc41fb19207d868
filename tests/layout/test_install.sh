#!/bin/sh
# test_install.sh - `make install` puts the binary, the manual page, the
# bash completion, the SDK's header and its Python task tracer where the
# README says (under DESTDIR/PREFIX), the header builds a program and the
# tracer imports from there, the installed `concviz trace` injects the
# installed tracer into a Python program, and `make uninstall` removes exactly those
# files (and the compiled Python, and the folders it made): nothing of ours
# is left, nothing else is touched. Exit 0 = pass.
BIN=${BIN:-./concviz}
BIN=${BIN#./}
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d /tmp/cvz-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/usr/share/man/man1"; echo keep >"$tmp/usr/share/man/man1/other.1"
mk() { make -s --no-print-directory BIN="$BIN" ${BUILD:+BUILD=$BUILD} DESTDIR="$tmp" PREFIX=/usr "$@"; }
mk install >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "make install failed"; }
for f in usr/bin/concviz usr/share/man/man1/concviz.1 usr/share/bash-completion/completions/concviz \
	usr/include/concviz.h usr/share/concviz/python/sitecustomize.py \
	usr/share/concviz/python/concviz_sdk/__init__.py usr/share/concviz/python/concviz_sdk/_shard.py; do
	[ -f "$tmp/$f" ] || fail "make install did not put $f in place"
done
[ -x "$tmp/usr/bin/concviz" ] || fail "the installed binary is not executable"
"$tmp/usr/bin/concviz" --version | grep -q '^concviz ' || fail "the installed binary does not run"
printf '#include <concviz.h>\nint main(void) { cvz_task_end(cvz_task_begin("x")); return 0; }\n' >"$tmp/p.c"
${CC:-cc} -Wall -Wextra -Werror -I"$tmp/usr/include" "$tmp/p.c" -o "$tmp/p" && "$tmp/p" ||
	fail "a program does not build against the installed concviz.h"
rm -f "$tmp/p.c" "$tmp/p"
out=$(CONCVIZ_SDK=$tmp PYTHONPATH=$tmp/usr/share/concviz/python python3 -c \
	'import sys, concviz_sdk; print(concviz_sdk._installed, sys.modules["concviz_sdk"].__file__)')
[ "$out" = "True $tmp/usr/share/concviz/python/concviz_sdk/__init__.py" ] ||
	fail "the installed Python tracer does not start: $out"
printf 'import asyncio\nasync def main():\n    await asyncio.sleep(0.01)\nasyncio.run(main())\n' >"$tmp/a.py"
env -u CONCVIZ_PYTHON_DIR "$tmp/usr/bin/concviz" trace --json -o "$tmp/a.json" -- python3 "$tmp/a.py" ||
	fail "the installed concviz does not trace a Python program"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
sys.exit(0 if d["sdk"]["python"] == "injected" and d["tasks"] == 1 and d["done"] == 1 else 1)' "$tmp/a.json" ||
	fail "the installed concviz trace did not find its Python tracer: $(head -c 400 "$tmp/a.json")"
rm -f "$tmp/a.py" "$tmp/a.json"
echo "ok - the installed concviz trace injects the installed Python tracer"
echo "ok - make install: $(cd "$tmp" && find . -type f ! -name other.1 ! -name log | sort | tr '\n' ' ')"
mk uninstall >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "make uninstall failed"; }
left=$(cd "$tmp" && find . -type f ! -name log ! -name other.1)
[ -z "$left" ] || fail "make uninstall left: $left"
[ ! -e "$tmp/usr/share/concviz" ] || fail "make uninstall left the folder share/concviz"
[ -f "$tmp/usr/share/man/man1/other.1" ] || fail "make uninstall removed a file that is not ours"
echo "ok - make uninstall removed exactly what make install put in place"

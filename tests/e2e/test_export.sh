#!/bin/sh
# test_export.sh - record real runs with `concviz run --no-ui --record`, then
# check `concviz export` and `concviz stats` on them: the Chrome trace parses
# as JSON with one thread_name per lane, unique tids, one X event per
# non-idle span and no overlap on any track; the CSV has one row per span;
# outputs are never overwritten without --force; damaged recordings fail
# with a message naming the chunk. Exit 0 = pass.
BIN=${BIN:-./concviz}
tmp=$(mktemp -d /tmp/cvz-e2e-export.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A threads io run with failures, and an async run (one lane per task).
"$BIN" run --no-ui --tasks 40 --latency 10 --jitter 5 --fail-rate 0.2 --record "$tmp/t.cvz" >/dev/null ||
	fail "run --record (threads) failed"
"$BIN" run --no-ui --mode async --tasks 30 --latency 10 --record "$tmp/a.cvz" >/dev/null ||
	fail "run --record (async) failed"

for rec in t a; do
	"$BIN" export "$tmp/$rec.cvz" --format chrome -o "$tmp/$rec.json" || fail "export chrome $rec"
	"$BIN" export "$tmp/$rec.cvz" --format csv -o "$tmp/$rec.csv" || fail "export csv $rec"
	"$BIN" stats "$tmp/$rec.cvz" --json >"$tmp/$rec.stats" || fail "stats --json $rec"
	python3 - "$tmp/$rec.json" "$tmp/$rec.csv" "$tmp/$rec.stats" <<'EOF' || fail "checks of $rec"
import csv, json, sys
from decimal import Decimal
trace = json.load(open(sys.argv[1]), parse_float=Decimal)
stats = json.load(open(sys.argv[3]))
ev = trace["traceEvents"]
assert trace["displayTimeUnit"] == "ms"
assert trace["otherData"]["mode"] == stats["mode"], trace["otherData"]
procs = [e for e in ev if e["ph"] == "M" and e["name"] == "process_name"]
assert len(procs) == 1 and procs[0]["args"]["name"].startswith("concviz "), procs
names = [e for e in ev if e["ph"] == "M" and e["name"] == "thread_name"]
tids = [e["tid"] for e in names]
assert len(tids) == len(set(tids)), "thread tids not unique"
assert len(names) == len(stats["lanes"]), (len(names), len(stats["lanes"]))
for e, lane in zip(names, stats["lanes"]):
    assert e["args"]["name"] == lane["name"], (e, lane["name"])
xs = [e for e in ev if e["ph"] == "X"]
assert xs, "no complete events"
tracks = {}
for e in xs:
    assert e["tid"] in tids, e
    assert e["name"] in ("cpu", "io", "gil-wait", "lock-wait", "ready", "queued", "poll", "callback"), e
    assert e["cat"] == e["name"] and e["pid"] == 1 and e["dur"] >= 0, e
    tracks.setdefault(e["tid"], []).append((e["ts"], e["dur"]))
for tid, spans in tracks.items():
    spans.sort()
    for (t0, d0), (t1, _) in zip(spans, spans[1:]):
        assert t0 + d0 <= t1, "overlap on tid %d: %s+%s > %s" % (tid, t0, d0, t1)
inst = [e for e in ev if e["ph"] == "i"]
assert all(e["s"] == "t" for e in inst)
fails = [e for e in inst if e["name"].startswith("failed: ")]
assert len(fails) == stats["failed"], (len(fails), stats["failed"])
raw = open(sys.argv[2], newline="").read()
rows = list(csv.reader(raw.splitlines()))
assert rows[0] == ["lane", "lane_name", "task", "task_name", "state", "start_ns", "end_ns",
                   "duration_ns", "bytes", "status", "failed", "reason"], rows[0]
assert len(raw.split("\r\n")) - 1 == len(rows), "rows must end with CRLF"
body = rows[1:]
assert all(len(r) == 12 for r in body)
busy = [r for r in body if r[4] != "idle"]
assert len(busy) == len(xs), (len(busy), len(xs))
for a, b in zip(body, body[1:]):
    if a[0] == b[0]:
        assert int(a[6]) == int(b[5]), ("gap or overlap in csv", a, b)
    assert int(a[7]) == int(a[6]) - int(a[5])
print("%s: %d X events, %d csv rows, %d lanes, %d failures" %
      (sys.argv[1].rsplit("/", 1)[1], len(xs), len(body), len(names), len(fails)))
EOF
done

# stdout without -o; the same bytes as the file
"$BIN" export "$tmp/t.cvz" --format=csv >"$tmp/stdout.csv" || fail "export to stdout"
cmp -s "$tmp/stdout.csv" "$tmp/t.csv" || fail "stdout export differs from -o export"

# never overwrite without --force
echo keep >"$tmp/keep.json"
"$BIN" export "$tmp/t.cvz" --format chrome -o "$tmp/keep.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "overwrite without --force exited $rc (wanted 2, as run --record)"
grep -q "keep.json exists; use --force to overwrite it" "$tmp/err" || fail "message: $(cat "$tmp/err")"
[ "$(cat "$tmp/keep.json")" = keep ] || fail "existing output was touched"
"$BIN" export "$tmp/t.cvz" --format chrome -o "$tmp/keep.json" --force || fail "--force"
cmp -s "$tmp/keep.json" "$tmp/t.json" || fail "--force output differs"

# usage errors exit 2, and create nothing
"$BIN" export "$tmp/t.cvz" 2>/dev/null; [ $? -eq 2 ] || fail "missing --format not a usage error"
"$BIN" export "$tmp/t.cvz" --format xml -o "$tmp/x" 2>/dev/null; [ $? -eq 2 ] || fail "bad format"
[ ! -e "$tmp/x" ] || fail "a usage error created the output"
"$BIN" stats 2>/dev/null; [ $? -eq 2 ] || fail "stats without a file"

# damaged and cut recordings
size=$(wc -c <"$tmp/t.cvz")
head -c $((size - 30)) "$tmp/t.cvz" >"$tmp/cut.cvz"
"$BIN" stats "$tmp/cut.cvz" >/dev/null 2>"$tmp/err" || fail "a cut recording must still load"
grep -q "cut short" "$tmp/err" || fail "no note for a cut recording: $(cat "$tmp/err")"
"$BIN" export "$tmp/nothere.cvz" --format csv -o "$tmp/n.csv" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && [ ! -e "$tmp/n.csv" ] || fail "missing input: rc $rc"
if [ -f tests/data/flip.cvz ]; then
	"$BIN" stats tests/data/flip.cvz 2>"$tmp/err"; rc=$?
	[ $rc -eq 1 ] || fail "damaged recording exited $rc"
	grep -q "chunk 2 is corrupt (checksum mismatch)" "$tmp/err" || fail "message: $(cat "$tmp/err")"
	"$BIN" export tests/data/newer.cvz --format csv 2>"$tmp/err"; rc=$?
	[ $rc -eq 1 ] && grep -q "upgrade concviz" "$tmp/err" || fail "newer version: rc $rc $(cat "$tmp/err")"
fi
echo "export e2e: ok"

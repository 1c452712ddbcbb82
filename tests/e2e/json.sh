#!/usr/bin/env bash
# tests/e2e/json.sh - every --json output is strict JSON in valid UTF-8, even
# for a path holding byte 0xff, a double quote and a newline
# (progs/oddname.c): replay (and its --dry-run), fuzz, analyze, report and
# query.  Run objects carry the run id of their row in the runs view, and a
# repro line with --with and a --check full of quotes and spaces, given to
# `sh -c`, reruns its run with the same outcome.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_prog oddname || finish
W=$TMP/work
DB="$TMP/it's a \"db\".db"
mkdir -p "$W" && cd "$W" || finish
CHK="grep -qx 'hello world' ./data* && echo \"it's \$FAULTLINE_FAULT\""
ODD=$W/$(printf 'data\377"q\nx.txt')

run_bounded "$FL" record -q -d "$DB" -- "$TMP/bin/oddname" >/dev/null 2>"$TMP/err"
check "record oddname" test -s "$DB"

# strict FILE [lines]: FILE is UTF-8 (strictly) and one JSON value, or with
# "lines" one JSON value per line; prints why not.
strict() {
	python3 - "$@" <<'EOF'
import json, sys
raw = open(sys.argv[1], "rb").read()
try:
    text = raw.decode("utf-8")   # strict: a 0xff byte fails here
    if len(sys.argv) > 2:
        vals = [json.loads(l) for l in text.splitlines()]
        assert vals, "no rows"
    else:
        json.loads(text)
except Exception as e:
    print("#   %s: %s" % (type(e).__name__, str(e)[:200]))
    sys.exit(1)
EOF
}

# The JSON outputs.
run_bounded "$FL" replay -d "$DB" --family write --no-std --fault EIO --check "$CHK" -q --json \
	>"$TMP/replay.json" 2>"$TMP/err"
rc=$?
check "replay --json: exit 1 (a broken run), strict UTF-8 JSON" \
	eval '[ $rc = 1 ] && strict "$TMP/replay.json"'
run_bounded "$FL" replay -d "$DB" --fault EIO,short,eintr,crash --dry-run --json \
	>"$TMP/dry.json" 2>"$TMP/err"
check "replay --dry-run --json: strict UTF-8 JSON" strict "$TMP/dry.json"
run_bounded "$FL" fuzz -d "$DB" --runs 3 --faults 2 --family write --no-std --fault EIO \
	--check "$CHK" -q --json >"$TMP/fuzz.json" 2>"$TMP/err"
rc=$?
check "fuzz --json: exit 1, strict UTF-8 JSON" eval '[ $rc = 1 ] && strict "$TMP/fuzz.json"'
run_bounded "$FL" analyze -d "$DB" --json >"$TMP/analyze.json" 2>"$TMP/err"
check "analyze --json: strict UTF-8 JSON" strict "$TMP/analyze.json"
run_bounded "$FL" report -d "$DB" --json >"$TMP/report.json" 2>"$TMP/err"
check "report --json: strict UTF-8 JSON" strict "$TMP/report.json"
run_bounded "$FL" query -d "$DB" --json "SELECT * FROM runs" >"$TMP/runs.json" 2>"$TMP/err"
check "query --json (runs view): strict UTF-8 JSON lines" strict "$TMP/runs.json" lines
run_bounded "$FL" query -d "$DB" --json "SELECT * FROM syscalls" >"$TMP/calls.json" 2>"$TMP/err"
check "query --json (syscalls view): strict UTF-8 JSON lines" strict "$TMP/calls.json" lines

# What they say: the odd path (0xff read as U+00FF), and run ids that are
# rows of the runs view with the same outcome and repro line.
python3 - "$TMP" "$ODD" >"$TMP/cmp" 2>&1 <<'EOF'
import json, os, sys
t = sys.argv[1]
# the writer's convention: each byte that is not UTF-8 is \u00XX
want = sys.argv[2].encode("utf-8", "surrogateescape")
want = want.replace(b"\xff", "\u00ff".encode("utf-8")).decode("utf-8")
def load(n): return json.loads(open(os.path.join(t, n), "rb").read().decode("utf-8"))
rows = {r["run"]: r for r in
        (json.loads(l) for l in open(os.path.join(t, "runs.json"), "rb").read().decode("utf-8").splitlines())}
rp, fz, an, rep = load("replay.json"), load("fuzz.json"), load("analyze.json"), load("report.json")
assert any(p["path"] == want for p in an["points"]), "analyze: no point on the odd path"
assert rp["runs"] and all(r["path"] == want for r in rp["runs"]), "replay: paths"
assert any(f["path"] == want for f in rep["findings"]), "report: no finding on the odd path"
assert any(r["path"] == want for r in rows.values()), "query: no run on the odd path"
for name, d in (("replay", rp), ("fuzz", fz)):
    for r in d["runs"]:
        assert type(r["run"]) is int, (name, r)
        row = rows.get(r["run"])
        assert row, "%s: run %s is not in the runs view" % (name, r["run"])
        assert row["sweep"] == d["sweep"] and row["outcome"] == r["outcome"], (name, r, row)
        assert row["repro"] == r["repro"], (name, r["repro"], row["repro"])
assert len({r["run"] for r in rp["runs"] + fz["runs"]}) == len(rp["runs"]) + len(fz["runs"])
assert {f["run"] for f in rep["findings"]} <= set(rows)
print("same")
EOF
if grep -qx same "$TMP/cmp"; then
	pass "paths read back as written (0xff as U+00FF); run ids are rows of the runs view"
else
	fail "paths and run ids"
	sed 's/^/#   /' "$TMP/cmp"
fi

# A fuzz repro line (--with, and the --check with its quotes) through sh -c.
repro=$(python3 -c '
import json, sys
runs = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))["runs"]
r = [r for r in runs if " --with " in r["repro"] and r["outcome"] == "broken"][0]
print(r["repro"])' "$TMP/fuzz.json" 2>/dev/null)
if [ -n "$repro" ]; then
	PATH=$TMP/bin:$PATH run_bounded sh -c "$repro --json" >"$TMP/re.json" 2>"$TMP/err"
	rc=$?
	got=$(python3 -c 'import json,sys; r = json.load(sys.stdin)["runs"]; print(len(r), r[0]["outcome"], r[0]["faults"])' \
		<"$TMP/re.json" 2>/dev/null)
	want=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = [r for r in d["runs"] if r["repro"] == sys.argv[2]][0]
print(1, r["outcome"], r["faults"])' "$TMP/fuzz.json" "$repro" 2>/dev/null)
	if [ $rc = 1 ] && [ -n "$want" ] && [ "$got" = "$want" ]; then
		pass "sh -c reruns a fuzz repro line: $got"
	else
		fail "sh -c '$repro': exit $rc, got '$got', want '$want'"
		sed 's/^/#   /' "$TMP/err"
	fi
else
	fail "no broken fuzz run with --with in its repro line"
fi

# Word by word: sh splits the repro line into the words faultline meant.
words=$(python3 -c '
import json, sys
r = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))["runs"][0]["repro"]
print(r)' "$TMP/replay.json" 2>/dev/null)
n=$(sh -c "set -- $words; for w; do printf '%s\n' \"\$w\"; done" | grep -cxF -e "$DB" -e "$CHK")
check "sh reads the repro's database and --check back as one word each" [ "$n" = 2 ]

finish

#!/usr/bin/env bash
# e2e: a run sees exactly the recorded world.  Writes outside the working
# directory (a Python module's __pycache__ elsewhere) stay in the run and
# never reach the host; two sweeps give the same outcomes; an armed call
# that is not the recorded one is `diverged`, not injected; getrandom()
# repeats under --seed; a Go program whose goroutines move between threads
# is found again by path.
. "$(dirname "$0")/lib.sh"

q() { flq "$@"; }

# --- whole-filesystem isolation -------------------------------------------
P=$TMP/py && mkdir -p "$P/app" "$P/lib" && cd "$P/app" || exit 2
cat > "$P/lib/helper.py" <<'EOF'
def fmt(x):
    return "value=%d\n" % x
EOF
cat > "$P/app/save.py" <<'EOF'
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import helper
with open("out.txt.tmp", "w") as f:
    f.write(helper.fmt(42))
    f.flush()
    os.fsync(f.fileno())
os.rename("out.txt.tmp", "out.txt")
EOF
# the first run of the program writes ../lib/__pycache__: outside its cwd
env -u PYTHONDONTWRITEBYTECODE timeout -k 5 60 "$FL" record -q -d "$P/t.db" -- \
	/usr/bin/python3 save.py >/dev/null 2>&1
check "the recording wrote the cache outside cwd" [ -d "$P/lib/__pycache__" ]
rm -rf "$P/lib/__pycache__" "$P/app/out.txt"
an=$(run_bounded "$FL" analyze -d "$P/t.db" 2>&1)
check "analyze names the writes outside the working directory" \
	sh -c 'printf "%s\n" "$1" | grep -q "written outside the working directory" &&
	       printf "%s\n" "$1" | grep -qx "  $2/lib/__pycache__"' - "$an" "$P"
sweep() {
	run_bounded "$FL" replay -d "$P/t.db" --family write,rename --path '*/out.txt*' \
		--check 'grep -q value=42 out.txt' -q >"$TMP/sweep.out" 2>&1
	q "$P/t.db" "SELECT point || ' ' || fault || ' ' || outcome FROM runs WHERE sweep = $last_sweep AND point > 0 ORDER BY point, fault"
}
s1=$(sweep)
check "after a sweep the host is untouched (no __pycache__, no out.txt)" \
	sh -c "[ ! -e '$P/lib/__pycache__' ] && [ ! -e '$P/app/out.txt' ]"
s2=$(sweep)
check "two sweeps, identical outcomes: $(printf '%s' "$s1" | tr '\n' ',')" \
	sh -c "[ -n '$s1' ] && [ '$s1' = '$s2' ]"
wpt=$(q "$P/t.db" "SELECT point FROM points WHERE family = 'write' AND path LIKE '%/out.txt.tmp' LIMIT 1")
o1=$(printf '%s\n' "$s1" | awk -v p="$wpt" '$1 == p {print $3}')
o2=$(printf '%s\n' "$s2" | awk -v p="$wpt" '$1 == p {print $3}')
check "the write of the output file (point $wpt) is broken in both sweeps ($o1, $o2)" \
	sh -c "[ '$o1' = broken ] && [ '$o2' = broken ]"
# --isolate cwd is today's world: the cache leaks to the host, and replay says so
run_bounded "$FL" replay -d "$P/t.db" --family rename --isolate cwd -j 1 >"$TMP/cwd.out" 2>&1
check "--isolate cwd: the cache reaches the host, and replay warns" \
	sh -c "[ -d '$P/lib/__pycache__' ] && grep -q 'working directory only' '$TMP/cwd.out'"
rm -rf "$P/lib/__pycache__"

# --- record --snapshot-path: more than cwd starts from the recorded state --
S=$TMP/state && mkdir -p "$S/sub" "$TMP/sp" && cd "$TMP/sp" || exit 2
echo original > "$S/sub/in"
run_bounded "$FL" record -q -d t.db --snapshot-path "$S" -- \
	/bin/sh -c "cat $S/sub/in > out && echo more >> $S/sub/in" >/dev/null 2>&1
echo changed > "$S/sub/in"
# a run the program reports as failed (cat's copy_file_range EIO: exit 1)
# proves nothing about the state; one that succeeded copied the recorded one
run_bounded "$FL" replay -d t.db --family write -q \
	--check 'test "$FAULTLINE_EXIT" != 0 || grep -q original out' >/dev/null 2>&1
rc=$?
check "--snapshot-path: runs see the recorded state of $S, not the host's (exit $rc)" \
	sh -c "[ $rc = 0 ] && [ \"\$(cat '$S/sub/in')\" = changed ]"

# --- divergence at the armed call -----------------------------------------
D=$TMP/dv && mkdir -p "$D" && cd "$D" || exit 2
run_bounded "$FL" record -q -d t.db -- /bin/sh -c 'if [ -e alt ]; then echo x > other; else echo x > out; fi' \
	>/dev/null 2>&1
# --setup creates alt: the same number of calls, on another file
run_bounded "$FL" replay -d t.db --family write --path '*/out' --setup 'touch alt' -q --all \
	>"$TMP/dv.out" 2>&1
oc=$(q t.db "SELECT outcome FROM runs WHERE sweep = $last_sweep AND point > 0")
why=$(q t.db "SELECT output FROM runs WHERE sweep = $last_sweep AND point > 0")
check "a write that lands on another file: diverged ($oc)" [ "$oc" = diverged ]
check "... and the run says what differed" has "$why" "target '$D/other', recorded '$D/out'"
check "... and the summary gives the rate" has "$(cat "$TMP/dv.out")" "100.0% diverged"
run_bounded "$FL" replay -d t.db --family write --path '*/out' --setup 'touch alt' -q \
	--fire-anyway >/dev/null 2>&1
oc=$(q t.db "SELECT outcome FROM runs WHERE sweep = $last_sweep AND point > 0")
check "--fire-anyway injects anyway ($oc)" [ "$oc" = handled ]

# --- --seed: getrandom() gives the recorded bytes again -------------------
R=$TMP/rnd && mkdir -p "$R" && cd "$R" || exit 2
cat > t.py <<'EOF'
import os, tempfile
for i in range(3):
    f = tempfile.NamedTemporaryFile(dir=".", prefix="tmp", delete=False)
    f.write(b"x" * 10)
    f.close()
    os.rename(f.name, "final%d" % i)
EOF
run_bounded "$FL" record -q -d t.db -- /usr/bin/python3 t.py >/dev/null 2>&1
inconclusive() {
	run_bounded "$FL" replay -d t.db --family write,rename --path '*/tmp*' -q "$@" >/dev/null 2>&1
	q t.db "SELECT count(*) || ' ' || sum(outcome IN ('not_reached', 'diverged')) FROM runs WHERE sweep = $last_sweep AND point > 0"
}
a=$(inconclusive)
b=$(inconclusive --real-random)
check "tempfile names repeat under --seed: runs, inconclusive $a; with --real-random $b" \
	sh -c "[ '${a#* }' = 0 ] && [ '${b#* }' -gt 0 ]"

# git names its temporary objects from /dev/urandom: seeded too (the dates
# are fixed, or the commit's object names would differ).  Unseeded, their
# mkstemp-like tails (tmp_obj_XXXXXX) are still taken for the recorded file
# by the divergence check, so neither sweep is inconclusive.
Gt=$TMP/git && mkdir -p "$Gt" && cd "$Gt" || exit 2
git init -q && echo a > a && git add a
GIT_AUTHOR_DATE='2001-01-01T00:00:00Z' GIT_COMMITTER_DATE='2001-01-01T00:00:00Z' \
	run_bounded "$FL" record -q -d "$TMP/git.db" -- /usr/bin/git -c user.name=t -c user.email=t@t \
	commit -q -m msg >/dev/null 2>&1
gsweep() {
	run_bounded "$FL" replay -d "$TMP/git.db" --family write,rename,mkdir --path '*/objects/*' \
		--check 'git log --oneline' -q "$@" >/dev/null 2>&1
	q "$TMP/git.db" "SELECT count(*) || ' ' || sum(outcome IN ('not_reached', 'diverged')) FROM runs WHERE sweep = $last_sweep AND point > 0"
}
a=$(gsweep)
b=$(gsweep --real-random)
check "git commit's temporary objects: runs, inconclusive $a; with --real-random $b" \
	sh -c "[ '${a%% *}' -gt 0 ] && [ '${a#* }' = 0 ] && [ '${b#* }' = 0 ]"

# --- Go: goroutines move between threads; points keyed by path -----------
if ! command -v go >/dev/null 2>&1; then
	note "go not installed: Go checks skipped"
	finish
fi
G=$TMP/go && mkdir -p "$G" && cd "$G" || exit 2
if ! (cd "$G" && GOFLAGS= run_bounded go build -o "$TMP/bin/gorename" "$PROGS_SRC/gorename.go") \
	>"$TMP/go.err" 2>&1; then
	fail "build gorename.go"
	sed 's/^/#   /' "$TMP/go.err"
	finish
fi
cp "$PROGS_SRC/gorename_check.sh" "$TMP/gocheck.sh"
run_bounded "$FL" record -q -d t.db -- "$TMP/bin/gorename" >/dev/null 2>&1
rm -f "$G"/out-*
# every point (not one per failure ID): the point is each one's identity
timeout -k 5 600 "$FL" replay -d t.db --family write,fsync,rename --path '*/out-[0-3].txt*' \
	--fault EIO,crash --check "sh $TMP/gocheck.sh" --every-point >"$TMP/go.out" 2>&1
rc=$?
check "replay switches to the path key and says why (exit $rc)" \
	has "$(cat "$TMP/go.out")" "thread key is unstable.*using --key path"
read -r runs bad <<<"$(q t.db "SELECT count(*), sum(outcome IN ('not_reached', 'diverged')) FROM runs WHERE sweep = $last_sweep AND point > 0" | tr '|' ' ')"
check "gorename: $bad of $runs runs not_reached or diverged (<= 5%)" \
	sh -c "[ '$runs' -gt 0 ] && [ \$((100 * $bad)) -le \$((5 * $runs)) ]"
repro=$(grep -m1 -A1 '^broken' "$TMP/go.out" | sed -n 's/^ *repro: //p')
check "a broken run's repro line carries the key: $repro" has "$repro" "--key path"
again=0
for i in 1 2 3 4 5; do
	r=$(eval "${repro/faultline/$FL} -q" 2>&1)
	has "$r" " 1 broken" && again=$((again + 1))
done
check "the repro line reproduces it $again of 5 times" [ "$again" = 5 ]
finish

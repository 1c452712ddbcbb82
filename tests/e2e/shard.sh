#!/usr/bin/env bash
# tests/e2e/shard.sh - a sweep split with `replay --shard K/N` over copies of
# one recorded database, then `faultline merge`: the merged runs are exactly
# the unsharded sweep's (point, fault, outcome) multiset, each run once; the
# recording is there once; merging again changes nothing; the merged repro
# lines run against the merged database; bad inputs leave OUT as it was.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

C=$REPO_ROOT/corpus/fsyncok
DB=$TMP/db
mkdir -p "$TMP/work" "$DB"
cd "$TMP/work" || finish

q() { flq "$@" 2>&1; }

run_bounded "$FL" record -q -d "$DB/rec.db" -- "$C/fsyncok" >/dev/null 2>&1
check "record corpus/fsyncok" test "$(q "$DB/rec.db" "SELECT count(*) FROM recordings")" = 1

sweep=(--family write,fsync,close --fault EIO,kill --no-std --check "sh $C/check.sh" -q -t 20)
cp "$DB/rec.db" "$DB/full.db"
run_bounded "$FL" replay -d "$DB/full.db" "${sweep[@]}" >/dev/null 2>"$TMP/err"
rc=$?
nfull=$(q "$DB/full.db" "SELECT count(*) FROM runs WHERE fault != 'none'")
if [ $rc -le 1 ] && [ "$nfull" -ge 3 ] 2>/dev/null; then
	pass "unsharded sweep: $nfull runs (exit $rc)"
else
	fail "unsharded sweep: exit $rc, runs '$nfull'"
	sed 's/^/#   /' "$TMP/err"
fi

sum=0
for k in 1 2 3; do
	cp "$DB/rec.db" "$DB/s$k.db"
	run_bounded "$FL" replay -d "$DB/s$k.db" "${sweep[@]}" --shard "$k/3" >/dev/null 2>"$TMP/err"
	rc=$?
	n=$(q "$DB/s$k.db" "SELECT count(*) FROM runs WHERE fault != 'none'")
	if [ $rc -le 1 ] && [ "$n" -ge 1 ] 2>/dev/null; then
		pass "shard $k/3: $n runs (exit $rc)"
		sum=$((sum + n))
	else
		fail "shard $k/3: exit $rc, runs '$n'"
		sed 's/^/#   /' "$TMP/err"
	fi
done
# (every sweep also stores its baseline run, fault none: the same run in
# each shard, kept once by merge)
check "the shards' runs add up to the unsharded sweep's ($sum = $nfull)" test "$sum" = "$nfull"

run_bounded "$FL" merge "$DB/all.db" "$DB/s1.db" "$DB/s2.db" "$DB/s3.db" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc = 0 ] && [ ! -s "$TMP/err" ] && grep -q "all.db: 1 recording, 3 sweeps, $((nfull + 1)) runs" "$TMP/out"; then
	pass "merge 3 shards into a new database"
else
	fail "merge 3 shards: exit $rc"
	sed 's/^/#   /' "$TMP/out" "$TMP/err"
fi

multiset="SELECT point, fault, outcome FROM runs ORDER BY 1, 2, 3"
if [ -n "$(q "$DB/full.db" "$multiset")" ] &&
   [ "$(q "$DB/all.db" "$multiset")" = "$(q "$DB/full.db" "$multiset")" ]; then
	pass "merged (point, fault, outcome) multiset equals the unsharded sweep's"
else
	fail "merged runs differ from the unsharded sweep's"
	diff <(q "$DB/full.db" "$multiset") <(q "$DB/all.db" "$multiset") | sed 's/^/#   /'
fi

dups="SELECT count(*) FROM (SELECT 1 FROM runs GROUP BY rec, point, fault, seed HAVING count(*) > 1)"
check "no run is duplicated" test "$(q "$DB/all.db" "$dups")" = 0

same_as_recording() { # WHAT SQL: the merged db has what rec.db has
	local a b
	a=$(q "$DB/rec.db" "$2")
	b=$(q "$DB/all.db" "$2")
	if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "merged $1 as recorded ($b)"; else fail "merged $1: '$b', recorded '$a'"; fi
}
same_as_recording "recording once" "SELECT count(*), group_concat(argv) FROM recordings"
same_as_recording "calls" "SELECT count(*), sum(seq), sum(ret) FROM syscalls"
same_as_recording "processes" "SELECT count(*), group_concat(ident) FROM processes"
same_as_recording "snapshot" "SELECT count(*), group_concat(path) FROM snapshot"
check "merged points equal a shard's" test "$(q "$DB/all.db" "SELECT count(*), sum(seq) FROM points")" = \
	"$(q "$DB/s1.db" "SELECT count(*), sum(seq) FROM points")"
check "the shards' sweeps are kept as 3 sweeps" test "$(q "$DB/all.db" "SELECT count(*) FROM sweep")" = 3

dump() { sqlite3 "$1" .dump | md5sum; }
before=$(dump "$DB/all.db")
run_bounded "$FL" merge "$DB/all.db" "$DB/s1.db" "$DB/s2.db" "$DB/s3.db" >"$TMP/out" 2>&1
rc=$?
if [ $rc = 0 ] && [ "$(dump "$DB/all.db")" = "$before" ] &&
   [ "$(grep -c 'runs (0 new, [1-9][0-9]* duplicate)' "$TMP/out")" = 3 ]; then
	pass "merging the same inputs again changes nothing"
else
	fail "second merge: exit $rc, database changed or no duplicates reported"
	sed 's/^/#   /' "$TMP/out"
fi
run_bounded "$FL" merge "$DB/all.db" "$DB/s2.db" "$DB/s2.db" "$DB/all.db" >/dev/null 2>&1
check "merging an input twice, or OUT into itself, changes nothing" test "$(dump "$DB/all.db")" = "$before"

cp "$DB/full.db" "$DB/into.db"
run_bounded "$FL" merge "$DB/into.db" "$DB/s3.db" "$DB/s1.db" "$DB/s2.db" >/dev/null 2>&1
rc=$?
check "merging shards into the unsharded database adds no run (exit $rc)" \
	test "$rc:$(q "$DB/into.db" "SELECT count(*) FROM runs WHERE fault != 'none'"):$(q "$DB/into.db" "$dups")" = "0:$nfull:0"

# bad inputs: one line on stderr, exit 2, OUT exactly as it was
head -c 65536 /dev/urandom >"$DB/random.db"
sqlite3 "$DB/foreign.db" "CREATE TABLE birds(name); INSERT INTO birds VALUES('heron')"
sz=$(stat -c %s "$DB/s1.db")
head -c $((sz / 2)) "$DB/s1.db" >"$DB/truncated.db"
listing() { ls -A "$DB" | grep '^all\.db'; }
files=$(listing)
for bad in missing.db random.db foreign.db truncated.db; do
	run_bounded "$FL" merge "$DB/all.db" "$DB/s1.db" "$DB/$bad" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "$bad" "$TMP/err" &&
	   [ "$(dump "$DB/all.db")" = "$before" ] && [ "$(listing)" = "$files" ]; then
		pass "merge with $bad: exit 2, one line naming it, OUT untouched"
	else
		fail "merge with $bad: exit $rc, $(wc -l <"$TMP/err") stderr lines"
		sed 's/^/#   /' "$TMP/err"
	fi
done
run_bounded "$FL" merge "$DB/new.db" "$DB/s1.db" "$DB/foreign.db" >/dev/null 2>&1
rc=$?
check "a failed merge into a new OUT leaves no file (exit $rc)" \
	test "$rc:$(ls -A "$DB" | grep -c '^new\.db')" = "2:0"
run_bounded "$FL" merge "$DB/foreign.db" "$DB/s1.db" >/dev/null 2>"$TMP/err"
check "a foreign OUT is refused (exit 2, one line)" test "$?:$(wc -l <"$TMP/err")" = "2:1"

# the merged report and repro lines work against the merged database
n=$(run_bounded "$FL" report --db "$DB/all.db" --json 2>/dev/null |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"])' 2>/dev/null)
check "report over the merged database counts $nfull runs" test "$n" = "$nfull"
repro=$(q "$DB/all.db" "SELECT repro FROM runs WHERE outcome = 'broken' ORDER BY run LIMIT 1")
case $repro in
"faultline replay -d $DB/all.db --rec 1 --point "*)
	if (cd "$TMP/work" && eval "${repro/faultline/$FL} -q" 2>/dev/null | grep -q '^broken'); then
		pass "a merged repro line names the merged database and reproduces its run"
	else
		fail "merged repro line did not reproduce: $repro"
	fi ;;
*) fail "merged repro line does not name the merged database: '$repro'" ;;
esac

finish

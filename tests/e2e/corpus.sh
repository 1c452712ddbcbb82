#!/usr/bin/env bash
# e2e: every planted bug in corpus/ is found by `faultline replay` with the
# expected outcome, and every fixed twin comes out with no bug outcome.
# Real programs, real ptrace, real files: record in a scratch directory,
# then sweep the named families and faults with the target's check.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
FL=${FL:-$root/faultline}
C=$root/corpus
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "not ok - $*"; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# name | program in corpus/NAME | families | faults | expected bug outcome | more replay options
# (check.sh gets the program as $1: tornjournal's check runs its reader)
targets='
shortwrite|shortwrite|write|short|broken
fsyncok|fsyncok|write,fsync|EIO|broken
cleanupcrash|cleanupcrash|close,write|EIO|crash
tornsave|tornsave|write|EIO,kill|broken
childreport|childreport|write|EIO|broken
mtwriter|mtwriter|write|EIO|broken|--path */out.2
connrefused|connrefused|connect|ECONNREFUSED|crash
staticsave|staticsave|write|EIO|broken
pysave|pysave.py|write|EIO|broken
renamenofsync|renamenofsync|open,write,fsync,close,rename|crash|broken
nodirsync|nodirsync|write,fsync,rename|crash,crash:posix|broken
tornjournal|tornjournal|write,fsync|crash,crash:torn|broken
cfrcopy|cfrcopy|write,close,rename|crash|broken
'

# sweep NAME PROG FAMILIES FAULTS -> prints the outcome counts line, sets $out
sweep() {
	local name=$1 prog=$2 fams=$3 faults=$4 more=${5:-} dir=$scratch/$1-$(basename "$2")
	mkdir -p "$dir"
	local setup=""
	[ -f "$C/$name/setup.sh" ] && setup="sh $C/$name/setup.sh"
	local cmd=("$C/$name/$prog")
	case $prog in *.py) cmd=(/usr/bin/python3 "$C/$name/$prog");; esac
	(cd "$dir" && { [ -z "$setup" ] || $setup; } &&
	 timeout 120 "$FL" record -q -d t.db -- "${cmd[@]}" >/dev/null 2>&1)
	# what the recorded directory holds now, to see that replays leave it be
	(cd "$dir" && find . -path ./t.db\* -prune -o -type f -print0 | sort -z |
	 xargs -0 sha256sum) >"$dir.sum" 2>/dev/null
	local args=(-d "$dir/t.db" --family "$fams" --fault "$faults" --no-std
		    --check "sh $C/$name/check.sh ${cmd[*]: -1}" -q --json -t 20)
	[ -n "$setup" ] && args+=(--setup "$setup")
	[ -n "$more" ] && args+=($more)
	out=$(cd "$dir" && timeout 300 "$FL" replay "${args[@]}" 2>&1)
	rc=$?
}

count() { # count OUTCOME from the JSON summary in $out
	printf '%s' "$out" | /usr/bin/python3 -c "
import json, sys
d = json.loads(sys.stdin.read())
print(d['summary'].get('$1', 0))" 2>/dev/null || echo -1
}

while IFS='|' read -r name prog fams faults expect more; do
	[ -n "$name" ] || continue
	sweep "$name" "$prog" "$fams" "$faults" "$more"
	n=$(count "$expect")
	runs=$(count runs)
	if [ "$rc" = 1 ] && [ "$n" -ge 1 ] 2>/dev/null; then
		ok "$name: $n $expect of $runs runs (faults $faults on $fams)"
	else
		bad "$name: expected a $expect run, got exit $rc: $(printf '%s' "$out" | tail -c 400)"
	fi
	fixed=${prog%.*}_fixed${prog#${prog%.*}}
	[ "$fixed" = "${prog}_fixed" ] && fixed=${prog}_fixed
	sweep "$name" "$fixed" "$fams" "$faults" "$more"
	bugs=$(( $(count crash) + $(count hang) + $(count broken) ))
	runs=$(count runs)
	if [ "$rc" = 0 ] && [ "$bugs" = 0 ] && [ "$runs" -ge 1 ] 2>/dev/null; then
		ok "$name twin ($fixed): $runs runs, no bug outcome"
	else
		bad "$name twin ($fixed): expected no bug, got exit $rc: $(printf '%s' "$out" | tail -c 400)"
	fi
done <<< "$targets"

# A retry that completes is the right behaviour: shortwrite's twin loops
# over short writes, and every short run of it is `retried`, none `silent`.
sweep shortwrite shortwrite_fixed write short
if [ "$rc" = 0 ] && [ "$(count retried)" -ge 1 ] && [ "$(count silent)" = 0 ]; then
	ok "shortwrite twin: $(count retried) retried, 0 silent of $(count runs) short runs"
else
	bad "shortwrite twin: expected retried runs, got exit $rc: $(printf '%s' "$out" | tail -c 400)"
fi

# Only the new crash states tell these apart: under plain `crash` the
# planted bug is not found.
for t in nodirsync:write,fsync,rename tornjournal:write,fsync; do
	sweep "${t%%:*}" "${t%%:*}" "${t#*:}" crash
	bugs=$(( $(count crash) + $(count hang) + $(count broken) ))
	if [ "$rc" = 0 ] && [ "$bugs" = 0 ]; then
		ok "${t%%:*}: plain crash finds nothing ($(count runs) runs)"
	else
		bad "${t%%:*}: plain crash found a bug (exit $rc)"
	fi
done

# The two-fault bug is out of reach of any single fault: doubleclose
# survives every single write/close fault (it needs #4's fuzz/depth-2).
sweep doubleclose doubleclose write,close EIO
bugs=$(( $(count crash) + $(count hang) + $(count broken) ))
if [ "$rc" = 0 ] && [ "$bugs" = 0 ]; then
	ok "doubleclose: no single fault crashes it ($(count runs) runs)"
else
	bad "doubleclose: a single fault found a bug (exit $rc)"
fi

# A repro line reproduces exactly its run.
sweep fsyncok fsyncok write EIO
repro=$(printf '%s' "$out" | /usr/bin/python3 -c "
import json, sys
d = json.loads(sys.stdin.read())
print([r for r in d['runs'] if r['outcome'] == 'broken'][0]['repro'])" 2>/dev/null)
if [ -n "$repro" ] && (cd "$scratch/fsyncok-fsyncok" && eval "${repro/faultline/$FL} -q" | grep -q '^broken'); then
	ok "repro line reruns the broken run: $repro"
else
	bad "repro line did not reproduce: '$repro'"
fi
# ... and the original directory was never modified by the replays.
now=$(cd "$scratch/fsyncok-fsyncok" && find . -path ./t.db\* -prune -o -type f -print0 | sort -z |
      xargs -0 sha256sum)
if [ -s "$scratch/fsyncok-fsyncok.sum" ] && [ "$now" = "$(cat "$scratch/fsyncok-fsyncok.sum")" ] &&
   ! ls "$scratch/fsyncok-fsyncok" | grep -qv -e '^t.db' -e '^data.txt$' -e '^journal$'; then
	ok "replays left the recorded directory as it was"
else
	bad "the recorded directory changed: $(ls "$scratch/fsyncok-fsyncok")"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]

#!/usr/bin/env bash
# tests/e2e/pysites.sh - the call sites of Python code (CPython 3.11) are
# its Python frames: progs/pysites.py writes state.json from save() and
# log.txt from append_log(); analyze names each write by its function and
# line, the two have different site hashes, a memo'd recording names the
# same sites as an unwind at every call, a replay of the state write
# reproduces, and depth 2's new sites (found during replay) are only the
# recovery path's own lines: replay names the calls it shares with the
# recording as the recording did.  progs/pydeep.py writes 12 calls deep:
# its site is cut at 8 lines, and a replay still finds the call.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY=/usr/bin/python3.11
if ! "$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
	echo "# skipped: no CPython 3.11 at $PY"
	finish
fi
W=$TMP/py
mkdir -p "$W" && cd "$W" || finish
cp "$PROGS_SRC/pysites.py" .

run_bounded "$FL" record -q -d t.db -- "$PY" pysites.py >/dev/null 2>&1
check "record pysites.py" test -s state.json -a -s log.txt

a=$(run_bounded "$FL" analyze -d t.db --family write 2>&1)
st=$(printf '%s\n' "$a" | grep -m1 'state\.json')
lg=$(printf '%s\n' "$a" | grep -m1 'log\.txt')
check "the state.json write is save() at f.flush(): $st" \
	has "$st" "save (pysites.py:13) <- main (pysites.py:26)"
check "the log.txt write is append_log() at fd.write(): $lg" \
	has "$lg" "append_log (pysites.py:19) <- main (pysites.py:30)"

sites=$(flq t.db "select site from points where family = 'write' and
	(path like '%/state.json' or path like '%/log.txt') order by path")
n=$(printf '%s\n' "$sites" | sort -u | grep -c .)
check "the two writes have different site hashes ($(echo $sites))" [ "$n" = 2 ]
frames=$(flq t.db "select replace(frames, char(10), ' < ') from site
	where id = (select site from points where path like '%/state.json' and family = 'write')")
check "its frames: Python frames, then the libc wrapper ($frames)" \
	has "$frames" "^save ($W/pysites.py:13) < main ($W/pysites.py:26) < <module> ($W/pysites.py:33) < .*libc"

# the site memo (the default) against a fresh unwind at every call; not
# mmap: where the allocator maps an arena depends on object addresses
sites_of() {
	flq "$1" "select c.name || ' ' || coalesce((select replace(frames, char(10), ' < ')
		 from site s where s.rec = c.rec and s.id = c.site), '-') from syscalls c
		 where c.site is not null and c.family != 'mmap' order by c.seq"
}
run_bounded "$FL" record -q -d m.db -- "$PY" pysites.py >/dev/null 2>&1
FAULTLINE_SITE_MEMO=0 run_bounded "$FL" record -q -d u.db -- "$PY" pysites.py >/dev/null 2>&1
sites_of m.db >memo.txt
sites_of u.db >unwind.txt
check "sites with the memo equal a fresh unwind at every call ($(wc -l <memo.txt) calls)" \
	cmp -s memo.txt unwind.txt

# a replay of the state write: save() reports it, exit 1; the check holds
# (the with block's close writes the buffer again)
chk="$PY -c 'import json; json.load(open(\"state.json\"))'"
pt=$(flq t.db "select point from points where path like '%/state.json' and family = 'write'")
out=$(run_bounded "$FL" replay -d t.db --point "$pt" --fault EIO --check "$chk" -q --all 2>&1)
rc=$?
line=$(printf '%s\n' "$out" | grep -m1 "point $pt")
check "replay point $pt EIO: handled, exit 1, labelled by its Python site (exit $rc): $line" \
	has "$rc $line" "^0 handled .*point $pt .*save (pysites.py:13) <- main (pysites.py:26).*exit 1"
repro=$(printf '%s\n' "$out" | grep -m1 'repro:' | sed 's/^ *repro: //')
r2=$(eval "${repro/faultline/$FL} -q --all" 2>&1)
check "its repro line gives the same outcome" has "$r2" "^handled .*point $pt "

# depth 2 during replay: the only new sites are the retried write at the
# with statement (line 11) and the error message (line 28)
out=$(run_bounded "$FL" replay -d t.db --point "$pt" --depth 2 -q --all 2>&1)
check "depth 2 finds 2 new call sites: $(printf '%s\n' "$out" | grep '^depth 2')" \
	has "$out" "^depth 2: 2 new call sites"
new=$(flq t.db "select replace(frames, char(10), ' < ') from site
	where id not in (select site from call where site is not null) order by frames")
check "... save (pysites.py:11), the retry at the with statement" \
	has "$new" "^save ($W/pysites.py:11) < main"
check "... main (pysites.py:28), the error message" has "$new" "^main ($W/pysites.py:28) < <module>"

# a site cut at 8 lines (7 Python frames and libc's) is found again by a
# replay that unwinds 8 deep: the run is not `diverged`
cp "$PROGS_SRC/pydeep.py" .
run_bounded "$FL" record -q -d d.db -- "$PY" pydeep.py >/dev/null 2>&1
fr=$(flq d.db "select frames from site where id = (select site from syscalls
	where path like '%/deep.txt' and family = 'write')")
n=$(printf '%s\n' "$fr" | grep -c .)
npy=$(printf '%s\n' "$fr" | grep -c '^nest (.*pydeep.py:\(9\|12\))$')
check "the deep write's site: 8 lines, 7 of them nest()'s ($n, $npy)" [ "$n" = 8 -a "$npy" = 7 ]
out=$(run_bounded "$FL" replay -d d.db --family write --path '*/deep.txt' -q --all 2>&1)
check "its replay finds the call again: handled, not diverged" \
	has "$out" "^handled .*nest (pydeep.py:9) <- nest (pydeep.py:12)"


# failure IDs on a Python program that saves through the stdlib
# (progs/notes.py naive, every family): the import system's points fold by
# its own frames and the file's suffix, start-up's by family, so the
# default sweep runs at most a quarter of --every-point's runs and finds
# the same distinct failures (the naive save's lost updates)
mkdir -p "$W/notes" && cd "$W/notes" || finish
cp "$PROGS_SRC/notes.py" .
"$PY" -c 'import json; json.dump({"notes": ["n%d" % i for i in range(300)]}, open("ref.json", "w"))'
cp ref.json notes.json
printf 'exec %s %s %s\n' "$PY" "$PROGS_SRC/notes_check.py" "$W/notes/ref.json" >check.sh
chmod +x check.sh
run_bounded "$FL" record -q -d n.db -- "$PY" notes.py naive notes.json hello >/dev/null 2>&1
cp ref.json notes.json
a=$(run_bounded "$FL" analyze -d n.db 2>&1)
check "analyze counts the interpreter's start-up: $(printf '%s\n' "$a" | grep -m1 start-up)" \
	has "$a" "^[1-9][0-9]* points are interpreter start-up"
check "the save's write is named by its .py lines" \
	has "$a" "write .*notes.json .*save_naive (notes.py:39) <- main (notes.py:50)"
runs_of() { printf '%s\n' "$1" | sed -n 's/^would run \([0-9]*\) runs.*/\1/p'; }
dflt=$(runs_of "$(run_bounded "$FL" replay -d n.db --dry-run 2>&1)")
every=$(runs_of "$(run_bounded "$FL" replay -d n.db --dry-run --every-point 2>&1)")
check "the default plans at most a quarter of --every-point's runs ($dflt of $every)" \
	test "${dflt:-1}" -ge 1 -a $((${dflt:-1} * 4)) -le "${every:-0}"
fails() { printf '%s\n' "$1" | sed -n '/distinct failures/,$p' | sed -n 's/^ *[0-9]*x //p' | sort -u; }
o1=$(timeout -k 5 300 "$FL" replay -d n.db --check ./check.sh 2>&1)
o2=$(timeout -k 5 300 "$FL" replay -d n.db --check ./check.sh --every-point 2>&1)
f1=$(fails "$o1")
f2=$(fails "$o2")
check "the default sweep finds distinct failures ($(printf '%s\n' "$f1" | grep -c .))" \
	[ -n "$f1" ]
check "... the same as --every-point's" [ "$f1" = "$f2" ]

finish

#!/bin/bash
# tests/e2e/badinput.sh - bad input is refused cleanly: the documented exit
# status (127 missing program, 126 not executable, 2 usage or database
# errors), one line on stderr naming the culprit, nothing on stdout, no
# crash (status >= 128), no hang, and a database given by mistake is left
# exactly as it was.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$TMP" || finish

# bad DESC WANT_RC MENTION CMD... : CMD (a faultline command line without
# the binary) exits WANT_RC with exactly one line on stderr containing
# MENTION ("" for any), nothing on stdout.  MENTION "-": the first line
# (getopt's message) must contain $BAD_FIRST and a usage text may follow.
bad() {
	local desc=$1 want=$2 mention=$3
	shift 3
	run_bounded "$FL" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	local rc=$? why=""
	local nerr
	nerr=$(wc -l <"$TMP/err")
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		why="hung (killed by timeout, status $rc)"
	elif [ $rc -ge 128 ]; then
		why="crashed (status $rc)"
	elif [ $rc -ne "$want" ]; then
		why="exit status $rc, want $want"
	elif [ -s "$TMP/out" ]; then
		why="wrote to stdout"
	elif [ "$mention" = - ]; then
		grep -qF -- "$BAD_FIRST" <(head -1 "$TMP/err") || why="first stderr line does not mention '$BAD_FIRST'"
	elif [ "$nerr" -ne 1 ]; then
		why="$nerr lines on stderr, want 1"
	elif [ -n "$mention" ] && ! grep -qF -- "$mention" "$TMP/err"; then
		why="stderr does not mention '$mention'"
	fi
	if [ -z "$why" ]; then
		pass "$desc (exit $rc)"
	else
		fail "$desc: $why"
		sed -n '1,3s/^/#   stderr: /p' "$TMP/err"
	fi
}

# unchanged DESC FILE SUM LISTING: FILE's checksum is SUM and its directory
# listing is LISTING (no -wal, -shm or -journal left beside it).
sum_of() { md5sum <"$1"; }
listing() { ls -A "$(dirname "$1")" | grep -F -- "$(basename "$1")"; }
unchanged() {
	if [ "$(sum_of "$2")" = "$3" ] && [ "$(listing "$2")" = "$4" ]; then
		pass "$1"
	else
		fail "$1"
		note "now: $(sum_of "$2") $(listing "$2" | tr '\n' ' ')"
	fi
}

# --- the program to record ------------------------------------------------------
bad "record: a missing program exits 127, names it" 127 no-such-program-e2e \
	record --db "$TMP/a.db" -- no-such-program-e2e
bad "record: a missing program by path exits 127, names it" 127 "$TMP/nope/prog" \
	record --db "$TMP/a.db" -- "$TMP/nope/prog"
printf '#!/bin/sh\nexit 0\n' >"$TMP/noexec"
chmod 644 "$TMP/noexec"
bad "record: a file without execute permission exits 126, names it" 126 noexec \
	record --db "$TMP/a.db" -- "$TMP/noexec"
mkdir "$TMP/adir"
bad "record: a directory as the program exits 126, names it" 126 adir \
	record --db "$TMP/a.db" -- "$TMP/adir"
if [ -e "$TMP/a.db" ]; then
	fail "record: no database created when the program cannot run"
else
	pass "record: no database created when the program cannot run"
fi

# --- databases that are not faultline's ------------------------------------------
head -c 65536 /dev/urandom >"$TMP/random.db"
sqlite3 "$TMP/foreign.db" "create table birds(name text, wingspan real);
                           insert into birds values('heron', 1.9)" || fail "sqlite3 available"
# a faultline database with two damaged pages in the middle
run_bounded "$FL" record -q --db "$TMP/damaged.db" -- sh -c 'ls /usr >/dev/null' &&
	sqlite3 "$TMP/damaged.db" "pragma wal_checkpoint(truncate)" >/dev/null &&
	rm -f "$TMP/damaged.db-wal" "$TMP/damaged.db-shm" &&
	dd if=/dev/urandom of="$TMP/damaged.db" bs=4096 seek=6 count=2 conv=notrunc 2>/dev/null ||
	fail "make a damaged faultline database"

for kind in random foreign; do
	db=$TMP/$kind.db
	sum=$(sum_of "$db")
	list=$(listing "$db")
	for cmd in "record -- /bin/true" show "query select-1" analyze "replay -q"; do
		set -- $cmd
		name=$1
		shift
		[ "${1:-}" = select-1 ] && set -- "select 1"
		if [ "$name" = record ]; then
			bad "$name on a $kind file: exit 2, one line naming it" 2 "$kind.db" \
				record --db "$db" "$@"
		else
			bad "$name on a $kind file: exit 2, one line naming it" 2 "$kind.db" \
				"$name" --db "$db" "$@"
		fi
		unchanged "$name on a $kind file: the file is left as it was" "$db" "$sum" "$list"
	done
done

# A damaged faultline database: the commands either manage or say so in one
# line (exit 2), and never crash; show and query never write to it (SQLite
# may leave its -wal and -shm beside a WAL database; analyze stores the
# points it lists, by design).
db=$TMP/damaged.db
sum=$(sum_of "$db")
for cmd in show "query select-count" analyze; do
	set -- $cmd
	name=$1
	shift
	[ "${1:-}" = select-count ] && set -- "select count(*), sum(length(args)), sum(length(fl_data(data))) from syscalls"
	run_bounded "$FL" "$name" --db "$db" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	if { [ $rc -eq 0 ] && [ ! -s "$TMP/err" ]; } ||
	   { [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ]; }; then
		pass "$name on a damaged faultline database: exit 0, or 2 with one line (exit $rc)"
	else
		fail "$name on a damaged faultline database: exit $rc, $(wc -l <"$TMP/err") stderr lines"
		sed -n '1,3s/^/#   stderr: /p' "$TMP/err"
	fi
	if [ "$name" != analyze ]; then
		unchanged "$name on a damaged faultline database: the file is left as it was" \
			"$db" "$sum" "$(listing "$db")"
	fi
done

bad "show: a database that does not exist: exit 2, names it" 2 missing.db \
	show --db "$TMP/missing.db"
if [ -e "$TMP/missing.db" ]; then
	fail "show: no database created by a reader"
else
	pass "show: no database created by a reader"
fi
bad "record: a directory as the database: exit 2, names it" 2 adir \
	record --db "$TMP/adir" -- /bin/true

# --- command lines -----------------------------------------------------------------
run_bounded "$FL" record -q --db "$TMP/good.db" -- /bin/true || fail "record /bin/true"
good=$TMP/good.db

for cmd in record show query analyze replay; do
	BAD_FIRST=--no-such-option
	bad "$cmd: an unknown option exits 2, says which" 2 - "$cmd" --no-such-option
	BAD_FIRST="'Z'"
	bad "$cmd: an unknown short option exits 2, says which" 2 - "$cmd" -Z
done
BAD_FIRST=usage
bad "faultline without arguments exits 2 with its usage" 2 - 
bad "an unknown command exits 2, names it" 2 frobnicate frobnicate
bad "query: bad SQL exits 2, one line" 2 syntax query --db "$good" "selec 1 from"
bad "query: an unknown table exits 2, names it" 2 no_such_table \
	query --db "$good" "select * from no_such_table"
bad "query: no SQL exits 2" 2 "" query --db "$good"
bad "query: a write without --write exits 2" 2 "" query --db "$good" "delete from call"
bad "replay: an unknown fault spec exits 2, names it" 2 EWHATEVER \
	replay --db "$good" --fault EWHATEVER
bad "replay: a malformed delay exits 2, names it" 2 delay:soon \
	replay --db "$good" --fault delay:soon
bad "record: --capture abc exits 2, names it" 2 abc record --db "$good" --capture abc -- /bin/true
bad "record: --capture -1 exits 2, names it" 2 "'-1'" record --db "$good" --capture -1 -- /bin/true
bad "record: no program exits 2" 2 "" record --db "$good"
bad "show: --rec of a recording that does not exist exits 2" 2 99 show --db "$good" --rec 99
bad "analyze: --rec abc exits 2, names it" 2 abc analyze --db "$good" --rec abc
bad "analyze: an unknown family exits 2, names it" 2 nosuchfamily \
	analyze --db "$good" --family nosuchfamily
bad "show: an unexpected argument exits 2, names it" 2 stray show --db "$good" stray
bad "replay: --jobs 0 exits 2" 2 0 replay --db "$good" --jobs 0
bad "replay: --timeout -1 exits 2" 2 -1 replay --db "$good" --timeout -1
if [ "$(flq "$good" "select count(*) from recordings")" = 1 ] &&
   [ "$(flq "$good" "select count(*) from syscalls")" -gt 0 ]; then
	pass "the refused command lines left the good database as it was"
else
	fail "the refused command lines left the good database as it was"
fi

# --- a database of schema version 1, and one newer than this faultline ----------
old=$TMP/v1.db
run_bounded "$FL" record -q --db "$old" -- sh -c 'ls /nonexistent-e2e 2>/dev/null; true' >/dev/null 2>&1
sqlite3 "$old" "drop view syscalls; drop view points; drop view recordings;
alter table call drop column std; alter table point drop column std;
alter table rec drop column stdio;
create view syscalls as select c.rec, c.seq, coalesce(c.pid, c.tid) as pid, c.tid,
  (select name from sysname where nr = c.nr) as name, c.ret,
  (select name from errname where err = c.err) as errno from call c;
update meta set value = '1' where key = 'schema_version'"
want=$(sqlite3 "$old" "select name, errno, count(*) from syscalls group by 1, 2")
flq "$old" "select count(*) from syscalls" >/dev/null
check "schema 1: a read-only command leaves the version as it is" \
	[ "$(sqlite3 "$old" "select value from meta where key = 'schema_version'")" = 1 ]
run_bounded "$FL" analyze --db "$old" >/dev/null 2>&1
check "schema 1: the first write upgrades it to 4" \
	[ "$(sqlite3 "$old" "select value from meta where key = 'schema_version'")" = 4 ]
check "schema 1 upgraded: recordings.stdio is NULL (the recording did not say)" \
	[ "$(flq "$old" "select count(*), count(stdio) from recordings")" = "1|0" ]
got=$(flq "$old" "select name, errno, count(*) from syscalls group by 1, 2")
check "schema 1 upgraded: the syscalls view counts the same names and errnos" \
	test -n "$want" -a "$want" = "$got"
check "schema 1 upgraded: its calls' std is NULL (the recording did not say)" \
	[ "$(flq "$old" "select count(*) > 0, count(std) from syscalls")" = "1|0" ]
sqlite3 "$old" "update meta set value = '99' where key = 'schema_version'"
bad "a database of a newer schema version: exit 2, one line naming it" 2 "v1.db" \
	analyze --db "$old"

finish

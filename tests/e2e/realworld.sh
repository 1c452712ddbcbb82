#!/usr/bin/env bash
# e2e: record and replay real Debian programs nobody here wrote (gzip, git
# with a hook, sort -o f f, sed -i, cp, tar, the sqlite3 CLI in WAL and in
# rollback-journal mode) and two small savers in Python and Go, each with
# a setup and an invariant check, and assert the outcome each run must
# get: the real bugs are found (gzip loses the file on a power loss after
# the unlink, sort -o f f destroys its input when a write fails, a naive
# in-place Python save is torn with exit 0 ...), and the correct programs
# get no bug outcome.
#
# Every expected outcome was checked by hand with strace's fault injection;
# each section says how. Sections: gzip sort sed cp tar git sqlite-wal
# sqlite-journal py-naive py-atomic go; RW_ONLY="gzip sort" runs only those.
# About 2 minutes with --jobs 2 on a busy 2-core machine.
#
# Assertions tagged need the replay changes of the issue
# "Trustworthy runs" (baseline run, `retried`, no short on count<=1 calls,
# close errors release the fd, check not found = error); they fail on a
# faultline without them.  EINTR is not swept on the programs that only
# touch regular files: replay refuses it there (disk I/O is not interrupted
# by a handled signal); faultline's own tests/e2e/fidelity.sh covers that.
. "$(dirname "$0")/lib.sh"

W=$TMP/w          # one working directory per program, recorded there
REF=$TMP/ref      # reference copies the checks compare against
mkdir -p "$W" "$REF"
export HOME=$TMP/home GIT_CONFIG_NOSYSTEM=1 LC_ALL=C PYTHONDONTWRITEBYTECODE=1
mkdir -p "$HOME"
PY=/usr/bin/python3

want() { [ -z "${RW_ONLY:-}" ] && return 0; case " $RW_ONLY " in *" $1 "*) return 0;; esac; return 1; }

# rw_record NAME CMD... : record CMD in $W/NAME into $TMP/NAME.db
rw_record() {
	local name=$1
	shift
	(cd "$W/$name" && run_bounded "$FL" record -q -d "$TMP/$name.db" -- "$@" \
		>"$TMP/$name.rec.out" 2>&1)
	check "$name: recorded ($(printf '%s ' "$@" | tr -s '\n\t' '  ' | cut -c1-60))" [ $? = 0 ]
}

# rw_sweep NAME FAMILIES FAULTS [replay options...]: replay with $TMP/NAME.setup
# and $TMP/NAME.check; sets $rc (replay's exit status) and prints the numbers.
rw_sweep() {
	local name=$1 fams=$2 faults=$3
	shift 3
	local filt=() a
	for a in "$@"; do
		case $a in --no-std|--path=*|--fdkind=*) filt+=("$a");; esac
	done
	local pts t0 t1
	pts=$("$FL" analyze -d "$TMP/$name.db" --family "$fams" --no-loader --summary \
		"${filt[@]+"${filt[@]}"}" 2>/dev/null | sed -n 's/^\([0-9]*\) fault points.*/\1/p')
	t0=$(date +%s%N)
	(cd "$W/$name" && timeout -k 5 200 "$FL" replay -d "$TMP/$name.db" \
		--family "$fams" --fault "$faults" --jobs 2 -q --json \
		--setup "sh $TMP/$name.setup" --check "sh $TMP/$name.check" "$@" \
		>"$TMP/$name.json" 2>"$TMP/$name.err")
	rc=$?
	t1=$(date +%s%N)
	local secs=$(( (t1 - t0) / 1000000 ))
	note "$name: points $pts, runs $(n "$name" 1), $((secs / 1000)).$(printf %03d $((secs % 1000)))s, exit $rc:" \
		"$(flq "$TMP/$name.db" "SELECT group_concat(o || ' ' || c, ', ') FROM
			(SELECT outcome o, count(*) c FROM runs WHERE $LAST GROUP BY 1 ORDER BY 1)")"
}

# The runs of the latest sweep, without the baseline run (fault `none`).
LAST="sweep = (SELECT max(sweep) FROM run) AND fault <> 'none'"

# n NAME WHERE: how many runs of the latest sweep match WHERE
n() { flq "$TMP/$1.db" "SELECT count(*) FROM runs WHERE $LAST AND ($2)"; }

# none NAME DESC WHERE: pass if no run of the latest sweep matches WHERE
# (else fail and list a few of them)
none() {
	local c; c=$(n "$1" "$3")
	if [ "$c" = 0 ]; then pass "$1: $2"; else
		fail "$1: $2: $c runs match"
		flq "$TMP/$1.db" "SELECT outcome || ' point ' || point || ' ' || syscall || ' ' || fault ||
			' ' || ifnull(path, '') FROM runs WHERE $LAST AND ($3) LIMIT 5" | sed 's/^/#   /'
	fi
}
# all NAME DESC SCOPE GOOD: the runs in SCOPE (at least one) all satisfy GOOD
all() {
	local c; c=$(n "$1" "$3")
	if [ "${c:-0}" -lt 1 ]; then fail "$1: $2 (no run in scope)"; return; fi
	none "$1" "$2 (of $c runs)" "($3) AND NOT ($4)"
}

BUG="outcome IN ('crash','hang','broken')"
RETRY_FAULT="fault IN ('short','EINTR','EAGAIN')"

# The assertions every sweep makes: no false hang, no
# crash outcome, no not_reached from a fault that cannot apply, and a
# baseline run (fault none) before the sweep.
common() { # NAME [LABEL [HANG_TAG]]
	local name=$1 l=${2:-} hang=${3:-}
	none "$name" "${l}${hang}no hang" "outcome = 'hang'"
	none "$name" "${l}no crash" "outcome = 'crash'"
	none "$name" "${l}no error" "outcome = 'error'"
	none "$name" "${l}no not_reached" "outcome = 'not_reached'"
	check "$name: ${l}a baseline run (fault none) comes first" \
		[ "$(flq "$TMP/$name.db" "SELECT count(*) FROM run WHERE sweep = (SELECT max(sweep) FROM run) AND fault = 'none'")" = 1 ]
	none "$name" "${l}no correct retry of a short/eintr read or write is silent" \
		"family IN ('read','write') AND $RETRY_FAULT AND outcome = 'silent'"
}

# --- gzip: compress a file in place ---------------------------------------
# gzip writes data.txt.gz, closes it and unlinks data.txt, with no fsync:
# after a power loss just after the unlink the original is gone and the .gz
# is empty (its writes were never made durable). That is the real bug.
# Checked by hand: `strace -e trace=fsync,fdatasync,unlinkat gzip x` shows no
# fsync before unlinkat; `strace -e inject=write:error=EIO:when=1 gzip x`
# exits 1, removes x.gz and keeps x; `inject=unlinkat:error=EIO` exits 2 and
# keeps both. With `inject=write:retval=1000:when=1` gzip's next write is the
# remaining 129580 of 130580 bytes (strace skips the call it fakes, so the
# file itself is not whole; faultline's short write is a real one).
if want gzip; then
	mkdir -p "$W/gzip"
	seq 1 60000 >"$REF/data.txt"
	cp "$REF/data.txt" "$W/gzip/data.txt"
	cat >"$TMP/gzip.setup" <<-EOF
		# each run starts from the recorded state: the original, no .gz
		cmp -s data.txt $REF/data.txt && [ ! -e data.txt.gz ]
	EOF
	cat >"$TMP/gzip.check" <<-EOF
		# the data survives: the original, or a .gz that decompresses to it
		[ -f data.txt ] && cmp -s data.txt $REF/data.txt && exit 0
		[ -f data.txt.gz ] && gzip -dc data.txt.gz 2>/dev/null | cmp -s - $REF/data.txt && exit 0
		echo "data lost: \$(ls -l)"; exit 1
	EOF
	rw_record gzip gzip data.txt
	rw_sweep gzip write,fsync,rename,unlink,close EIO,short,crash --no-std
	check "gzip: replay reports a bug (exit 1)" [ "$rc" = 1 ]
	all gzip "power loss after unlinking the original: data lost (real bug)" \
		"family = 'unlink' AND fault = 'crash'" "outcome = 'broken'"
	none gzip "no other bug outcome" "$BUG AND NOT (family = 'unlink' AND fault = 'crash')"
	all gzip "a failed write is reported (exit 1), the original kept" \
		"family = 'write' AND fault = 'EIO'" "outcome = 'handled' AND exit = 1"
	common gzip
fi

# --- sort -o f f: sort a file onto itself ---------------------------------
# sort reads all of f, then truncates it and writes the sorted lines into it:
# a failed write leaves f torn (sort exits 2, but the input is gone), and
# nothing is fsynced, so a power loss leaves it torn too. Real bugs.
# Checked by hand: `strace -e inject=write:error=EIO:when=2 sort -o f f` exits
# 2 with f holding the first 4096 of 28893 bytes; strace shows no fsync and
# `ftruncate(1, 0)` before the first write; after a short write
# (`inject=write:retval=100:when=1`) the next write is the remaining 3996.
if want sort; then
	mkdir -p "$W/sort"
	seq 6000 -1 1 >"$REF/unsorted"
	sort "$REF/unsorted" >"$REF/sorted"
	cp "$REF/unsorted" "$W/sort/f"
	cat >"$TMP/sort.setup" <<-EOF
		cmp -s f $REF/unsorted
	EOF
	cat >"$TMP/sort.check" <<-EOF
		# f holds the whole data set, sorted or not; sorted if sort said so
		cmp -s f $REF/sorted && exit 0
		[ "\$FAULTLINE_EXIT" != 0 ] && cmp -s f $REF/unsorted && exit 0
		echo "f torn: \$(wc -c < f) bytes"; exit 1
	EOF
	rw_record sort sort -o f f
	# f is sort's stdout (it reopens fd 1 on f): no --no-std, filter by path
	rw_sweep sort write,ftruncate,close EIO,short,crash --path='*/f'
	check "sort: replay reports a bug (exit 1)" [ "$rc" = 1 ]
	all sort "a failed write destroys the input (real bug)" \
		"family = 'write' AND fault = 'EIO'" "outcome = 'broken' AND exit = 2"
	all sort "a power loss while writing destroys the input (real bug)" \
		"family = 'write' AND fault = 'crash'" "outcome = 'broken'"
	none sort "a short write is retried: no bug outcome" "fault = 'short' AND $BUG"
	common sort
fi

# --- sed -i: edit a file in place -----------------------------------------
# sed -i writes the result to a temp file in the same directory and renames
# it over conf.txt, with no fsync before the rename: after a power loss at
# the rename or at any later call, conf.txt is empty. That is the real bug.
# Every write or close error is reported (exit 4), conf.txt left untouched.
# Checked by hand: `strace -e trace=fsync,fdatasync,rename sed -i ...` shows
# the rename with no fsync; `inject=write:error=EIO:when=2` prints "couldn't
# write", exits 4, conf.txt unchanged, no temp file left; a close EIO on the
# temp file (`inject=close:error=EIO:when=23`) exits 4 ("couldn't close");
# after `inject=write:retval=100:when=1` the next write is the other 3996.
if want sed; then
	mkdir -p "$W/sed"
	seq 1 3000 | sed 's/.*/key&=foo-&/' >"$REF/conf.old"
	sed 's/foo/bar/' "$REF/conf.old" >"$REF/conf.new"
	cp "$REF/conf.old" "$W/sed/conf.txt"
	cat >"$TMP/sed.setup" <<-EOF
		cmp -s conf.txt $REF/conf.old
	EOF
	cat >"$TMP/sed.check" <<-EOF
		# conf.txt is the old or the new file, whole; the new one after exit 0
		cmp -s conf.txt $REF/conf.new && exit 0
		[ "\$FAULTLINE_EXIT" != 0 ] && cmp -s conf.txt $REF/conf.old && exit 0
		echo "conf.txt torn: \$(wc -c < conf.txt) bytes"; exit 1
	EOF
	rw_record sed sed -i s/foo/bar/ conf.txt
	rw_sweep sed write,fsync,rename,unlink,close EIO,short,crash --no-std
	check "sed: replay reports a bug (exit 1)" [ "$rc" = 1 ]
	all sed "power loss after the rename: conf.txt empty (real bug)" \
		"family = 'rename' AND fault = 'crash'" "outcome = 'broken'"
	none sed "no other bug outcome than a power loss from the rename on" \
		"$BUG AND NOT (fault = 'crash' AND point >= (SELECT min(point) FROM runs WHERE $LAST AND family = 'rename'))"
	all sed "a failed write is reported (exit 4), conf.txt kept" \
		"family = 'write' AND fault = 'EIO'" "outcome = 'handled' AND exit = 4"
	common sed
fi

# --- cp: copy a file --------------------------------------------------------
# --reflink=never makes cp copy with read/write (by default it uses
# copy_file_range, which no fault family covers). cp is correct: every
# error is reported with exit 1 and a short write is finished.
# Checked by hand: `strace -e inject=write:error=EIO:when=2 cp --reflink=never
# src.bin dst.bin` exits 1 ("error writing"); a read EIO on src.bin exits 1
# ("error reading"), a close EIO on dst.bin exits 1 ("failed to close");
# after `inject=write:retval=1000:when=1` the next write is the other 130072.
if want cp; then
	mkdir -p "$W/cp"
	head -c 400000 /dev/urandom >"$REF/src.bin"
	cp "$REF/src.bin" "$W/cp/src.bin"
	cat >"$TMP/cp.setup" <<-EOF
		cmp -s src.bin $REF/src.bin && [ ! -e dst.bin ]
	EOF
	cat >"$TMP/cp.check" <<-EOF
		# the source is intact; after exit 0 the copy is identical
		cmp -s src.bin $REF/src.bin || { echo "src.bin changed"; exit 1; }
		[ "\$FAULTLINE_EXIT" != 0 ] && exit 0
		cmp -s dst.bin $REF/src.bin || { echo "dst.bin differs after exit 0"; exit 1; }
	EOF
	rw_record cp cp --reflink=never src.bin dst.bin
	rw_sweep cp read,write,fsync,close EIO,short,crash --no-std --path='*.bin'
	check "cp: replay finds no bug (exit 0)" [ "$rc" = 0 ]
	none cp "no bug outcome" "$BUG"
	all cp "a failed read or write is reported (exit 1)" \
		"family IN ('read','write') AND fault = 'EIO'" "outcome = 'handled' AND exit = 1"
	common cp
fi

# --- tar: create an archive ---------------------------------------------------
# tar is correct: a write or close error on the archive is reported (exit
# 2) and a short write is finished. It does not fsync the archive, but it
# never claimed to: after a power loss (no exit status) nothing is checked.
# Checked by hand: `strace -e inject=write:error=EIO:when=2 tar cf out.tar
# data` exits 2 ("Cannot write: Input/output error"); a close EIO on out.tar
# exits 2 ("Cannot close"); after `inject=write:retval=512:when=1` the next
# write is the remaining 9728 bytes of the 10240-byte record.
if want tar; then
	mkdir -p "$W/tar/data/sub" "$REF/tar"
	for i in 1 2 3 4 5 6; do seq "$i" 4000 >"$W/tar/data/f$i"; done
	seq 1 2000 >"$W/tar/data/sub/g"
	cat >"$TMP/tar.setup" <<-EOF
		[ -d data/sub ] && [ ! -e out.tar ]
	EOF
	cat >"$TMP/tar.check" <<-EOF
		# after exit 0 the archive extracts to exactly data/
		[ "\$FAULTLINE_EXIT" != 0 ] && exit 0
		x=\$(mktemp -d $REF/tar/x.XXXXXX) || exit 2
		tar xf out.tar -C "\$x" && diff -r data "\$x/data" >/dev/null
		r=\$?; rm -rf "\$x"; [ \$r = 0 ] || echo "out.tar incomplete after exit 0"; exit \$r
	EOF
	rw_record tar tar cf out.tar data
	rw_sweep tar write,fsync,close EIO,short,crash --no-std --path='*/out.tar'
	check "tar: replay finds no bug (exit 0)" [ "$rc" = 0 ]
	none tar "no bug outcome" "$BUG"
	all tar "a failed write is reported (exit 2)" \
		"family = 'write' AND fault = 'EIO'" "outcome = 'handled' AND exit = 2"
	common tar
fi

# --- git commit with a pre-commit hook ----------------------------------------
# git writes the new objects, the index and the branch ref (through .lock
# files renamed into place) and runs .git/hooks/pre-commit (a shell script
# that appends to .git/hook.log). Every write, rename, unlink or close error
# is reported (exit 1 or 128) and the repository stays consistent. With the
# default core.fsync, git 2.39 fsyncs neither loose objects nor refs: after
# a power loss from the ref rename on, the branch names a commit whose
# object files are empty. That is the real bug (git's documented default).
# git closes the two ends of a pipe around each child it starts (its
# child-notify pipe): a close error there must not leave a false hang.
# Checked by hand: `strace -f -e trace=fsync,fdatasync git commit ...` shows
# no fsync; `strace -f -e inject=write:error=EIO:when=1 git commit ...`
# exits 128 ("unable to write loose object") with HEAD unchanged and fsck
# clean; the pre-commit hook failing its write makes git exit 1, no commit.
# strace's injected close does not close either: with
# `inject=close:error=EIO:when=32` (the parent's close of the pipe's write
# end) git blocks in read() on the pipe until killed. Linux releases the fd
# even when close fails, and git ignores this close's result: the true
# outcome is exit 0 with the commit made.
if want git; then
	mkdir -p "$W/git"
	(cd "$W/git" && git init -q . && git config user.email rw@example.com &&
	 git config user.name rw && git config gc.auto 0 && git config maintenance.auto false &&
	 seq 1 500 >a.txt && git add a.txt && git commit -q -m one &&
	 printf '#!/bin/sh\necho "pre-commit ran" >>.git/hook.log\n' >.git/hooks/pre-commit &&
	 chmod +x .git/hooks/pre-commit && seq 1 800 >b.txt && git add b.txt) >/dev/null 2>&1
	old=$(git -C "$W/git" rev-parse HEAD)
	cat >"$TMP/git.setup" <<-EOF
		[ "\$(git rev-parse HEAD)" = $old ] && [ ! -e .git/hook.log ]
	EOF
	cat >"$TMP/git.check" <<-EOF
		# the repository is sound; HEAD is the old commit, or the new one
		# (with b.txt, after the hook ran); the new one after exit 0
		git fsck --no-progress >/dev/null 2>&1 || { echo "git fsck fails"; exit 1; }
		head=\$(git rev-parse HEAD) || exit 1
		if [ "\$head" = $old ]; then
			[ "\$FAULTLINE_EXIT" != 0 ] && exit 0
			echo "exit 0 but no commit"; exit 1
		fi
		[ "\$(git rev-parse HEAD~1)" = $old ] && [ "\$(git log -1 --format=%s)" = two ] &&
			git cat-file -e HEAD:b.txt && grep -q "pre-commit ran" .git/hook.log && exit 0
		echo "HEAD is a bad commit"; exit 1
	EOF
	# fixed dates: the new commit's object names (and the fan-out directory
	# its temp file goes to) repeat from run to run, so no run is diverged
	GIT_AUTHOR_DATE='2001-01-01T00:00:00Z' GIT_COMMITTER_DATE='2001-01-01T00:00:00Z' \
		rw_record git git commit -q -m two
	rw_sweep git write,rename,unlink EIO,short,crash --no-std
	check "git: replay reports a bug (exit 1)" [ "$rc" = 1 ]
	all git "power loss after the ref rename: branch names empty objects (real bug)" \
		"family = 'rename' AND path LIKE '%refs/heads/%.lock' AND fault = 'crash'" "outcome = 'broken'"
	none git "every bug outcome is a power loss" "$BUG AND fault <> 'crash'"
	all git "a failed write is reported (non-zero exit), no bug" \
		"family = 'write' AND fault = 'EIO'" "outcome = 'handled' AND exit <> 0"
	common git
	# the pipes git closes around the hook (and the auto-maintenance child)
	rw_sweep git close EIO --fdkind=pipe
	check "git: (close on pipes) replay finds no bug (exit 0)" [ "$rc" = 0 ]
	none git "(close on pipes) no bug outcome" "$BUG"
	common git "(close on pipes) " ""
fi

# --- sqlite3 CLI: a transaction of inserts, WAL and rollback journal ---------
# SQLite is the reference for correct I/O: an error before the commit point
# rolls the transaction back (exit 10, SQLITE_IOERR), a short write is
# finished, and after a power loss at any call the database holds the old
# rows or all the new ones. In WAL mode a failed checkpoint write into
# app.db at close is not an error (the commit is durable in the WAL): exit
# 0, silent, and correct.
# Checked by hand, both modes: `strace -e inject=pwrite64:error=EIO:when=3
# sqlite3 ...` exits 10 ("disk I/O error") and the next open finds 10 rows,
# integrity_check ok; `inject=fdatasync:error=EIO:when=1` likewise. In WAL
# mode the 4th fdatasync (the checkpoint at close) failing exits 0 with 210
# rows. After `inject=pwrite64:retval=100:when=3` the next call writes the
# other 3996 bytes at offset +100.
sqlite_case() { # NAME JOURNAL_MODE JOURNAL_SUFFIX
	local name=$1 mode=$2
	mkdir -p "$W/$name"
	sqlite3 "$W/$name/app.db" "PRAGMA journal_mode=$mode; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);
		WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<10)
		INSERT INTO t(v) SELECT 'old-' || i FROM c;" >/dev/null
	cat >"$TMP/$name.setup" <<-EOF
		[ "\$(sqlite3 app.db 'SELECT count(*) FROM t')" = 10 ]
	EOF
	cat >"$TMP/$name.check" <<-EOF
		# integrity ok; 10 rows (rolled back) or 210 (committed); 210 after exit 0
		[ "\$(sqlite3 app.db 'PRAGMA integrity_check')" = ok ] || { echo "integrity_check fails"; exit 1; }
		n=\$(sqlite3 app.db 'SELECT count(*) FROM t')
		[ "\$n" = 210 ] && exit 0
		[ "\$n" = 10 ] && [ "\$FAULTLINE_EXIT" != 0 ] && exit 0
		echo "\$n rows, exit \$FAULTLINE_EXIT"; exit 1
	EOF
	rw_record "$name" sqlite3 app.db "BEGIN; WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL
		SELECT i+1 FROM c WHERE i<200) INSERT INTO t(v) SELECT printf('new-%d-%.40c', i, 'x') FROM c;
		COMMIT;"
	rw_sweep "$name" write,fsync,unlink EIO,short,crash --no-std --path='*/app.db*'
	check "$name: replay finds no bug (exit 0)" [ "$rc" = 0 ]
	none "$name" "no bug outcome" "$BUG"
	all "$name" "a failed journal write is reported (exit 10, SQLITE_IOERR)" \
		"family = 'write' AND fault = 'EIO' AND path LIKE '%-$3'" "outcome = 'handled' AND exit = 10"
	common "$name"
}
want sqlite-wal && sqlite_case sqlite-wal WAL wal
want sqlite-journal && sqlite_case sqlite-journal DELETE journal

# --- Python: notes.py saves its JSON state, naive and atomic ------------------
# progs/notes.py appends a note and saves notes.json. "naive" dumps into
# notes.json opened with "w" and logs an OSError as a warning: a failed
# write leaves notes.json torn and the program exits 0 (the real bug, found
# as broken with exit 0), and a power loss leaves it empty. "atomic" writes
# notes.json.tmp, fsyncs it, os.replace()s it and fsyncs the directory:
# every error exits 1 with notes.json intact, no bug outcome. Python's
# buffered writer finishes a short write, and retries a write and an fsync
# interrupted by EINTR (PEP 475).
# Checked by hand: `strace -f -e inject=write:error=EIO:when=1 -P notes.json
# python3 notes.py naive ...` exits 0 with notes.json empty; the same on
# notes.json.tmp in atomic mode exits 1 with notes.json unchanged;
# `inject=write:error=EINTR:when=1` is retried and exits 0.
py_case() { # NAME MODE FAULTS
	local name=$1 mode=$2 faults=$3
	mkdir -p "$W/$name"
	$PY -c 'import json; json.dump({"notes": ["note %04d: %s" % (i, "x" * 40) for i in range(400)]},
		open("'"$REF"'/notes.json", "w"), indent=1)'
	cp "$REF/notes.json" "$W/$name/notes.json"
	cat >"$TMP/$name.setup" <<-EOF
		cmp -s notes.json $REF/notes.json
	EOF
	cat >"$TMP/$name.check" <<-EOF
		exec $PY $PROGS_SRC/notes_check.py $REF/notes.json
	EOF
	rw_record "$name" $PY "$PROGS_SRC/notes.py" "$mode" notes.json hello
	rw_sweep "$name" write,fsync,rename,close "$faults" --no-std --path='*/notes.json*'
}
if want py-naive; then
	py_case py-naive naive EIO,short,crash
	check "py-naive: replay reports a bug (exit 1)" [ "$rc" = 1 ]
	all py-naive "a failed write tears notes.json and exits 0 (real bug)" \
		"family = 'write' AND fault = 'EIO'" "outcome = 'broken' AND exit = 0"
	all py-naive "a power loss while saving empties notes.json (real bug)" \
		"family = 'write' AND fault = 'crash'" "outcome = 'broken'"
	none py-naive "a short write is finished: no bug outcome" "fault = 'short' AND $BUG"
	common py-naive
fi
if want py-atomic; then
	py_case py-atomic atomic EIO,short,crash
	check "py-atomic: replay finds no bug (exit 0)" [ "$rc" = 0 ]
	none py-atomic "no bug outcome" "$BUG"
	all py-atomic "a failed write, fsync or rename is reported (exit 1)" \
		"family IN ('write','fsync','rename') AND fault = 'EIO'" "outcome = 'handled' AND exit = 1"
	common py-atomic
fi

# --- Go: gosave writes a file the durable way -----------------------------------
# progs/gosave.go (built with go build): temp file, write, fsync, close,
# rename, fsync the directory; every error exits 1. The Go runtime retries
# short writes and EINTR itself. No bug outcome.
# Checked by hand: `strace -f -e inject=fsync:error=EIO gosave state.txt 3000`
# exits 1 ("input/output error") with state.txt unchanged and no temp file
# left; `inject=write:error=EINTR:when=1` (on the temp file) exits 0 whole.
if want go; then
	mkdir -p "$W/go"
	if (cd "$PROGS_SRC" && GO111MODULE=off go build -o "$TMP/bin/gosave" gosave.go) \
		>"$TMP/go.build" 2>&1; then
		pass "go: gosave built"
		seq 1 10 >"$REF/state.old"
		"$TMP/bin/gosave" "$REF/state.new" 3000
		cp "$REF/state.old" "$W/go/state.txt"
		cat >"$TMP/go.setup" <<-EOF
			cmp -s state.txt $REF/state.old
		EOF
		cat >"$TMP/go.check" <<-EOF
			# state.txt is the old or the new file, whole; the new one after exit 0
			cmp -s state.txt $REF/state.new && exit 0
			[ "\$FAULTLINE_EXIT" != 0 ] && cmp -s state.txt $REF/state.old && exit 0
			echo "state.txt torn: \$(wc -c < state.txt) bytes"; exit 1
		EOF
		rw_record go "$TMP/bin/gosave" state.txt 3000
		rw_sweep go write,fsync,rename,close EIO,short,crash --no-std
		check "go: replay finds no bug (exit 0)" [ "$rc" = 0 ]
		none go "no bug outcome" "$BUG"
		all go "a failed write, fsync or rename is reported (exit 1)" \
			"family IN ('write','fsync','rename') AND fault = 'EIO'" "outcome = 'handled' AND exit = 1"
		common go
	else
		fail "go: gosave built"
		sed 's/^/#   /' "$TMP/go.build"
	fi
fi

# --- checks that cannot be trusted --------------------------------------------
# On gzip's recording: a check that fails with nothing injected says nothing
# about any fault, so the sweep must stop at the baseline with exit 2; a
# check that cannot be run (exit 127) is an error, never a broken run.
if want gzip; then
	prev=$(flq "$TMP/gzip.db" "SELECT ifnull(max(sweep), 0) FROM run")
	(cd "$W/gzip" && timeout -k 5 100 "$FL" replay -d "$TMP/gzip.db" --family unlink \
		--fault EIO,crash -q --check "test -e no-such-file" >"$TMP/base.out" 2>&1)
	check "gzip: a check failing at baseline aborts the sweep (exit 2)" [ $? = 2 ]
	check "gzip: no fault run after a failed baseline" \
		[ "$(flq "$TMP/gzip.db" "SELECT count(*) FROM run WHERE sweep > $prev AND fault <> 'none'")" = 0 ]
	prev=$(flq "$TMP/gzip.db" "SELECT ifnull(max(sweep), 0) FROM run")
	(cd "$W/gzip" && timeout -k 5 100 "$FL" replay -d "$TMP/gzip.db" --family unlink \
		--fault EIO,crash -q --check "$TMP/no-such-check" >"$TMP/nf.out" 2>&1)
	check "gzip: a check that is not found is an error (exit 2)" [ $? = 2 ]
	check "gzip: no broken run from a check not found" \
		[ "$(flq "$TMP/gzip.db" "SELECT count(*) FROM run WHERE sweep > $prev AND outcome = 'broken'")" = 0 ]
fi

finish

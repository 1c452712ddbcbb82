#!/usr/bin/env bash
# e2e: the crash states (docs/CRASH.md).  crashops does some file system
# operations, then access("marker"); a crash armed at that call leaves the
# directory as the state says, which the check dumps (names, first bytes,
# sizes) for comparison.
. "$(dirname "$0")/lib.sh"

build_prog crashops || finish
cat > "$TMP/dump.sh" <<'DUMP'
# dump.sh OUT: the run directory's names and contents, sorted, into OUT
# (- for stdout)
for f in $(find . -mindepth 1 | sort); do
	if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"
	elif [ -d "$f" ]; then echo "$f/"
	else echo "$f: $(head -c 12 "$f" | tr -c 'a-z0-9\n' '.' | tr -d '\n') $(wc -c < "$f" | tr -d ' ')"
	fi
done | if [ "$1" = - ]; then cat; else cat > "$1"; fi
DUMP

# state NAME SETUP MODE ARG FAULT: record `crashops MODE ARG` after SETUP in a
# fresh directory, replay FAULT at access("marker"); the dump is in $out
state() {
	local name=$1 setup=$2 mode=$3 arg=$4 fault=$5 w=$TMP/w-$1
	rm -rf "$w" && mkdir -p "$w" && (cd "$w" && eval "$setup" && : > marker)
	(cd "$w" && run_bounded "$FL" record -q -d "$TMP/$name.db" -- "$TMP/bin/crashops" $mode $arg \
		>/dev/null 2>&1)
	# a crash there leaves what a crash at the last call that changed the
	# disk leaves: replay plans it only when --point names it
	run_bounded "$FL" analyze -d "$TMP/$name.db" >/dev/null 2>&1
	local pt
	pt=$(flq "$TMP/$name.db" "SELECT max(point) FROM points WHERE family = 'stat' AND path LIKE '%marker'")
	run_bounded "$FL" replay -d "$TMP/$name.db" --point "$pt" --fault "$fault" \
		--setup "$setup" --check "sh $TMP/dump.sh -" -q -j 1 >/dev/null 2>&1
	# a run's writes stay in the run: the dump comes back as its output
	out=$(flq "$TMP/$name.db" "SELECT output FROM runs WHERE sweep = (SELECT max(id) FROM sweep)
		AND fault != 'none'" | sed -n '/^--- check:/,$p' | sed 1d)
}
same() { # same DESC WANT: $out is WANT
	if [ "$out" = "$2" ]; then pass "$1"; else fail "$1"; note "got:"; printf '%s\n' "$out" |
		sed 's/^/#     /'; note "want:"; printf '%s\n' "$2" | sed 's/^/#     /'; fi
}

names_setup='echo old > old.txt; echo gone > gone.txt'
initial='./gone.txt: gone 5
./marker:  0
./old.txt: old 4'
all_names='./d/
./d/in.txt: in 2
./hard.txt: new 3
./marker:  0
./new.txt: new 3
./old.txt: tmp2 4
./sl -> new.txt'

state names "$names_setup" names "" crash
same "crash keeps every directory operation (fsynced data kept)" "$all_names"
state posix "$names_setup" names "" crash:posix
same "crash:posix rolls back create, rename over a file, unlink, mkdir, symlink, link" "$initial"
state posixdir "$names_setup" names dirsync crash:posix
same "crash:posix keeps what an fsync of the directory made durable" "$all_names"
state posixsync "$names_setup" names sync crash:posix
same "crash:posix keeps everything after sync()" "$all_names"

map_setup='head -c 4096 /dev/zero | tr "\\0" a > m.dat'
state mmap "$map_setup" mmap "" crash
same "stores through a shared mapping are lost without msync" "./m.dat: aaaaaaaaaaaa 4096
./marker:  0"
state msync "$map_setup" mmap msync crash
same "msync(MS_SYNC) makes them durable" "./m.dat: bbbbbbbbbbbb 4096
./marker:  0"

state osync "" osync "" crash
same "writes through O_SYNC are durable at once" "./marker:  0
./o.dat: sync 4"

state copy "echo hello > src.dat" copy "" crash
same "sendfile and splice into a file are undone" "./marker:  0
./p.dat:  0
./s.dat:  0
./src.dat: hello 6"

size_setup='echo 0123456789 > t.dat; echo abc > t2.dat'
state size "$size_setup" size "" crash
same "crash keeps size changes (ftruncate, O_TRUNC): metadata, in order" "./marker:  0
./t.dat: 012 3
./t2.dat:  0"
state sizeposix "$size_setup" size "" crash:posix
same "crash:posix rolls back size changes no fsync made durable" "./marker:  0
./t.dat: 0123456789 11
./t2.dat: abc 4"

at_setup='echo old > old.txt; echo gone > gone.txt; echo a > a.txt; echo bb > b.txt
echo ccc > c.txt; mkdir edir; echo pwpwpw > pw.txt'
state at "$at_setup" at "" crash
same "crash keeps the *at calls' names, undoes their data (openat2, creat, pwrite64)" \
	"./a2.txt: a 2
./b.txt: ccc 4
./c.txt: bb 3
./cr.txt:  0
./dd/
./hl.txt: bb 3
./marker:  0
./o2.txt:  0
./old.txt: o 1
./pw.txt: pwpwpw 7
./sl -> c.txt"
state atposix "$at_setup" at "" crash:posix
same "crash:posix rolls back openat2, creat, truncate, mkdirat, renameat, renameat2 exchange, linkat, symlinkat, unlinkat" \
	"./a.txt: a 2
./b.txt: bb 3
./c.txt: ccc 4
./edir/
./gone.txt: gone 5
./marker:  0
./old.txt: old 4
./pw.txt: pwpwpw 7"

finish

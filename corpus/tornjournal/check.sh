#!/bin/sh
# Invariant: the journal's reader (the program in $1, run with --read)
# replays records 1, 2, ... in order, each with its full 1200-byte
# payload: a prefix of the records appended, never a torn one.
out=$("$1" --read) || { echo "the reader failed"; exit 1; }
printf '%s\n' "$out" | awk 'NF {
	n++
	if ($0 != "record " n ": 1200 bytes") { print "replayed a bad record: " $0; bad = 1; exit }
} END { exit bad }'

#!/bin/sh
# Invariant: a save that claims success (exit 0, or "committed" in the
# journal) left the complete text in data.txt.
claimed=
if [ "${FAULTLINE_EXIT:-0}" = 0 ]; then
	claimed="exit 0"
elif grep -q '^committed' journal 2>/dev/null; then
	claimed="journal says committed"
fi
[ -z "$claimed" ] && exit 0

expected='name: faultline
kind: fault-injection tester
status: saved completely'
if [ ! -f data.txt ]; then
	echo "$claimed but data.txt is missing"
	exit 1
fi
printf '%s\n' "$expected" | cmp -s - data.txt || {
	echo "$claimed but data.txt is incomplete ($(wc -c < data.txt | tr -d ' ') bytes)"
	exit 1
}
exit 0

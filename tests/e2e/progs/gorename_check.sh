#!/bin/sh
# Every out-N.txt that exists holds 4 complete lines of one round.
for f in out-*.txt; do
	[ -e "$f" ] || continue
	n=$(grep -c ' complete$' "$f")
	[ "$n" = 4 ] || { echo "torn: $f has $n complete lines"; exit 1; }
done
exit 0

#!/bin/sh
# Invariant: state.txt is the complete old state (1, 10 entries) or the
# complete new state (2, 20 entries), never empty or partial.
state() {
	awk -v v="$1" -v n="$2" 'BEGIN {
		print "STATE " v
		for (i = 1; i <= n; i++) printf "entry %03d of state %d\n", i, v
		print "END " n
	}'
}
if [ ! -f state.txt ]; then
	echo "state.txt is missing"
	exit 1
fi
state 1 10 | cmp -s - state.txt && exit 0
state 2 20 | cmp -s - state.txt && exit 0
echo "state.txt is neither complete state: $(wc -c < state.txt | tr -d ' ') bytes"
exit 1

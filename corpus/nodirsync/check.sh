#!/bin/sh
# Invariant: state.txt is the complete state 1 or the complete state 2;
# and once ack.log says "saved 2", it is state 2.
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
if state 2 20 | cmp -s - state.txt; then
	exit 0
fi
if ! state 1 10 | cmp -s - state.txt; then
	echo "state.txt is neither complete state: $(wc -c < state.txt | tr -d ' ') bytes"
	exit 1
fi
if grep -q '^saved 2$' ack.log 2>/dev/null; then
	echo "ack.log says state 2 was saved, but state.txt is state 1"
	exit 1
fi
exit 0

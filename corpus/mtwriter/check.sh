#!/bin/sh
# Invariant: if the program exited 0, each out.T (T = 0..3) holds its 100
# lines "thread T line N".
[ "${FAULTLINE_EXIT:-0}" != 0 ] && exit 0
for t in 0 1 2 3; do
	if [ ! -f "out.$t" ]; then
		echo "exit 0 but out.$t is missing"
		exit 1
	fi
	awk -v t="$t" 'BEGIN { for (n = 1; n <= 100; n++) print "thread " t " line " n }' |
		cmp -s - "out.$t" || {
		echo "exit 0 but out.$t has $(wc -l < "out.$t" | tr -d ' ') of 100 lines or wrong content"
		exit 1
	}
done
exit 0

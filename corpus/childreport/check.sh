#!/bin/sh
# Invariant: if the program exited 0, result.txt holds the worker's result.
[ "${FAULTLINE_EXIT:-0}" != 0 ] && exit 0
if [ ! -f result.txt ]; then
	echo "exit 0 but result.txt is missing"
	exit 1
fi
echo 'sum of squares 1..1000 = 333833500' | cmp -s - result.txt || {
	echo "exit 0 but result.txt is wrong ($(wc -c < result.txt | tr -d ' ') bytes)"
	exit 1
}
exit 0

#!/bin/sh
# Invariant: no silent corruption. Either the program reported failure
# (non-zero exit), or out.dat holds the complete 64 KiB record.
if [ "${FAULTLINE_EXIT:-0}" != 0 ]; then
	exit 0
fi
if [ ! -f out.dat ]; then
	echo "exit 0 but out.dat is missing"
	exit 1
fi
size=$(wc -c < out.dat | tr -d ' ')
if [ "$size" != 65536 ]; then
	echo "exit 0 but out.dat has $size bytes, expected 65536"
	exit 1
fi
awk 'BEGIN {
	for (i = 0; i < 1024; i++) {
		c = sprintf("%c", 97 + i % 26); s = ""
		for (j = 0; j < 53; j++) s = s c
		printf "line %04d %s\n", i, s
	}
}' | cmp -s - out.dat || {
	echo "exit 0 but out.dat content differs from the expected record"
	exit 1
}
exit 0

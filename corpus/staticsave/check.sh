#!/bin/sh
# Invariant: config.txt is the complete old version (1, 300 lines) or the
# complete new version (2, 400 lines), never a mix or a torn prefix.
config() {
	awk -v v="$1" -v n="$2" 'BEGIN {
		print "VERSION " v
		for (i = 1; i <= n; i++)
			printf "key%04d = value %04d of version %d\n", i, i * 7 % 10000, v
		print "END " n
	}'
}
if [ ! -f config.txt ]; then
	echo "config.txt is missing"
	exit 1
fi
config 1 300 | cmp -s - config.txt && exit 0
config 2 400 | cmp -s - config.txt && exit 0
echo "config.txt is neither complete version: $(wc -c < config.txt | tr -d ' ') bytes, last line '$(tail -n 1 config.txt | cut -c1-40)'"
exit 1

#!/bin/sh
# Initial state: a complete version 1 of config.txt (300 lines).
awk 'BEGIN {
	print "VERSION 1"
	for (i = 1; i <= 300; i++)
		printf "key%04d = value %04d of version 1\n", i, i * 7 % 10000
	print "END 300"
}' > config.txt

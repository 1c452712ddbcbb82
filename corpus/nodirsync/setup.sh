#!/bin/sh
# Initial state: a complete state 1 in state.txt (10 entries), an empty
# ack.log.
awk 'BEGIN {
	print "STATE 1"
	for (i = 1; i <= 10; i++) printf "entry %03d of state 1\n", i
	print "END 10"
}' > state.txt
: > ack.log

#!/bin/sh
# Invariant: dst.dat does not exist yet, or it is a complete copy of src.dat.
[ -e dst.dat ] || exit 0
cmp -s src.dat dst.dat && exit 0
echo "dst.dat is not a copy of src.dat: $(wc -c < dst.dat | tr -d ' ') of $(wc -c < src.dat | tr -d ' ') bytes"
exit 1

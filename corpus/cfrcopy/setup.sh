#!/bin/sh
# Initial state: src.dat, 3000 numbered lines (66000 bytes); no dst.dat.
awk 'BEGIN { for (i = 1; i <= 3000; i++) printf "line %05d of src.dat\n", i }' > src.dat

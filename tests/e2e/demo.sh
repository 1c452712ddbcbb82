#!/usr/bin/env bash
# make demo: record a corpus program that saves its config in place, sweep
# every write with two faults (EIO, and SIGKILL at the write), and show what
# faultline finds: the saves that leave a torn config.txt.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
FL=$root/faultline
T=$root/corpus/tornsave
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
sh "$T/setup.sh"
echo "\$ faultline record -d demo.db -- corpus/tornsave/tornsave"
"$FL" record -d demo.db -- "$T/tornsave" || exit 2
echo
echo "\$ faultline analyze -d demo.db --family write,fsync,rename --no-std"
"$FL" analyze -d demo.db --family write,fsync,rename --no-std
echo
echo "\$ faultline replay -d demo.db --family write --fault EIO,kill --no-std \\"
echo "      --setup 'sh corpus/tornsave/setup.sh' --check 'sh corpus/tornsave/check.sh'"
"$FL" replay -d demo.db --family write --fault EIO,kill --no-std \
	--setup "sh $T/setup.sh" --check "sh $T/check.sh"
rc=$?
echo
if [ "$rc" = 1 ]; then
	echo "faultline found the bug: tornsave rewrites config.txt in place (O_TRUNC, no"
	echo "temp file + rename), so a failed or interrupted write leaves it torn."
	echo "Its twin corpus/tornsave/tornsave_fixed comes out clean (make check tests both)."
	exit 0
fi
echo "demo: expected faultline replay to find the torn save (exit 1), got $rc"
exit 1

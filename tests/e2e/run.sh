#!/usr/bin/env bash
# Runs every e2e script in this folder and sums their "N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
tp=0 tf=0 status=0
# every script of this folder but the helpers, the fast ones first
for t in corpus parity robust badinput explore report shard \
	$(cd "$here" && ls *.sh | sed 's/\.sh$//' |
	  grep -vx -e lib -e run -e demo -e corpus -e parity -e robust -e badinput -e explore -e report -e shard); do
	[ -f "$here/$t.sh" ] || continue
	echo "== e2e $t"
	out=$(bash "$here/$t.sh" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	p=$(printf '%s' "$line" | awk '{print $1}')
	f=$(printf '%s' "$line" | awk '{print $3}')
	tp=$((tp + ${p:-0}))
	tf=$((tf + ${f:-1}))
	[ "$rc" = 0 ] || status=1
done
echo "e2e: $tp passed, $tf failed"
exit $status

# tests/e2e/lib.sh - shared helpers for the end-to-end scripts; source it.
#
#   pass DESC / fail DESC   print "ok - DESC" / "not ok - DESC" and count
#   check DESC CMD...       pass if CMD succeeds, else fail
#   finish                  print "N passed, M failed" and exit (1 if any failed)
#   $FL                     the faultline binary (default: REPO/faultline),
#                           copied into $TMP first
#   $TMP                    a private temp dir, removed on exit (kept if KEEP_TMP=1)
#   build_prog NAME         compile tests/e2e/progs/NAME.c into $TMP/bin/NAME
#   flq DB SQL              faultline query, one value per line (bounded by timeout)
#   run_bounded CMD...      CMD under `timeout 60` (a safety net, never a timing check)
#
# Background processes a script starts should be added to BG_PIDS, and
# taken out once waited for; those left are killed (by pid) on exit.

set -u

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$E2E_DIR/../.." && pwd)
FL=${FL:-$REPO_ROOT/faultline}
PROGS_SRC=$E2E_DIR/progs
CC=${CC:-cc}

npass=0
nfail=0
BG_PIDS=()

pass() { npass=$((npass + 1)); echo "ok - $*"; }
fail() { nfail=$((nfail + 1)); echo "not ok - $*"; }

check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# Print a diagnostic line (indented, like TAP comments).
note() { echo "#   $*"; }

run_bounded() { timeout -k 5 60 "$@"; }

# has TEXT REGEX: a line of TEXT matches (grep); hasnt: none does.
has() { printf '%s\n' "$1" | grep -q -- "$2"; }
hasnt() { ! has "$@"; }
# the newest sweep, for queries: "... WHERE sweep = $last_sweep"
last_sweep="(SELECT max(id) FROM sweep)"

flq() {
	local db=$1
	shift
	run_bounded "$FL" query --db "$db" "$@"
}

lib_cleanup() {
	local p
	for p in "${BG_PIDS[@]+"${BG_PIDS[@]}"}"; do
		kill -KILL "$p" 2>/dev/null
	done
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "# kept $TMP"
	elif [ -n "${TMP:-}" ]; then
		rm -rf -- "$TMP"
	fi
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/faultline-e2e.XXXXXX") || exit 2
trap lib_cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$TMP/bin"

if [ ! -x "$FL" ]; then
	echo "not ok - faultline binary '$FL' not found (make -C $REPO_ROOT)"
	echo "0 passed, 1 failed"
	exit 1
fi
# A private copy: a rebuild of the tree while the script runs does not
# change the binary under test halfway.
cp "$FL" "$TMP/bin/faultline" && FL=$TMP/bin/faultline

build_prog() {
	local name=$1
	"$CC" -O1 -g -Wall -pthread -o "$TMP/bin/$name" "$PROGS_SRC/$name.c" 2>"$TMP/cc.err"
	local rc=$?
	if [ $rc -ne 0 ]; then
		fail "build $name"
		sed 's/^/#   /' "$TMP/cc.err"
	fi
	return $rc
}

finish() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" -eq 0 ] && exit 0
	exit 1
}

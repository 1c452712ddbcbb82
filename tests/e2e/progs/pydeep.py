# tests/e2e/pydeep.py - a write 12 Python calls deep, for tests/e2e/pysites.sh:
# its recorded site is cut at --stack-depth lines, and a replay must find
# the same site again (not `diverged`).
import sys


def nest(n):
    if n == 0:
        with open("deep.txt", "w") as f:
            f.write("deep\n")
        return
    nest(n - 1)


try:
    nest(12)
except OSError as e:
    print("nest failed:", e, file=sys.stderr)
    sys.exit(1)

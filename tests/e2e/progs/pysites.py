# tests/e2e/pysites.py - two writes from two Python functions, for
# tests/e2e/pysites.sh: save() writes state.json (the write is at
# f.flush(), line 13), append_log() writes log.txt (line 19).  A failed
# save is reported and the program exits 1; the check then sees no
# state.json.
import json
import sys


def save(state):
    with open("state.json", "w") as f:
        json.dump(state, f)
        f.flush()


def append_log(msg):
    fd = open("log.txt", "a", buffering=1)
    try:
        fd.write(msg + "\n")
    finally:
        fd.close()


def main():
    try:
        save({"n": 1, "items": [1, 2, 3]})
    except OSError as e:
        print("save failed:", e, file=sys.stderr)
        sys.exit(1)
    append_log("saved")


main()

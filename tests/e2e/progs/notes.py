"""notes.py - appends a note to a JSON notes file and saves it.

usage: python3 notes.py atomic|naive FILE TEXT

atomic: json.dump to FILE.tmp, flush, fsync, os.replace over FILE, fsync
        the directory; any OSError is reported and the exit status is 1.
        FILE is always the old or the new state, even after a power loss.
naive:  json.dump straight into FILE opened with "w" (which truncates it
        first) and, like many applications, logs an OSError as a warning
        and carries on: a failed write leaves FILE torn and exits 0.
Used by tests/e2e/realworld.sh.
"""
import json
import os
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def save_atomic(path, state):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_naive(path, state):
    try:
        with open(path, "w") as f:
            json.dump(state, f, indent=1)
    except OSError as e:
        print("warning: could not save %s: %s" % (path, e), file=sys.stderr)


def main():
    mode, path, text = sys.argv[1:4]
    state = load(path)
    state["notes"].append(text)
    if mode == "naive":
        save_naive(path, state)
        return 0
    try:
        save_atomic(path, state)
    except OSError as e:
        print("error: could not save %s: %s" % (path, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

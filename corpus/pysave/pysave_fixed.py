"""pysave_fixed.py - saves the application state to state.json atomically.

Writes state.json.tmp, flushes and fsyncs it, os.replace()s it over
state.json and fsyncs the directory; any OSError is reported and exits 1
with the old state.json intact.  Run as: python3 pysave_fixed.py
"""
import json
import os
import sys

STATE = {
    "version": 2,
    "counter": 42,
    "items": ["item-%04d" % i for i in range(1000)],
}


def save(path):
    tmp = path + ".tmp"
    try:
        with open(tmp, "w") as f:
            json.dump(STATE, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        dirfd = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dirfd)
        finally:
            os.close(dirfd)
    except OSError as e:
        print("cannot save %r: %s" % (path, e.strerror), file=sys.stderr)
        return False
    return True


sys.exit(0 if save("state.json") else 1)

"""pysave.py - saves the application state to state.json in place.

Planted bug: open(path, "w") truncates state.json before anything is
written, and the OSError from a failed write is swallowed: the program
exits 0 and leaves an empty or torn state.json.  Run as: python3 pysave.py
"""
import json
import sys

STATE = {
    "version": 2,
    "counter": 42,
    "items": ["item-%04d" % i for i in range(1000)],
}


def save(path):
    try:
        with open(path, "w") as f:
            json.dump(STATE, f, indent=2)
    except OSError:
        pass  # bug: the failure is swallowed after the old state is gone


save("state.json")
sys.exit(0)

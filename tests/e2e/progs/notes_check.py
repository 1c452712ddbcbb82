"""notes_check.py - the invariant of progs/notes.py, run as a replay --check
in the run's directory: notes.json parses and holds the notes of REF (the
state before the run) or those plus "hello"; the new ones after exit 0.

usage: python3 notes_check.py REF
Used by tests/e2e/realworld.sh and tests/e2e/pysites.sh.
"""
import json
import os
import sys

old = json.load(open(sys.argv[1]))["notes"]
try:
    notes = json.load(open("notes.json"))["notes"]
except (OSError, ValueError, KeyError) as e:
    sys.exit("notes.json unreadable: %s" % e)
if notes == old + ["hello"]:
    sys.exit(0)
if notes == old and os.environ.get("FAULTLINE_EXIT") != "0":
    sys.exit(0)
sys.exit("notes.json has %d notes, exit %s" % (len(notes), os.environ.get("FAULTLINE_EXIT")))

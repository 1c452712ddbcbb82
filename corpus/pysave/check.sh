#!/bin/sh
# Invariant: state.json always parses as JSON and has the keys "version",
# "counter" and "items" (old or new state, never empty or torn).
exec python3 -c '
import json, sys
try:
    with open("state.json") as f:
        state = json.load(f)
except (OSError, ValueError) as e:
    print("state.json is unreadable: %s" % e)
    sys.exit(1)
missing = [k for k in ("version", "counter", "items") if not isinstance(state, dict) or k not in state]
if missing:
    print("state.json lacks keys: %s" % ", ".join(missing))
    sys.exit(1)
'

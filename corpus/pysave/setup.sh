#!/bin/sh
# Initial state: a valid version 1 state.json.
printf '{"version": 1, "counter": 41, "items": ["item-000", "item-001"]}\n' > state.json

#!/bin/sh
# Initial state: an empty journal.
: > journal.log

#!/usr/bin/env bash
# CPU instructions per imported event, counted by valgrind (callgrind): unlike seconds,
# the count repeats run after run on a shared, noisy machine, so two versions of the code
# can be compared by it. Not a test; needs valgrind (Debian package `valgrind`).
#
#   bash benchmarks/instructions.sh EVENTS.jsonl [SRC_DIR]
#
# EVENTS.jsonl: e.g. the first 20,000 lines of bench_import.py's events.jsonl
#   (head -20000 /tmp/bench-import/events.jsonl > /tmp/e20k.jsonl)
# SRC_DIR: the `src` folder of the checkout to measure (default: this one's), so an older
#   commit checked out with `git worktree add` can be measured beside it.
# Prints (instructions of importing EVENTS - instructions of importing nothing) / events.
set -euo pipefail
events=$1
src=${2:-$(cd "$(dirname "$0")/../src" && pwd)}
python=${PYTHON:-python}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
: >"$scratch/empty.jsonl"

count() { # instructions to import file $1 into a new ledger
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$python" -c "
import sys
sys.path.insert(0, sys.argv[1])
from ledger import Ledger, read_jsonl
with Ledger.open(sys.argv[2], create=True) as ledger:
    ledger.append_many(read_jsonl(sys.argv[3]))
" "$src" "$scratch/ledger-$RANDOM.sqlite" "$1" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}

lines=$(grep -c . "$events")
full=$(count "$events")
empty=$(count "$scratch/empty.jsonl")
echo "$src: $(((full - empty) / lines)) instructions per event ($lines events)"

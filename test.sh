#!/usr/bin/env bash
# Sets everything up (idempotent) and runs all tests: unit tests (no root needed) and integration
# tests with real containers (root). Ends with the line "N passed, N failed".
# Extra arguments go to `bun test` (a path or -t PATTERN to run a subset).
set -uo pipefail
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# One file at a time keeps containers of different files from competing for the 2 cores.
node_modules/.bin/bun test --timeout 120000 "${@:-test/}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
pass=$(grep -Eo '^ *[0-9]+ pass$' "$log" | tail -n1 | grep -Eo '[0-9]+' || echo 0)
fail=$(grep -Eo '^ *[0-9]+ fail$' "$log" | tail -n1 | grep -Eo '[0-9]+' || echo 0)
# A crash that bun reports outside the counts still fails the run.
if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
echo "${pass} passed, ${fail} failed"
[ "$fail" -eq 0 ]

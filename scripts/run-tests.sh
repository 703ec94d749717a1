#!/usr/bin/env bash
# Runs the test suite and, when it fails, repeats every failure at the end of the
# output: CI shows only the last lines, and Swift Testing prints a failure where it
# happens, often hundreds of lines earlier.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
swift test --skip-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
    echo
    echo "=== failures (repeated from above) ==="
    grep -E "recorded an issue|✘ Test .* failed|error:|Fatal error|Crash" "$log" | grep -v "^✔" | head -40
fi
exit "$status"

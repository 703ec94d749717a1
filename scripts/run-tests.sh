#!/usr/bin/env bash
# Runs the test suite and, when it fails, repeats every failure at the end of the
# output: CI shows only the last lines, and Swift Testing prints a failure where it
# happens, often hundreds of lines earlier.
set -uo pipefail
cd "$(dirname "$0")/.."
# `run-tests.sh browser`: only the web studio's browser tests (no PostgreSQL needed).
if [ "${1:-}" = "browser" ]; then exec scripts/browser-tests.sh; fi
log=$(mktemp)
# The store suites run on SQLite and on PostgreSQL: a throwaway cluster of Debian's
# server for this run (scripts/postgres.sh installs it when missing), stopped at the end.
pg_dir=.build/test-postgres
trap 'rm -f "$log"; scripts/postgres.sh stop "$pg_dir" > /dev/null 2>&1 || true' EXIT
MERGE_SERVER_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$pg_dir") || { echo "error: the test PostgreSQL did not start" >&2; exit 1; }
export MERGE_SERVER_TEST_POSTGRES_URL
if [ "$#" -gt 0 ]; then
    swift test --skip-build "$@" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
else
    # One test target at a time: Media's render suites running beside the live-server
    # suites starved those past their test client's fixed 20 s timeout on two cores.
    # The suites whose renders are watched through a live HTTP client and the suites that
    # talk to fake providers and webhook receivers over loopback run last, on their own:
    # beside the other server suites' renders they timed out in CI.
    live='^MergeServerTests\.(JobExecutionTests|SignedURLTests|StillImageJobTests|WebhookTests|ConcurrencyQuotaTests|RemoteProviderTests|RemoteSourceTests|ReplicateProviderTests)'
    status=0
    for target in MediaTests GenerationTests; do
        swift test --skip-build --filter "^$target\." 2>&1 | tee -a "$log"
        [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    done
    swift test --skip-build --filter '^MergeServerTests\.' --skip "$live" 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    swift test --skip-build --filter "$live" 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    # Last, the web studio in a real browser against a live server (about a minute).
    scripts/browser-tests.sh 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
fi
if [ "$status" -ne 0 ]; then
    echo
    echo "=== failures (repeated from above) ==="
    grep -E "recorded an issue|✘ Test .* failed|error:|Fatal error|Crash|  FAIL " "$log" | grep -v "^✔" | head -40
fi
exit "$status"

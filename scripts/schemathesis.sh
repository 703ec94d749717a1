#!/usr/bin/env bash
# Property-based fuzzing of the whole API from its own spec: schemathesis (PyPI, in a
# venv this script makes) sends generated and malformed requests to every route of a
# live `merge-server serve` and fails on any 5xx (`not_a_server_error`), any answer whose
# status the spec does not list (`status_code_conformance`) or whose body (JSON, or each
# server-sent event) does not match its schema (`response_schema_conformance`), or a
# dead server.
# Bounded: --max-examples per operation and a time budget, so it takes a few minutes.
#   scripts/schemathesis.sh [BINARY]      (default .build/debug/merge-server)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/merge-server}
[ -x "$BIN" ] || { echo "error: $BIN is missing: run swift build first" >&2; exit 1; }

venv=.build/schemathesis-venv
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'schemathesis==4.*' || { echo "error: could not install schemathesis from PyPI" >&2; exit 1; }
fi

data=$(mktemp -d)
out=$(mktemp)
# Workers 0: jobs are accepted and validated but never run, so the fuzzing stays bounded
# in time and disk (rendering random timelines is the render tests' business); no wait
# slots, so `?wait` answers at once instead of holding each request for up to 110 s.
# The server runs as deployed, with API keys, and the fuzzer holds an admin key (every
# route within reach; a key it makes through POST /api/keys does not lock it out).
key=$("$BIN" keys create --name schemathesis --scope admin --data-dir "$data" | tail -1)
MERGE_SERVER_LOG_LEVEL=error MERGE_SERVER_MAX_WAITERS=0 "$BIN" serve --port 0 --data-dir "$data" --workers 0 --generation-workers 0 > "$out" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; rm -rf "$data" "$out"; }
trap cleanup EXIT
base=""
for _ in $(seq 1 100); do
  base=$(grep -o 'http://[0-9.:]*' "$out" | head -1 || true)
  [ -n "$base" ] && break
  sleep 0.2
done
[ -n "$base" ] || { echo "error: the server did not start: $(cat "$out")" >&2; exit 1; }

# One worker: Python 3.11's ast module is not safe across threads (hypothesis parses
# lambdas with it), and two workers fail with "AST constructor recursion depth mismatch".
status=0
"$venv/bin/st" run "$base/openapi.yaml" --checks "${SCHEMATHESIS_CHECKS:-not_a_server_error,status_code_conformance,response_schema_conformance}" --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" \
  --max-time "${SCHEMATHESIS_SECONDS:-240}" --request-timeout 30 --workers 1 --seed 1 --no-color --header "Authorization: Bearer $key" \
  --phases examples,coverage,fuzzing || status=$?
if ! kill -0 "$pid" 2> /dev/null; then
  echo "error: the server died during the run" >&2
  status=1
fi
exit "$status"

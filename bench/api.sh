#!/usr/bin/env bash
# The service under load on loopback (wrk), beside a bare Hummingbird server measured in
# the same run:
#   1. GET /api/jobs/{id} at 64 connections: requests/s and p99 latency, median of RUNS
#      interleaved runs, and the ratio to the hello-world server;
#   2. POST /api/mv/merge_videos: jobs accepted (validated and committed to SQLite) per second,
#      checked against the queue depth afterwards;
#   3. 1000 open SSE streams: the server's resident memory while they are held;
#   4. the cost of API keys: GET /api/jobs/{id} on a second server that has keys, sent with
#      `Authorization: Bearer`, interleaved with the keyless server (target: ≤ 10 % slower).
#     bench/api.sh [RUNS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
SECONDS_PER_RUN=${2:-8}
MS=${MERGE_SERVER:-$(pwd)/.build/release/merge-server}
HELLO=$(pwd)/.build/release/bench-hello-server
for binary in "$MS" "$HELLO"; do
  [ -x "$binary" ] || { echo "error: $binary is missing: run swift build -c release" >&2; exit 1; }
done
command -v wrk > /dev/null || { apt-get install -y wrk > /dev/null 2>&1 || sudo apt-get install -y wrk > /dev/null; }

work=$(mktemp -d)
cleanup() { kill "${server_pid:-}" "${hello_pid:-}" "${keyed_pid:-}" 2> /dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# The limits are raised past what the load asks: a queue of ~30k jobs, 1000 streams of one job.
MERGE_SERVER_LOG_LEVEL=warning MERGE_SERVER_MAX_QUEUED_JOBS=10000000 MERGE_SERVER_MAX_EVENT_STREAMS_PER_JOB=100000 \
  "$MS" serve --port 18080 --data-dir "$work/data" --workers 0 > "$work/server.out" &
server_pid=$!
"$HELLO" 18081 > /dev/null 2>&1 &
hello_pid=$!
# The same server with an API key: every /api request is authenticated.
KEY=$("$MS" keys create --name bench --scope read,render --data-dir "$work/keyed" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
MERGE_SERVER_LOG_LEVEL=warning "$MS" serve --port 18082 --data-dir "$work/keyed" --workers 0 > "$work/keyed.out" &
keyed_pid=$!
ready=""
for _ in $(seq 100); do
  curl -sf http://127.0.0.1:18080/health > /dev/null && curl -sf http://127.0.0.1:18081/hello > /dev/null \
    && curl -sf http://127.0.0.1:18082/openapi.yaml > /dev/null && ready=yes && break
  sleep 0.1
done
[ -n "$ready" ] || { echo "error: the servers did not answer on ports 18080/18081/18082 within 10 s (see $work/server.out, $work/keyed.out)" >&2; cat "$work/server.out" >&2; exit 1; }

B=http://127.0.0.1:18080
up() { curl -s -X POST -H "Content-Type: $2" --data-binary @"$1" "$B/api/uploads" | grep -o '"id":"ast_[0-9a-f]*"' | cut -d'"' -f4; }
A=$(up fixtures/clip_640x480_25.mp4 video/mp4)
C=$(up fixtures/clip_1280x720_30.mp4 video/mp4)
export MERGE_BODY='{"clips": [{"source": "'$A'"}, {"source": "'$C'"}], "transition": {"type": "fade", "duration": 0.5}}'
JOB=$(curl -s -X POST -H 'Content-Type: application/json' -d "$MERGE_BODY" $B/api/mv/merge_videos | grep -o '"job_id":"job_[0-9a-f]*"' | cut -d'"' -f4)

# wrk's summary → "requests/s p99_ms"
measure() {
  wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency "$@" 2> /dev/null | awk '
    /Requests\/sec/ { rps = $2 }
    / 99%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }; p99 = v }
    END { printf "%.0f %.2f\n", rps, p99 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "GET /api/jobs/{id} vs a bare Hummingbird hello world, 64 connections, ${SECONDS_PER_RUN} s x $RUNS interleaved runs"
: > "$work/ours"; : > "$work/hello"
for run in $(seq "$RUNS"); do
  measure "$B/api/jobs/$JOB" >> "$work/ours"
  measure "http://127.0.0.1:18081/hello" >> "$work/hello"
done
ours_rps=$(cut -d' ' -f1 "$work/ours" | median); ours_p99=$(cut -d' ' -f2 "$work/ours" | median)
hello_rps=$(cut -d' ' -f1 "$work/hello" | median); hello_p99=$(cut -d' ' -f2 "$work/hello" | median)
printf "| server | requests/s (median) | p99 ms (median) |\n|---|---|---|\n"
printf "| merge-server GET /api/jobs/{id} | %s | %s |\n| hummingbird hello world | %s | %s |\n" "$ours_rps" "$ours_p99" "$hello_rps" "$hello_p99"
awk -v a="$ours_rps" -v b="$hello_rps" 'BEGIN { printf "ratio ours/hello world: %.2f\n\n", a / b }'

echo "POST /api/mv/merge_videos (validated against the assets, committed to SQLite), 64 connections, ${SECONDS_PER_RUN} s"
before=$(curl -s "$B/metrics" | awk '/^merge_server_queue_depth / { print $2 }')
post=$(measure -s bench/api/post_merge.lua "$B/api/mv/merge_videos")
after=$(curl -s "$B/metrics" | awk '/^merge_server_queue_depth / { print $2 }')
echo "accepted: $(echo "$post" | cut -d' ' -f1) jobs/s, p99 $(echo "$post" | cut -d' ' -f2) ms; queue depth $before → $after (every 202 is a row)"
echo

echo "1000 open SSE streams on one queued job"
rss_before=$(awk '/VmRSS/ { print $2 }' /proc/$server_pid/status)
python3 bench/api/sse_clients.py "$B/api/jobs/$JOB/events" 1000 6 > "$work/sse" &
sse_pid=$!
sleep 4
rss_held=$(awk '/VmRSS/ { print $2 }' /proc/$server_pid/status)
streams=$(curl -s "$B/metrics" | awk '/^merge_server_event_streams / { print $2 }')
wait $sse_pid
echo "streams open: $streams (clients that got their first event: $(cat "$work/sse")); resident memory $((rss_before / 1024)) MB before, $((rss_held / 1024)) MB with them open"
echo

echo "GET /api/jobs/{id} with an API key (Authorization: Bearer) vs without keys, 64 connections, ${SECONDS_PER_RUN} s x $RUNS interleaved runs"
K=http://127.0.0.1:18082
AUTH="Authorization: Bearer $KEY"
KA=$(curl -s -X POST -H "$AUTH" -H "Content-Type: video/mp4" --data-binary @fixtures/clip_640x480_25.mp4 "$K/api/uploads" | grep -o '"id":"ast_[0-9a-f]*"' | cut -d'"' -f4)
KJOB=$(curl -s -X POST -H "$AUTH" -H 'Content-Type: application/json' -d '{"clips": [{"source": "'$KA'"}]}' $K/api/mv/merge_videos | grep -o '"job_id":"job_[0-9a-f]*"' | cut -d'"' -f4)
[ -n "$KJOB" ] || { echo "error: the keyed server made no job (see $work/keyed.out)" >&2; exit 1; }
: > "$work/open.runs"; : > "$work/keyed.runs"
for run in $(seq "$RUNS"); do
  measure "$B/api/jobs/$JOB" >> "$work/open.runs"
  measure -H "$AUTH" "$K/api/jobs/$KJOB" >> "$work/keyed.runs"
done
open_rps=$(cut -d' ' -f1 "$work/open.runs" | median); open_p99=$(cut -d' ' -f2 "$work/open.runs" | median)
keyed_rps=$(cut -d' ' -f1 "$work/keyed.runs" | median); keyed_p99=$(cut -d' ' -f2 "$work/keyed.runs" | median)
printf "| server | requests/s (median) | p99 ms (median) |\n|---|---|---|\n"
printf "| without keys | %s | %s |\n| with an API key | %s | %s |\n" "$open_rps" "$open_p99" "$keyed_rps" "$keyed_p99"
awk -v a="$keyed_rps" -v b="$open_rps" 'BEGIN { printf "ratio keyed/open: %.2f (%.0f %% slower; target ≤ 10 %%)\n", a / b, (1 - a / b) * 100 }'

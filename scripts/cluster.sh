#!/usr/bin/env bash
# A whole cluster on this machine, on loopback: a throwaway PostgreSQL (store and queue),
# SeaweedFS's S3 gateway (media), one API node (`serve --workers 0`) and two
# `merge-server worker` processes, everything under ./outputs/cluster.
#   scripts/cluster.sh start    start what is not running, print how to use it
#   scripts/cluster.sh stop     stop the nodes (SIGTERM: running jobs go back to the queue),
#                               then SeaweedFS and PostgreSQL; the data stays for next time
#   scripts/cluster.sh status   what runs, and the API's /health
# MERGE_SERVER_CLUSTER_PORT sets the API's port (default 8090); MERGE_SERVER_BIN the binary
# (default the release build, which `make run-cluster` makes).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/outputs/cluster
bin=${MERGE_SERVER_BIN:-$root/.build/release/merge-server}
port=${MERGE_SERVER_CLUSTER_PORT:-8090}
nodes=(api worker-1 worker-2)

log() { echo "cluster.sh: $*" >&2; }
die() { echo "error: cluster.sh: $*" >&2; exit 1; }

# The pid of a node, if that process still runs our binary.
live_pid() {
  local file=$dir/$1.pid pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  kill -0 "$pid" 2> /dev/null && grep -q merge-server "/proc/$pid/cmdline" 2> /dev/null && echo "$pid"
}

# Starts a node in the background; its log is outputs/cluster/NAME.log.
launch() {
  local name=$1
  shift
  if pid=$(live_pid "$name"); then
    log "$name already runs (pid $pid)"
    return
  fi
  setsid "$bin" "$@" >> "$dir/$name.log" 2>&1 < /dev/null &
  echo $! > "$dir/$name.pid"
}

start() {
  [ -x "$bin" ] || die "$bin is missing: run make run-cluster (or swift build -c release)"
  mkdir -p "$dir"
  local url
  url=$("$root/scripts/postgres.sh" start "$dir/postgres")
  eval "$("$root/scripts/seaweedfs.sh" start "$dir/s3")"
  # The nodes' shared settings: the store, the bucket where media go, and the secrets every
  # node must hold alike (API key hashes, signed media links, webhook signatures), made once.
  export MERGE_SERVER_DATABASE_URL=$url MERGE_SERVER_LOG_LEVEL=${MERGE_SERVER_LOG_LEVEL:-info}
  export MERGE_SERVER_STORAGE=${MERGE_SERVER_STORAGE:-s3://$MERGE_SERVER_S3_BUCKET/cluster}
  if [ ! -f "$dir/secrets" ]; then
    (umask 077 && python3 -c '
import base64, secrets
print("export MERGE_SERVER_KEY_PEPPER=" + secrets.token_hex(32))
print("export MERGE_SERVER_URL_SIGNING_SECRET=" + secrets.token_hex(32))
print("webhook=whsec_" + base64.b64encode(secrets.token_bytes(32)).decode())' > "$dir/secrets")
  fi
  local webhook
  eval "$(grep '^export ' "$dir/secrets")"
  webhook=$(sed -n 's/^webhook=//p' "$dir/secrets")
  for name in "${nodes[@]}"; do
    mkdir -p "$dir/$name"
    [ -f "$dir/$name/webhook-secret" ] || (umask 077 && echo "$webhook" > "$dir/$name/webhook-secret")
  done
  launch api serve --host 127.0.0.1 --port "$port" --workers 0 --data-dir "$dir/api"
  launch worker-1 worker --concurrency 1 --data-dir "$dir/worker-1"
  launch worker-2 worker --concurrency 1 --data-dir "$dir/worker-2"

  local base=http://127.0.0.1:$port seen=0
  for _ in $(seq 150); do
    seen=$(curl -sf "$base/health" 2> /dev/null | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["workers"]["seen"]))' 2> /dev/null || echo 0)
    [ "$seen" -ge 2 ] && break
    sleep 0.2
  done
  [ "$seen" -ge 2 ] || { tail -5 "$dir"/*.log >&2; die "the cluster did not come up (the logs are in $dir)"; }
  cat << EOF
The cluster runs: an API node at $base, two workers, PostgreSQL and S3 (SeaweedFS),
each node with a data directory of its own; jobs and records are in PostgreSQL, media in
the bucket $MERGE_SERVER_STORAGE.
  health and the workers seen:  curl -s $base/health
  a test clip, uploaded:        $bin mock /tmp/clip.mp4 --duration 4
                                curl -s -X POST $base/api/uploads -H 'Content-Type: video/mp4' --data-binary @/tmp/clip.mp4
  a merge a worker renders:     curl -s -X POST $base/api/mv/merge_videos -H 'Content-Type: application/json' \\
                                  -d '{"clips": [{"source": "ASSET_ID"}, {"source": "ASSET_ID"}]}'
  follow a job:                 curl -sN $base/api/jobs/JOB_ID/events
  logs:                         $dir/{api,worker-1,worker-2}.log
  stop:                         make stop-cluster
EOF
}

stop() {
  local name pid
  for name in "${nodes[@]}"; do
    if pid=$(live_pid "$name"); then
      kill -TERM "$pid"
      for _ in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2> /dev/null && { log "$name did not stop in 10 s: killed"; kill -KILL "$pid"; }
    fi
    rm -f "$dir/$name.pid"
  done
  [ -d "$dir/s3" ] && "$root/scripts/seaweedfs.sh" stop "$dir/s3"
  [ -d "$dir/postgres" ] && "$root/scripts/postgres.sh" stop "$dir/postgres"
  log "stopped; the data stays under $dir (delete it for a fresh cluster)"
}

status() {
  local name pid
  for name in "${nodes[@]}"; do
    if pid=$(live_pid "$name"); then echo "$name: running (pid $pid)"; else echo "$name: stopped"; fi
  done
  curl -s "http://127.0.0.1:$port/health" || echo "the API does not answer on port $port"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start | stop | status" >&2; exit 2 ;;
esac

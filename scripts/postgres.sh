#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the scale-out tests (issue 15), on loopback.
#   scripts/postgres.sh start DIR [PORT]   install Debian's postgresql if missing, make the
#                                          cluster under DIR (once), start it, print its URL
#   scripts/postgres.sh stop DIR           stop it (pg_ctl stop -m fast); nothing to stop is fine
#   scripts/postgres.sh url DIR            print postgres://merge:PASSWORD@127.0.0.1:PORT/merge
#   scripts/postgres.sh destroy DIR        stop it and delete the cluster (and DIR when empty)
# The URL is the only line on stdout; progress goes to stderr. A second `start` on the same
# DIR reuses the cluster (and its port, unless PORT is given or the port was taken since).
# PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` system
# user the package makes; otherwise to you. Settings are for tests: fsync and synchronous
# commit on (the tests check durability), 32 MB of shared buffers, 200 connections, TCP on
# 127.0.0.1 only, no Unix socket, scram-sha-256 passwords. The role `merge` (CREATEDB, not a
# superuser) owns the database `merge`; the superuser is `postgres`.
set -euo pipefail

usage() { echo "usage: $0 start DIR [PORT] | stop DIR | url DIR | destroy DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
dir=$2
port_arg=${3:-}
[ -n "$port_arg" ] && ! [[ "$port_arg" =~ ^[0-9]+$ ]] && { echo "error: PORT must be a number, not '$port_arg'" >&2; exit 2; }

log() { echo "postgres.sh: $*" >&2; }
die() { echo "error: postgres.sh: $*" >&2; exit 1; }

pg_bin() {
  local v
  v=$(ls /usr/lib/postgresql 2> /dev/null | sort -V | tail -1)
  [ -n "$v" ] && [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && echo "/usr/lib/postgresql/$v/bin"
}

install_postgres() {
  [ -n "$(pg_bin)" ] && command -v psql > /dev/null && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo > /dev/null || die "PostgreSQL is missing, and you are not root and have no sudo: as root, apt-get install postgresql"
    sudo="sudo"
  fi
  log "installing Debian's postgresql"
  # No `main` cluster on port 5432 started by the package: this script makes its own.
  $sudo mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.d/merge-server.conf > /dev/null
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >&2
  $sudo apt-get install -y -q --no-install-recommends postgresql postgresql-client >&2
  [ -n "$(pg_bin)" ] || die "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb"
}

# The cluster's owner, and how to run a command as them (from /, which they can read).
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  as_owner() { (cd / && runuser -u "$owner" -- "$@"); }
else
  owner=$(id -un)
  as_owner() { (cd / && "$@"); }
fi

# No python3 or ss needed: a port is free when nothing accepts a connection on it (a port
# left in TIME_WAIT by the last run is free to listen on again: servers set SO_REUSEADDR).
port_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 12000)) # below Linux's ephemeral range (32768-60999)
    port_free "$p" && { echo "$p"; return; }
  done
  die "no free port found on 127.0.0.1"
}
random_password() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# DIR/pgdata names the data directory: DIR/data when the owner can reach DIR, otherwise a
# directory under /tmp (DIR is a root-only mktemp -d, or under /root, and its parents are
# not the script's to open up).
state_file() { echo "$dir/$1"; }
read_state() { [ -f "$(state_file "$1")" ] && cat "$(state_file "$1")"; }

url() {
  local port password
  port=$(read_state port) || die "no cluster under $dir (run: $0 start $dir)"
  password=$(read_state password) || die "no cluster under $dir"
  echo "postgres://merge:$password@127.0.0.1:$port/merge"
}

running() {
  local data
  data=$(read_state pgdata) || return 1
  [ -f "$data/postmaster.pid" ] || return 1
  as_owner "$(pg_bin)/pg_ctl" status -D "$data" > /dev/null 2>&1
}

start() {
  install_postgres
  local bin data port
  bin=$(pg_bin)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)

  if running; then
    log "already running ($(read_state pgdata))"
    url
    return
  fi

  data=$(read_state pgdata || true)
  if [ -z "$data" ] || [ ! -f "$data/PG_VERSION" ]; then
    if [ "$(id -u)" -eq 0 ]; then
      id "$owner" > /dev/null 2>&1 || die "no '$owner' user (Debian's postgresql package makes it)"
      mkdir -p "$dir/data"
      chown "$owner:" "$dir/data"
      chmod 700 "$dir/data"
      if as_owner test -w "$dir/data"; then
        data=$dir/data
      else
        rmdir "$dir/data"
        data=$(mktemp -d /tmp/merge-server-pg.XXXXXX)
        chown "$owner:" "$data"
        log "$owner cannot reach $dir: the data directory is $data"
      fi
    else
      data=$dir/data
      mkdir -p "$data"
      chmod 700 "$data"
    fi
    echo "$data" > "$(state_file pgdata)"
    local password super
    password=$(random_password)
    super=$(random_password)
    (umask 077 && echo "$password" > "$(state_file password)" && echo "$super" > "$(state_file superuser-password)")
    log "initdb $data (as $owner)"
    # The superuser's password reaches initdb through a file only the owner can read.
    local pwfile
    pwfile=$(as_owner mktemp "/tmp/merge-server-pgpw.XXXXXX")
    echo "$super" | as_owner tee "$pwfile" > /dev/null
    as_owner "$bin/initdb" -D "$data" -U postgres --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 --no-locale > "$dir/initdb.log" 2>&1 ||
      { as_owner rm -f "$pwfile"; die "initdb failed: $(tail -5 "$dir/initdb.log")"; }
    as_owner rm -f "$pwfile"
    as_owner tee -a "$data/postgresql.conf" > /dev/null << 'EOF'

# scripts/postgres.sh: a throwaway cluster for tests.
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
shared_buffers = 32MB
fsync = on
synchronous_commit = on
full_page_writes = on
logging_collector = off
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    as_owner tee "$data/pg_hba.conf" > /dev/null << 'EOF'
# scripts/postgres.sh: passwords over TCP on loopback, nothing else.
host all all 127.0.0.1/32 scram-sha-256
EOF
    rm -f "$(state_file port)"
  fi

  port=$port_arg
  if [ -z "$port" ]; then
    port=$(read_state port || true)
    if [ -n "$port" ] && ! port_free "$port"; then
      log "port $port is taken now: picking another"
      port=""
    fi
    [ -n "$port" ] || port=$(free_port)
  fi
  port_free "$port" || die "port $port on 127.0.0.1 is taken"
  echo "$port" > "$(state_file port)"

  local t0=$SECONDS
  as_owner "$bin/pg_ctl" start -D "$data" -w -t 120 -o "-p $port" -l "$data/postgres.log" > /dev/null ||
    die "the server did not start: $(as_owner tail -20 "$data/postgres.log")"
  log "started on 127.0.0.1:$port in $((SECONDS - t0)) s"

  # The test role and database, once (the superuser's password from DIR).
  local super
  super=$(read_state superuser-password)
  local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 "postgres://postgres@127.0.0.1:$port/postgres")
  if [ "$(PGPASSWORD=$super "${psql[@]}" -tA -c "SELECT 1 FROM pg_roles WHERE rolname = 'merge'")" != 1 ]; then
    PGPASSWORD=$super "${psql[@]}" -c "CREATE ROLE merge LOGIN CREATEDB PASSWORD '$(read_state password)'" \
      -c "CREATE DATABASE merge OWNER merge" >&2 || die "could not create the role and database"
  fi
  url
}

stop() {
  local data
  data=$(read_state pgdata || true)
  if [ -z "$data" ] || [ ! -f "$data/postmaster.pid" ]; then
    log "nothing running under $dir"
    return 0
  fi
  local bin
  bin=$(pg_bin) || die "no PostgreSQL binaries to stop the cluster with"
  if as_owner "$bin/pg_ctl" status -D "$data" > /dev/null 2>&1; then
    as_owner "$bin/pg_ctl" stop -D "$data" -m fast -w -t 60 > /dev/null || die "pg_ctl stop failed"
    log "stopped ($data)"
  else
    log "not running ($data)"
  fi
}

destroy() {
  stop
  local data
  data=$(read_state pgdata || true)
  if [ -n "$data" ] && [ -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
  fi
  # Only what this script made: DIR itself goes only when nothing else is left in it.
  rm -f "$dir"/{pgdata,port,password,superuser-password,initdb.log}
  rmdir "$dir" 2> /dev/null || true
  log "deleted the cluster under $dir"
}

case $cmd in
  start) start ;;
  destroy) destroy ;;
  stop) stop ;;
  url) url ;;
  *) usage ;;
esac

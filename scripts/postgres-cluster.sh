#!/bin/sh
# A throwaway PostgreSQL cluster for the emulator's `postgres` mode (tests and CI), made with the
# machine's Debian binaries (apt-get install postgresql).
#
#   scripts/postgres-cluster.sh start DIR PORT   initialise DIR if needed, start, print the admin URL
#   scripts/postgres-cluster.sh stop DIR         stop it (DIR stays; rm -rf it to forget the cluster)
#
# It listens on 127.0.0.1:PORT only. Over TCP every role needs its password (SCRAM), so credentials
# are really checked; over its unix socket in DIR the superuser gets in without one.
# Environment: PG_BIN (folder of initdb/pg_ctl; default: newest /usr/lib/postgresql/*/bin),
# PG_CLUSTER_PASSWORD (the superuser's password; default: postgres).
set -eu

SUPERUSER=postgres
PASSWORD="${PG_CLUSTER_PASSWORD:-postgres}"
# It goes into a URL as is.
case "$PASSWORD" in '' | *[!A-Za-z0-9._~-]*) echo "postgres-cluster: PG_CLUSTER_PASSWORD may use only A-Z a-z 0-9 . _ ~ -" >&2; exit 2 ;; esac

usage() {
  echo "usage: $0 start DIR PORT | stop DIR" >&2
  exit 2
}

fail() {
  echo "postgres-cluster: $*" >&2
  exit 1
}

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    [ -x "$PG_BIN/initdb" ] || fail "PG_BIN=$PG_BIN has no initdb"
    echo "$PG_BIN"
    return
  fi
  # Newest major first; `sort -V` orders 9.6 < 10 < 17.
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] && [ -x "$bin/initdb" ] || fail "no PostgreSQL binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
  echo "$bin"
}

# initdb and postgres refuse to run as root: run them as the `postgres` system user then.
as_owner() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u "$SUPERUSER" -- "$@"
  else
    # su needs one command line: quote every argument for the shell it starts.
    cmd=""
    for arg in "$@"; do
      cmd="$cmd '$(printf '%s' "$arg" | sed "s/'/'\\\\''/g")'"
    done
    su -s /bin/sh "$SUPERUSER" -c "$cmd"
  fi
}

ensure_owner() {
  dir=$1
  [ "$(id -u)" -eq 0 ] || return 0
  if ! id "$SUPERUSER" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$SUPERUSER" 2>/dev/null \
      || adduser --system --group --no-create-home "$SUPERUSER" >/dev/null \
      || fail "cannot create the $SUPERUSER system user"
  fi
  chown -R "$SUPERUSER:" "$dir"
  as_owner test -x "$dir" || fail "$SUPERUSER cannot reach $dir (is a parent folder private, like /root?); use a folder under /tmp"
}

start() {
  dir=$1
  port=$2
  case "$port" in '' | *[!0-9]*) fail "PORT must be a number, got '$port'" ;; esac
  bin=$(find_bin)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  ensure_owner "$dir"
  data="$dir/data"

  if [ -f "$data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    fail "a cluster is already running in $dir; stop it first"
  fi

  if [ ! -f "$data/PG_VERSION" ]; then
    pwfile="$dir/.pwfile"
    printf '%s\n' "$PASSWORD" >"$pwfile"
    [ "$(id -u)" -ne 0 ] || chown "$SUPERUSER:" "$pwfile"
    chmod 600 "$pwfile"
    if ! as_owner "$bin/initdb" -D "$data" -U "$SUPERUSER" --pwfile="$pwfile" -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1; then
      rm -f "$pwfile"
      cat "$dir/initdb.log" >&2
      fail "initdb failed"
    fi
    rm -f "$pwfile"
    # Superuser alone on the socket without a password; over TCP, passwords, and ordinary roles
    # only reach their own databases (the maintenance ones stay the superuser's).
    cat >"$data/pg_hba.conf" <<EOF
local all $SUPERUSER trust
local all all scram-sha-256
host postgres,template0,template1 $SUPERUSER 127.0.0.1/32 scram-sha-256
host postgres,template0,template1 all 127.0.0.1/32 reject
host all all 127.0.0.1/32 scram-sha-256
EOF
    echo "include_if_exists = 'cluster.conf'" >>"$data/postgresql.conf"
  fi

  # Rewritten on every start so the same DIR can come back on another port.
  cat >"$data/cluster.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
password_encryption = 'scram-sha-256'
max_connections = 100
# Throwaway data: speed over durability.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  [ "$(id -u)" -ne 0 ] || chown "$SUPERUSER:" "$data/cluster.conf" "$data/pg_hba.conf"

  if ! as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null; then
    tail -n 20 "$dir/server.log" >&2 || true
    fail "the server did not start (log: $dir/server.log)"
  fi
  echo "postgres://$SUPERUSER:$PASSWORD@127.0.0.1:$port/postgres?sslmode=disable"
}

stop() {
  dir=$1
  data="$dir/data"
  [ -f "$data/PG_VERSION" ] || fail "no cluster in $dir"
  [ -f "$data/postmaster.pid" ] || return 0
  bin=$(find_bin)
  as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 0
  as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
}

[ $# -ge 1 ] || usage
case "$1" in
  start) [ $# -eq 3 ] || usage; start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || usage; stop "$2" ;;
  *) usage ;;
esac

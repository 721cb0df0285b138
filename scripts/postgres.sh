#!/usr/bin/env bash
# A throw-away PostgreSQL server for tests and benchmarks: Debian's postgresql package (installed if missing),
# a data directory of its own, listening on 127.0.0.1 only. PostgreSQL refuses to run as root, so as root the
# server runs as the postgres user.
#
#   scripts/postgres.sh start|stop|status|url
#
# Settings: SLUICE_PG_PORT (55432), SLUICE_PG_DIR (/tmp/sluice-pg). Database sluice; its owner sluice (password
# sluice) applies the migrations; sluice_pipelines (password sluice_pipelines) is the role pipelines run as, which
# the owner grants rows only (docs/deploy.md).
set -euo pipefail

PORT=${SLUICE_PG_PORT:-55432}
DIR=${SLUICE_PG_DIR:-/tmp/sluice-pg}

pg_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install() {
    if [ -z "$(pg_bin)" ]; then
        echo "Installing PostgreSQL from Debian packages..." >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

is_running() {
    [ -f "$DIR/PG_VERSION" ] && as_owner "$(pg_bin)/pg_ctl" -D "$DIR" status >/dev/null 2>&1
}

start() {
    install
    local bin
    bin=$(pg_bin)
    if [ ! -f "$DIR/PG_VERSION" ]; then
        mkdir -p "$DIR"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
        as_owner "$bin/initdb" -D "$DIR" -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    fi
    if ! is_running; then
        as_owner "$bin/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 \
            -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" start >/dev/null
    fi
    local psql=("$bin/psql" -h "$DIR" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
    if [ -z "$(as_owner "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'sluice'")" ]; then
        as_owner "${psql[@]}" -c "CREATE ROLE sluice LOGIN PASSWORD 'sluice'"
        as_owner "${psql[@]}" -c "CREATE DATABASE sluice OWNER sluice"
    fi
    if [ -z "$(as_owner "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'sluice_pipelines'")" ]; then
        as_owner "${psql[@]}" -c "CREATE ROLE sluice_pipelines LOGIN PASSWORD 'sluice_pipelines'"
    fi
    # the benchmark (bench/) checkpoints between runs, so no run pays for the previous one's writes
    as_owner "${psql[@]}" -c "GRANT pg_checkpoint TO sluice" 2>/dev/null
    echo "PostgreSQL ready: $(url)" >&2
}

stop() {
    if is_running; then
        as_owner "$(pg_bin)/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null
    fi
}

url() {
    echo "jdbc:postgresql://127.0.0.1:$PORT/sluice"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) if is_running; then echo running; else echo stopped; exit 3; fi ;;
    url) url ;;
    *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac

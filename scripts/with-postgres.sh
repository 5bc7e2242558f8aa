#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL, then remove it:
#
#   scripts/with-postgres.sh .venv/bin/pytest -n 2
#
# Starts a private server (data and socket in a temporary folder, a free port on 127.0.0.1,
# password login), creates the database "tapecut", exports DATABASE_URL for the command and
# exits with the command's status. The role is the superuser "postgres" because the test runner
# creates (and drops) one test database per xdist worker.
#
# PostgreSQL refuses to run as root; as root (CI) the server runs as the "postgres" user.
# PG_BIN overrides where initdb and pg_ctl are found (default: the newest in /usr/lib/postgresql).
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "with-postgres: no PostgreSQL server binaries found (apt-get install postgresql," \
        "or set PG_BIN to the folder with initdb and pg_ctl)" >&2
    exit 2
fi

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tapecut-pg.XXXXXX")
PGDATA="$WORK/data"
PORT=$(free_port)
PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(16))')

cleanup() {
    as_server_user "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$WORK"
fi
printf '%s\n' "$PASSWORD" >"$WORK/pwfile"
chmod 600 "$WORK/pwfile"
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$WORK/pwfile"
fi

as_server_user "$PG_BIN/initdb" -D "$PGDATA" -U postgres --pwfile="$WORK/pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --no-locale --no-sync >"$WORK/initdb.log" 2>&1 || {
    cat "$WORK/initdb.log" >&2
    exit 1
}
# A test server: durability switched off for speed; it is deleted afterwards anyway.
as_server_user "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$WORK/server.log" -w -t 60 \
    -o "-p $PORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off" \
    -o "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
    start >/dev/null || {
    cat "$WORK/server.log" >&2
    exit 1
}

PGPASSWORD=$PASSWORD "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres tapecut
export DATABASE_URL="postgres://postgres:$PASSWORD@127.0.0.1:$PORT/tapecut"
echo "with-postgres: PostgreSQL $("$PG_BIN/pg_ctl" --version | awk '{print $3}') on" \
    "127.0.0.1:$PORT" >&2

status=0
"$@" || status=$?
exit "$status"

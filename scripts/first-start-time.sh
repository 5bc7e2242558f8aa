#!/bin/bash
# Time `make run` on a fresh copy of this tree (no .venv, no var/) to the first page answering:
# each progress line gets its second, then "FIRST PAGE 200". Prints the log; stops what it
# started. Usage: bash scripts/first-start-time.sh [keep]   (keep: leave the copy for a 2nd run)
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/tapecut-first-start.XXXX")
tar -C "$SRC" --exclude=.git --exclude=./var --exclude=./.venv --exclude=__pycache__ \
  --exclude=.mypy_cache --exclude=.ruff_cache -cf - . | tar -C "$DIR" -xf -
cd "$DIR"
export TAPECUT_WEB_PORT=${TAPECUT_WEB_PORT:-18765} TAPECUT_SMTP_PORT=${TAPECUT_SMTP_PORT:-12525}
start=$(date +%s.%N)
stamp() { printf '%7.1f s  %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$1"; }
: > run.raw
setsid make run > run.raw 2>&1 &
pid=$!
( tail -n +1 -f run.raw | while IFS= read -r line; do stamp "$line"; done ) > run.log &
tailer=$!
for _ in $(seq 1 3600); do
  code=$(curl -s -m 60 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$TAPECUT_WEB_PORT/accounts/login/" || true)
  if [ "$code" = "200" ]; then stamp "FIRST PAGE 200" >> run.log; break; fi
  sleep 0.5
done
uptime >> run.log
kill -TERM -- "-$pid" 2>/dev/null
sleep 2; kill "$tailer" 2>/dev/null
grep -v '"GET \|\] \[INFO\]' run.log
[ "${1:-}" = keep ] && echo "copy kept in $DIR" || rm -rf "$DIR"

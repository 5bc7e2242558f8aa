#!/bin/sh
# System packages the benchmarks need beyond the Python environment: `wrk`, the HTTP load tool
# that `tapecut bench scale` drives. Not needed by the test suite. Safe to run again.
set -eu

if command -v wrk >/dev/null 2>&1; then
    exit 0
fi

if [ "$(id -u)" != "0" ]; then
    SUDO="sudo"
else
    SUDO=""
fi

if command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends wrk >/dev/null
    exit 0
fi

echo "install-bench-deps: cannot install wrk here (no apt-get); install it by hand" \
    "(https://github.com/wg/wrk) for \`tapecut bench scale\`." >&2
exit 1

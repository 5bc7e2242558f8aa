#!/bin/sh
# System packages the test suite needs beyond the Python environment: a real Dovecot IMAP
# server for the IMAP polling tests (tapecut/intake/test_imap.py). Run by `make pytest`.
# Safe to run again: it does nothing when everything is present.
set -eu

# Chromium for the browser tests (tapecut/e2e): Debian's package, driven by Playwright, with
# the fonts its screenshots need. Never `playwright install`: it downloads a browser build of its
# own, which these machines cannot fetch.
if [ ! -x /usr/bin/chromium ]; then
    if command -v apt-get >/dev/null 2>&1; then
        as_root=""
        [ "$(id -u)" = "0" ] || as_root="sudo"
        export DEBIAN_FRONTEND=noninteractive
        $as_root apt-get update -qq
        $as_root apt-get install -y -qq --no-install-recommends \
            chromium fonts-liberation fonts-dejavu-core >/dev/null
    else
        echo "install-test-deps: cannot install Chromium here (no apt-get); install Debian's" \
            "chromium by hand, or the browser tests fail with an explanation." >&2
        exit 1
    fi
fi

if [ -x /usr/sbin/dovecot ] || command -v dovecot >/dev/null 2>&1; then
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
    # Only the IMAP part; the package's own service is never started by the tests.
    $SUDO apt-get install -y -qq --no-install-recommends dovecot-imapd >/dev/null
    # Debian starts the service on install where an init system runs; the tests start their own.
    if command -v systemctl >/dev/null 2>&1; then
        $SUDO systemctl disable --now dovecot >/dev/null 2>&1 || true
    fi
    exit 0
fi

echo "install-test-deps: cannot install Dovecot here (no apt-get); install dovecot-imapd" \
    "by hand, or the IMAP tests will fail with an explanation." >&2
exit 1

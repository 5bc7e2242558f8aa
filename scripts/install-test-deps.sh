#!/bin/sh
# System packages the test suite needs beyond the Python environment: a real Dovecot IMAP
# server for the IMAP polling tests (tapecut/intake/test_imap.py). Run by `make pytest`.
# Safe to run again: it does nothing when everything is present.
set -eu

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

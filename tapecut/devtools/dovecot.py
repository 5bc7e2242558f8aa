"""A throwaway Dovecot IMAP server for tests of the IMAP poller.

The server runs from a generated configuration in a temporary folder: one user with a plain
password (which also serves as the XOAUTH2 token), maildirs in that folder, no SSL, listening on a
free port on 127.0.0.1. ``scripts/install-test-deps.sh`` installs the ``dovecot-imapd`` package;
when the binary is still missing, ``start`` raises ``DovecotMissing`` with a clear message rather
than letting the tests skip.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DOVECOT_PATHS = ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot")


class DovecotMissing(RuntimeError):
    """Dovecot is not installed and the tests need it."""


@dataclass
class Dovecot:
    root: Path
    port: int
    user: str = "reports"
    password: str = "imap-test-password"  # noqa: S105 - a throwaway test server
    remove_root: bool = False
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def log_text(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None
        if self.remove_root:
            shutil.rmtree(self.root, ignore_errors=True)


def find_binary() -> str:
    for path in DOVECOT_PATHS:
        if os.access(path, os.X_OK):
            return path
    found = shutil.which("dovecot")
    if found:
        return found
    raise DovecotMissing(
        "The IMAP tests need a real Dovecot server and none is installed. "
        "Run `sh scripts/install-test-deps.sh` (installs dovecot-imapd with apt-get) and retry."
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _service_users() -> tuple[str, str]:
    """Dovecot refuses to run its helpers as root: use the package's own users where we are root."""
    me = pwd.getpwuid(os.getuid()).pw_name
    if os.getuid() != 0:
        return me, me
    names = {p.pw_name for p in pwd.getpwall()}
    internal = "dovecot" if "dovecot" in names else "nobody"
    login = "dovenull" if "dovenull" in names else internal
    return internal, login


def _mail_owner(internal: str) -> tuple[int, int]:
    # Dovecot never accesses mail as root; as root, the mail belongs to its internal user.
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    entry = pwd.getpwnam(internal)
    return entry.pw_uid, entry.pw_gid


def write_config(server: Dovecot) -> Path:
    root = server.root
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    # The password doubles as the XOAUTH2 token: Dovecot checks an OAuth2 token as a password.
    (root / "passwd").write_text(f"{server.user}:{{PLAIN}}{server.password}::::::\n")
    internal, login = _service_users()
    uid, gid = _mail_owner(internal)
    for sub in ("mail", "home"):
        os.chown(root / sub, uid, gid)
    config = f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
default_internal_user = {internal}
default_login_user = {login}
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {server.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
service pop3-login {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
"""
    path = root / "dovecot.conf"
    path.write_text(config)
    # The unprivileged helpers must be able to read the config and the password file.
    for item in (root, path, root / "passwd"):
        item.chmod(0o755 if item.is_dir() else 0o644)
    return path


def start(root: Path | None = None, *, timeout: float = 15.0) -> Dovecot:
    """Start Dovecot in the foreground (as a child process) and wait until it accepts logins.

    Without ``root`` a new folder under the system's temporary folder is used (and removed by
    ``stop``): Dovecot's unprivileged helpers must be able to reach it, which they cannot inside
    pytest's private ``tmp_path``.
    """
    binary = find_binary()
    owned = root is None
    root = Path(tempfile.mkdtemp(prefix="tapecut-dovecot-")) if root is None else root
    server = Dovecot(root=root, port=free_port(), remove_root=owned)
    config = write_config(server)
    server.process = subprocess.Popen(
        [binary, "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            err = (
                server.process.stderr.read().decode(errors="replace")
                if server.process.stderr
                else ""
            )
            raise RuntimeError(f"Dovecot exited at start-up: {err}\n{server.log_text}")
        if _greets(server.port):
            return server
        time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"Dovecot did not start within {timeout} s:\n{server.log_text}")


def _greets(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            return sock.recv(64).startswith(b"* OK")
    except OSError:
        return False

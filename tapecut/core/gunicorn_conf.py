"""gunicorn's settings for Tapecut's web process (``tapecut run`` and the Docker image).

Read by gunicorn with ``-c python:tapecut.core.gunicorn_conf``. Two things matter here:

* **No client addresses in the access log.** A report form posted a few seconds after the same
  address logged in would name an anonymous reporter. The access log keeps time, method, path,
  status, size and duration: never the client address, user agent, referer, query string or
  any header, whatever format an operator sets, and tokens in ``/follow/`` and ``/feedback/``
  links are cut out of the path.
* **Workers die with their master.** A master killed with SIGKILL cannot stop its workers;
  orphaned workers would keep the listening socket, and a new master could not bind the port.
  Each worker asks the kernel for SIGKILL when its parent goes (``PR_SET_PDEATHSIG``, Linux).
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

from tapecut.core.orphans import die_with_parent

accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
logger_class = "tapecut.core.gunicorn_conf.PrivateAccessLogger"

_TOKEN_PATH = re.compile(r"^/(follow|feedback)/[^/]+")


def private_path(path: str) -> str:
    return _TOKEN_PATH.sub(r"/\1/[token]", path or "")


class PrivateAccessLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger with only the atoms that name no one."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict:  # type: ignore[type-arg]
        full = super().atoms(resp, req, environ, request_time)
        kept = {k: full[k] for k in ("t", "m", "s", "b", "B", "T", "D", "M", "L", "H", "p")}
        kept["U"] = private_path(str(environ.get("PATH_INFO", "")))
        kept["r"] = f"{kept['m']} {kept['U']} {kept['H']}"
        return kept


def post_fork(server: Any, worker: Any) -> None:
    die_with_parent(server.pid)

"""Run a Python script as a container of the compose file would: the service names
resolve (to loopback, where the tests run the services), so the script calls
`http://mockcar:PORT` with that Host header, as it does under compose.

    python compose_dns.py SCRIPT [ARGS...]      (names: COMPOSE_SERVICES, default mockcar)
"""

from __future__ import annotations

import os
import runpy
import socket
import sys
from typing import Any

SERVICES = frozenset(os.environ.get("COMPOSE_SERVICES", "mockcar").split(","))
_getaddrinfo = socket.getaddrinfo


def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if isinstance(host, bytes):
        host = host.decode()
    return _getaddrinfo("127.0.0.1" if host in SERVICES else host, *args, **kwargs)


if __name__ == "__main__":
    socket.getaddrinfo = getaddrinfo
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name="__main__")

"""TCP_NODELAY on the server's sockets: small HTTP responses were held back 40 ms each.

Streamlit 1.67's server binds its listening socket itself, with ``socket.socket(family)``,
whose ``proto`` is 0; asyncio turns Nagle's algorithm off only on accepted sockets whose
``proto`` is ``IPPROTO_TCP``, so it stays on. On a kept-alive connection every response
after the first then waits for the browser's delayed ACK before its body leaves: about 40 ms
for each small file (curl, four files on one connection: 42 ms each after the first, against
1.3 ms with the option set).

`enable` sets the option on the TCP sockets the process has open: the listening socket, which
Linux passes it on to the connections it accepts, and any connections already open. app.py
calls it from its ``st.App`` start-up hook, after the socket is bound and before the first
connection. Linux only (it lists ``/proc/self/fd``); elsewhere it does nothing. A first
visit fetches about 65 files before the app's script can start and 45 more as the widgets
appear: the first plot came 0.1-0.2 s sooner (bench/latency.py).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading

_DONE = threading.Event()


def enable() -> int:
    """`on_open_sockets`, once per process; returns how many sockets it set (0 after)."""
    if _DONE.is_set():
        return 0
    _DONE.set()
    return on_open_sockets()


def on_open_sockets() -> int:
    """Set TCP_NODELAY on every open TCP socket of this process; returns how many."""
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        return 0
    return sum(_set(fd) for fd in fds)


def _set(fd: int) -> bool:
    try:
        copy = os.dup(fd)  # closing the copy leaves the server's descriptor open
    except OSError:  # closed meanwhile
        return False
    try:
        s = socket.socket(fileno=copy)  # family and type read from the descriptor
    except OSError:  # not a socket
        os.close(copy)
        return False
    with s, contextlib.suppress(OSError):
        if s.family in (socket.AF_INET, socket.AF_INET6) and s.type == socket.SOCK_STREAM:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return True
    return False

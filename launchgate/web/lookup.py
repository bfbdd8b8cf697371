"""Host name lookups that end by a deadline.

``getaddrinfo`` has no timeout of its own: with a resolver that does not answer it blocks for as
long as the system resolver retries (glibc: 5 s per try, two tries per nameserver, again for each
search domain), before any connect timeout starts. So the lookup runs in a daemon thread and the
caller waits at most what is left of its deadline. A lookup still running then is abandoned (its
thread ends by itself when the system resolver gives up) and reported as :class:`LookupTimeout`.

The system resolver is kept (not dnspython) on purpose: it is what browsers and the user's own
tools use, with ``/etc/hosts``, search domains and the container's DNS.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# (family, socket type, protocol, address tuple) as getaddrinfo gives them.
Endpoint = tuple[socket.AddressFamily, socket.SocketKind, int, tuple[object, ...]]


class LookupTimeout(TimeoutError):
    """The lookup did not finish before the deadline (or no time was left to start it)."""


def call_within(work: Callable[[], T], wait_s: float, what: str) -> T:
    """``work()`` in a daemon thread; its result (or its exception) if it ends within ``wait_s``
    seconds, else :class:`LookupTimeout` at once, leaving the thread to finish on its own."""
    if wait_s <= 0:
        raise LookupTimeout(f"no time was left to {what}")
    outcome: list[T] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the waiting caller, who re-raises it
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, name=f"launchgate: {what}", daemon=True).start()
    if not done.wait(wait_s):
        raise LookupTimeout(f"could not {what} within {wait_s:.1f} s (no answer in time)")
    if failure:
        raise failure[0]
    return outcome[0]


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def endpoints_within(host: str, port: int, wait_s: float) -> list[Endpoint]:
    """Where ``host:port`` can be reached (TCP), in the system resolver's order, looked up within
    ``wait_s`` seconds. An IP address needs no lookup. Raises :class:`LookupTimeout`, or
    ``socket.gaierror`` when the name does not resolve."""
    if is_ip(host):  # numeric: answered at once, without asking any resolver
        return _endpoints(host.strip("[]"), port, socket.AI_NUMERICHOST)
    return call_within(lambda: _endpoints(host, port, 0), wait_s, f"look up {host}")


def _endpoints(host: str, port: int, flags: int) -> list[Endpoint]:
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=flags)
    return [(family, kind, proto, tuple(addr)) for family, kind, proto, _, addr in found]

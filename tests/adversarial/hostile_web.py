"""Misbehaving web servers on loopback, written for the hostile-HTTP tests, and an RSS meter.

pytest-httpserver (werkzeug) cannot misbehave at the byte level, so this is a plain socket
server: one thread per connection, each request dispatched on its path to a *behaviour* that
writes whatever bytes it likes (endless bodies, one byte a second, 200 KB of headers, a reset in
the middle, compression bombs, TLS garbage). Every behaviour stops when the server stops.
"""

from __future__ import annotations

import contextlib
import gzip
import re
import socket
import ssl
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

Behaviour = Callable[[socket.socket, "Request", threading.Event], None]

OK_PAGE = b"<html><head><title>ok</title></head><body>launch ready</body></html>"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]


def read_request(conn: socket.socket) -> Request | None:
    """The request head (the tests send no bodies to these servers)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > 1 << 20:
            return None
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    first, *lines = head.split("\r\n")
    method, path, _ = first.split(" ", 2)
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Request(method, path, headers)


def head(
    status: int = 200, headers: dict[str, str] | None = None, *, length: int | None = None
) -> bytes:
    """A response head; ``Connection: close`` so each exchange has its own connection."""
    lines = [f"HTTP/1.1 {status} X"]
    all_headers = {"Content-Type": "text/html; charset=utf-8", "Connection": "close"}
    all_headers.update(headers or {})
    if length is not None:
        all_headers["Content-Length"] = str(length)
    lines += [f"{k}: {v}" for k, v in all_headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def answer(
    body: bytes = OK_PAGE, status: int = 200, headers: dict[str, str] | None = None
) -> Behaviour:
    def behave(conn: socket.socket, _req: Request, _stop: threading.Event) -> None:
        conn.sendall(head(status, headers, length=len(body)) + body)

    return behave


def raw(data: bytes) -> Behaviour:
    """Exactly these bytes, then close."""

    def behave(conn: socket.socket, _req: Request, _stop: threading.Event) -> None:
        conn.sendall(data)

    return behave


def endless(chunk: bytes = b"A" * 65536, headers: dict[str, str] | None = None) -> Behaviour:
    """A 200 whose body never ends (no length, no chunking: the body runs until close)."""

    def behave(conn: socket.socket, _req: Request, stop: threading.Event) -> None:
        conn.sendall(head(200, {"Content-Type": "application/octet-stream", **(headers or {})}))
        while not stop.is_set():
            conn.sendall(chunk)

    return behave


def trickle(prefix: bytes = b"", interval_s: float = 1.0) -> Behaviour:
    """Slowloris: ``prefix`` at once, then one byte every ``interval_s``, forever."""

    def behave(conn: socket.socket, _req: Request, stop: threading.Event) -> None:
        conn.sendall(prefix)
        while not stop.wait(interval_s):
            conn.sendall(b"a")

    return behave


def reset_after(data: bytes) -> Behaviour:
    """Send ``data``, then reset the connection (RST, not FIN: SO_LINGER with a zero timeout)."""

    def behave(conn: socket.socket, _req: Request, _stop: threading.Event) -> None:
        conn.sendall(data)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return behave


def redirect(location: str, status: int = 302, extra: dict[str, str] | None = None) -> Behaviour:
    return answer(b"", status, {"Location": location, **(extra or {})})


def numbered_redirects(prefix: str = "/hop/") -> Behaviour:
    """``/hop/N`` redirects to ``/hop/N+1``: thousands of redirects, never a loop."""

    def behave(conn: socket.socket, req: Request, stop: threading.Event) -> None:
        number = int(req.path.rsplit("/", 1)[1] or 0)
        redirect(f"{prefix}{number + 1}")(conn, req, stop)

    return behave


def gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes, gzipped (about 1000:1), built without holding ``size`` bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    parts = [compressor.compress(block) for _ in range(size >> 20)]
    return b"".join(parts) + compressor.flush()


def deflate_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 15)
    block = bytes(1 << 20)
    parts = [compressor.compress(block) for _ in range(size >> 20)]
    return b"".join(parts) + compressor.flush()


def nested_gzip_bomb(size: int) -> bytes:
    """Gzip of a gzip bomb: a few KB that a decoder of ``gzip, gzip`` turns into ``size``."""
    return gzip.compress(gzip_bomb(size), 9)


@dataclass
class HostileServer:
    """A loopback server: ``routes`` maps a path (or a path prefix ending in ``/``) to a
    behaviour; ``tls`` wraps every connection in TLS first; ``before_tls`` handles the raw
    connection instead (TLS handshake garbage)."""

    routes: dict[str, Behaviour]
    tls: ssl.SSLContext | None = None
    before_tls: Callable[[socket.socket], None] | None = None
    port: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    seen: list[Request] = field(default_factory=list)

    def behaviour(self, path: str) -> Behaviour:
        path = path.split("?", 1)[0]
        if path in self.routes:
            return self.routes[path]
        for prefix, behave in self.routes.items():
            if prefix.endswith("/") and path.startswith(prefix):
                return behave
        return answer(b"not here", 404)

    def handle(self, conn: socket.socket) -> None:
        if self.before_tls is not None:
            self.before_tls(conn)
            return
        if self.tls is not None:
            conn = self.tls.wrap_socket(conn, server_side=True)
        request = read_request(conn)
        if request is None:
            return
        self.seen.append(request)
        self.behaviour(request.path)(conn, request, self.stop)


@contextlib.contextmanager
def serve(
    routes: dict[str, Behaviour],
    *,
    tls: ssl.SSLContext | None = None,
    before_tls: Callable[[socket.socket], None] | None = None,
) -> Iterator[HostileServer]:
    server = HostileServer(routes, tls, before_tls)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.settimeout(0.1)
    server.port = sock.getsockname()[1]
    threads: list[threading.Thread] = []

    def one(conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError, ssl.SSLError, ValueError):
            conn.settimeout(30)
            server.handle(conn)
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_WR)

    def accept() -> None:
        while not server.stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=one, args=(conn,), daemon=True)
            thread.start()
            threads.append(thread)

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield server
    finally:
        server.stop.set()
        acceptor.join()
        sock.close()
        for thread in threads:
            thread.join(timeout=5)


class PeakRSS:
    """Peak resident memory growth of this process while the block runs, in MiB.

    Linux resets the high-water mark (``VmHWM``) when ``5`` is written to
    ``/proc/self/clear_refs``; the peak is then read back after the block.
    """

    def __init__(self) -> None:
        self.growth_mib = 0.0

    @staticmethod
    def _status(key: str) -> int:
        with open("/proc/self/status") as status:
            match = re.search(rf"^{key}:\s+(\d+) kB", status.read(), re.MULTILINE)
        assert match is not None
        return int(match.group(1))

    def __enter__(self) -> PeakRSS:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        self._start = self._status("VmRSS")
        return self

    def __exit__(self, *_exc: object) -> None:
        self.growth_mib = (self._status("VmHWM") - self._start) / 1024


def elapsed(fn: Callable[[], object]) -> tuple[object, float]:
    started = time.monotonic()
    result = fn()
    return result, time.monotonic() - started

"""Timed requests against one route: warm-up, then N samples at a fixed concurrency.

Measurement honesty, because a gate is only as good as its clock:

* threads with one synchronous client each (the async client adds milliseconds at p95 under
  concurrency), clients made by the caller's factory (one SSL context per run);
* ``time.perf_counter_ns`` (monotonic, high resolution), read on the wire: httpx's trace events
  hand over each new connection's network stream, whose reads and writes are then timestamped,
  so a sample starts when the connection is opened (or, on a reused connection, when the first
  request byte is written) and ends when the read that brought the last response byte returns.
  Building the request and parsing the response in Python are client work, not latency;
* total time, time to first byte (the first read that returns response data) and connection
  setup (TCP + TLS, zero on a reused connection) are kept separately. **Budgets apply to total
  time.**
* while sampling, the interpreter's thread switch interval drops from 5 ms to 0.5 ms, so a
  worker whose response has arrived does not wait up to 5 ms for the GIL at concurrency > 1;
* little Python per request, because at concurrency > 1 every worker's own work delays the
  others' clocks (they share one GIL): each worker builds its request once and sends that same
  request every time (~25% less CPU per request than ``client.request``), and the cyclic
  garbage collector is paused while sampling (a collection stops every thread for milliseconds);
* every worker warms its own connection first and all wait at a barrier, so no timed request
  pays for another's handshake or cold start; warm-up results are discarded.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import math
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from launchgate.web.body import drain
from launchgate.web.client import WebSettings, request_deadline

ClientFactory = Callable[[], httpx.Client]
# While sampling, a thread whose response arrived waits at most this long for the GIL (not 5 ms).
SWITCH_INTERVAL_S = 0.0005
MAX_BODY = WebSettings.max_body_bytes


@dataclass(frozen=True)
class RouteRequest:
    """What to send, and which statuses count as success (default: below 400)."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    expected_status: tuple[int, ...] = ()

    def ok(self, status: int) -> bool:
        return status in self.expected_status if self.expected_status else status < 400


@dataclass(frozen=True)
class Sample:
    """One timed request. ``error`` is set for a failure (it is then not a latency sample)."""

    total_ms: float
    ttfb_ms: float | None
    connect_ms: float
    status: int | None
    error: str | None = None


@dataclass(frozen=True)
class Plan:
    samples: int = 60
    concurrency: int = 1
    warmup: int = 3
    timeout_s: float = 10.0
    route_time_cap_s: float = 60.0
    max_body_bytes: int = MAX_BODY


class RequestCap:
    """A total request budget shared by every route of a run (warm-ups included)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.used >= self.limit:
                return False
            self.used += 1
            return True


@dataclass(frozen=True)
class Measurement:
    samples: tuple[Sample, ...]
    stopped: str | None = None  # "time cap" or "request cap" when sampling ended early

    @property
    def latencies(self) -> list[float]:
        return [s.total_ms for s in self.samples if s.error is None]

    @property
    def errors(self) -> int:
        return sum(1 for s in self.samples if s.error is not None)

    def failures(self) -> str | None:
        """What went wrong, most frequent first: ``timeout x5, connection reset x1``."""
        counts = collections.Counter(s.error for s in self.samples if s.error is not None)
        return ", ".join(f"{error} x{n}" for error, n in counts.most_common()) or None

    @property
    def ttfbs(self) -> list[float]:
        return [s.ttfb_ms for s in self.samples if s.error is None and s.ttfb_ms is not None]

    @property
    def connects(self) -> list[float]:
        return [s.connect_ms for s in self.samples if s.error is None]


_current = threading.local()


def _on_the_wire(stream: Any) -> None:
    """Timestamp the stream's own writes and reads (the syscalls), for the request in flight."""
    read, write = stream.read, stream.write

    def timed_read(max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = read(max_bytes, timeout)
        clock = getattr(_current, "clock", None)
        if clock is not None and clock.sending is not None and data:
            clock.last_read = time.perf_counter_ns()
            clock.first_read = clock.first_read or clock.last_read
        return data

    def timed_write(buffer: bytes, timeout: float | None = None) -> None:
        clock = getattr(_current, "clock", None)
        if clock is not None and clock.sending is not None and clock.first_write is None and buffer:
            clock.first_write = time.perf_counter_ns()
        write(buffer, timeout)

    stream.read, stream.write = timed_read, timed_write


class _Clock:
    """Collects httpx trace events of one request with a monotonic nanosecond clock."""

    def __init__(self) -> None:
        # Reads and writes count from the request on (not the TLS handshake's).
        self.sending: int | None = None
        self.first_write: int | None = None
        self.first_read: int | None = None
        self.last_read: int | None = None
        self.first: int | None = None
        self.connect_started: int | None = None
        self.connect_done: int | None = None
        self.headers_done: int | None = None
        self.body_done: int | None = None

    def __call__(self, name: str, _info: Mapping[str, Any]) -> None:
        now = time.perf_counter_ns()
        if self.first is None and name.endswith(".started"):
            self.first = now
        if name.endswith("send_request_headers.started"):
            self.sending = now
        if name == "connection.connect_tcp.started":
            self.connect_started = now
        elif name in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self.connect_done = now
            if _info.get("return_value") is not None:
                _on_the_wire(_info["return_value"])
        elif name.endswith("receive_response_headers.complete"):
            self.headers_done = now
        elif name.endswith("receive_response_body.complete"):
            self.body_done = now


def _ms(start: int, end: int) -> float:
    return (end - start) / 1e6


def failure_words(exc: httpx.HTTPError) -> str:
    """A failed request in a few words for the no-samples finding (not an exception's name)."""
    words = {
        httpx.ConnectError: "connection failed",
        httpx.ReadError: "connection reset",
        httpx.WriteError: "connection reset",
        httpx.RemoteProtocolError: "broken HTTP",
        httpx.DecodingError: "broken HTTP",
        httpx.UnsupportedProtocol: "not an http(s) URL",
    }
    text = str(exc).lower()
    if "certificate" in text:
        return "TLS certificate refused"
    if "ssl" in text or "tls" in text:
        return "TLS failed"
    for kind, word in words.items():
        if isinstance(exc, kind):
            return word
    return type(exc).__name__


def build(client: httpx.Client, request: RouteRequest, timeout_s: float) -> httpx.Request:
    """The request a worker sends on every turn (a bytes body can be sent again and again)."""
    return client.build_request(
        request.method,
        request.url,
        headers=dict(request.headers),
        content=request.body,
        timeout=timeout_s,
    )


def timed_request(
    client: httpx.Client,
    request: RouteRequest,
    timeout_s: float,
    built: httpx.Request | None = None,
    max_bytes: int = MAX_BODY,
) -> Sample:
    """Send ``request`` (as ``built`` by :func:`build`, when given) and time it from the trace
    events (fallback: around the call).

    The whole exchange (connect, headers, body) ends within ``timeout_s``; the body is read as
    sent and discarded, and one over ``max_bytes`` is a failed request: an endless or trickling
    body costs neither memory nor more than the timeout."""
    if built is None:
        built = build(client, request, timeout_s)
    clock = _Clock()
    _current.clock = clock
    built.extensions["trace"] = clock
    started = time.perf_counter_ns()
    try:
        with request_deadline(time.monotonic() + timeout_s):
            response = client.send(built, stream=True)
            try:
                size = drain(response, max_bytes)
            finally:
                response.close()
    except httpx.TimeoutException:
        return Sample(_ms(started, time.perf_counter_ns()), None, 0.0, None, "timeout")
    except httpx.HTTPError as exc:
        failure = failure_words(exc)
        return Sample(_ms(started, time.perf_counter_ns()), None, 0.0, None, failure)
    if size < 0:
        failure = f"body over {max_bytes // 1024} KiB"
        return Sample(_ms(started, time.perf_counter_ns()), None, 0.0, None, failure)
    ended = clock.last_read or clock.body_done or time.perf_counter_ns()
    begin = clock.connect_started or clock.first_write or clock.first or started
    connect = (
        _ms(clock.connect_started, clock.connect_done)
        if clock.connect_started is not None and clock.connect_done is not None
        else 0.0
    )
    first_byte = clock.first_read or clock.headers_done
    ttfb = _ms(begin, first_byte) if first_byte is not None else None
    status = response.status_code
    error = None if request.ok(status) else f"status {status}"
    return Sample(_ms(begin, ended), ttfb, connect, status, error)


def measure(
    request: RouteRequest,
    plan: Plan,
    client_factory: ClientFactory,
    cap: RequestCap,
) -> Measurement:
    """Warm up, then take ``plan.samples`` timed requests with ``plan.concurrency`` workers."""
    workers = max(1, min(plan.concurrency, plan.samples))
    warmups = math.ceil(plan.warmup / workers) if plan.warmup > 0 else 0
    barrier = threading.Barrier(workers)
    lock = threading.Lock()
    results: list[Sample] = []
    issued = 0
    stopped: list[str] = []
    deadline = time.monotonic() + plan.route_time_cap_s

    def next_job() -> bool:
        nonlocal issued
        with lock:
            if issued >= plan.samples:
                return False
            if time.monotonic() >= deadline:
                stopped.append("time cap")
                return False
            if not cap.take():
                stopped.append("request cap")
                return False
            issued += 1
            return True

    def work() -> None:
        try:
            with client_factory() as client:
                built = build(client, request, plan.timeout_s)
                for _ in range(warmups):
                    if cap.take():
                        timed_request(client, request, plan.timeout_s, built, plan.max_body_bytes)
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait(timeout=plan.route_time_cap_s + plan.timeout_s * (warmups + 1))
                while next_job():
                    sample = timed_request(
                        client, request, plan.timeout_s, built, plan.max_body_bytes
                    )
                    with lock:
                        results.append(sample)
        except Exception as exc:  # a worker that cannot run must not hang the others
            barrier.abort()
            with lock:
                stopped.append(f"worker failed: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    switch, collecting = sys.getswitchinterval(), gc.isenabled()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.collect()
    gc.disable()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch)
        if collecting:
            gc.enable()
    return Measurement(samples=tuple(results), stopped=stopped[0] if stopped else None)

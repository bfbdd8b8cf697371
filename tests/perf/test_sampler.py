"""The sampler against a real server: counts, concurrency, caps, connection setup, failures."""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from pytest_httpserver import HTTPServer

from launchgate.perf.sampler import Plan, RequestCap, RouteRequest, measure, timed_request
from tests.fixtures.delay_server import configure, serve


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve() as base:
        configure(base, {"/s": {"delay_ms": 20}, "/p": {"status": 201}})
        yield base


def test_samples_are_timed_after_warm_up_with_one_client_per_worker(server: str) -> None:
    made: list[int] = []
    lock = threading.Lock()

    def factory() -> httpx.Client:
        with lock:
            made.append(threading.get_ident())
        return httpx.Client()

    cap = RequestCap(1000)
    m = measure(
        RouteRequest("GET", f"{server}/s"), Plan(samples=30, concurrency=3, warmup=6), factory, cap
    )
    assert len(m.samples) == 30
    assert len(set(made)) == 3  # three workers, each its own client
    assert cap.used == 36  # 6 warm-ups (2 per worker) + 30 samples
    assert m.errors == 0
    assert all(20 <= s.total_ms < 2000 for s in m.samples)
    assert all(s.ttfb_ms is not None and s.ttfb_ms <= s.total_ms for s in m.samples)
    assert all(s.connect_ms == 0 for s in m.samples)  # warm-up opened the connections
    assert m.stopped is None


def test_connection_setup_is_timed_separately_when_there_is_no_warm_up(server: str) -> None:
    with httpx.Client() as client:
        first = timed_request(client, RouteRequest("GET", f"{server}/s"), 5)
        second = timed_request(client, RouteRequest("GET", f"{server}/s"), 5)
    assert first.connect_ms > 0
    assert first.connect_ms < first.total_ms
    assert second.connect_ms == 0


def test_expected_status_and_transport_errors(server: str) -> None:
    with httpx.Client() as client:
        ok = timed_request(
            client, RouteRequest("POST", f"{server}/p", body=b"x", expected_status=(201,)), 5
        )
        wrong = timed_request(client, RouteRequest("GET", f"{server}/p", expected_status=(200,)), 5)
        default = timed_request(client, RouteRequest("GET", f"{server}/missing"), 5)
        refused = timed_request(client, RouteRequest("GET", "http://127.0.0.1:9/"), 5)
    assert (ok.status, ok.error) == (201, None)
    assert wrong.error == "status 201"
    assert default.error is None  # below 400 without an explicit expectation
    assert refused.error == "connection failed"
    assert refused.status is None


def test_caps_stop_sampling(server: str) -> None:
    capped = measure(
        RouteRequest("GET", f"{server}/s"),
        Plan(samples=50, concurrency=2, warmup=0),
        httpx.Client,
        RequestCap(7),
    )
    assert len(capped.samples) == 7
    assert capped.stopped == "request cap"
    started = time.monotonic()
    timed = measure(
        RouteRequest("GET", f"{server}/s"),
        Plan(samples=10_000, concurrency=2, warmup=0, timeout_s=5, route_time_cap_s=0.5),
        httpx.Client,
        RequestCap(100_000),
    )
    assert timed.stopped == "time cap"
    assert len(timed.samples) < 10_000
    # a request already sent when the cap passes may finish (at most its timeout), no new one
    assert time.monotonic() - started < 0.5 + 5 + 5


def test_a_worker_that_cannot_start_stops_cleanly(server: str) -> None:
    def broken() -> httpx.Client:
        raise OSError("no sockets left")

    m = measure(
        RouteRequest("GET", f"{server}/s"), Plan(samples=5, concurrency=2), broken, RequestCap(10)
    )
    assert m.samples == ()
    assert m.stopped == "worker failed: OSError: no sockets left"


def test_one_built_request_is_sent_again_with_its_body(httpserver: HTTPServer) -> None:
    # Each worker builds its request once and sends it every turn: the body must go every time.
    httpserver.expect_request("/w", method="POST", data=b"payload").respond_with_data(status=201)
    m = measure(
        RouteRequest("POST", httpserver.url_for("/w"), body=b"payload", expected_status=(201,)),
        Plan(samples=6, concurrency=2, warmup=2),
        httpx.Client,
        RequestCap(100),
    )
    assert [s.status for s in m.samples] == [201] * 6
    assert m.errors == 0
    assert len(httpserver.log) == 8


def test_sampling_restores_the_collector_and_the_switch_interval(server: str) -> None:
    before = sys.getswitchinterval()
    request, plan = RouteRequest("GET", f"{server}/s"), Plan(samples=2, concurrency=2, warmup=0)
    measure(request, plan, httpx.Client, RequestCap(10))
    assert gc.isenabled()
    assert sys.getswitchinterval() == before
    gc.disable()
    try:
        measure(request, plan, httpx.Client, RequestCap(10))
        assert not gc.isenabled()  # a caller that paused the collector keeps it paused
    finally:
        gc.enable()

"""Certificate inspection against real TLS servers with test-CA certificates."""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from launchgate.web.client import WebSettings, request_deadline
from launchgate.web.tls import TLSProbeError, hostname_matches, inspect_certificate
from tests.fixtures.https import HOST, PKI, HttpsServerFactory, free_port, tcp_server


def _settings(pki: PKI, port: int, **kw: float) -> WebSettings:
    return WebSettings(resolve={(HOST, port): "127.0.0.1"}, ca_bundle=str(pki.ca_file), **kw)


def test_good_certificate(https_server: HttpsServerFactory, pki: PKI) -> None:
    server = https_server("good")
    info = inspect_certificate(HOST, server.port, _settings(pki, server.port))
    assert info.chain_verified is True
    assert info.verify_error is None
    assert info.hostname_match is True
    assert HOST in info.sans and "127.0.0.1" in info.sans
    assert info.tls_version in ("TLSv1.2", "TLSv1.3")
    assert info.not_after.tzinfo is not None
    assert 363 < info.days_left() < 366
    assert "O=trustme" in info.issuer
    assert len(info.sha256) == 64


def test_expired_certificate_dates_are_read_and_chain_still_judged(
    https_server: HttpsServerFactory, pki: PKI
) -> None:
    server = https_server("expired")
    info = inspect_certificate(HOST, server.port, _settings(pki, server.port))
    assert info.days_left() < -1
    assert abs(info.not_after - pki.leaf("expired").not_after) < dt.timedelta(seconds=1)
    # Dates are judged by the caller: the chain itself is fine.
    assert info.chain_verified is True
    assert info.hostname_match is True


def test_nearly_expired_certificate(https_server: HttpsServerFactory, pki: PKI) -> None:
    server = https_server("nearly-expired")
    info = inspect_certificate(HOST, server.port, _settings(pki, server.port))
    assert 4 < info.days_left() < 6
    assert info.chain_verified is True


def test_wrong_host_certificate(https_server: HttpsServerFactory, pki: PKI) -> None:
    server = https_server("wrong-host")
    info = inspect_certificate(HOST, server.port, _settings(pki, server.port))
    assert info.hostname_match is False
    assert info.sans == ("other.test",)
    assert info.chain_verified is True


def test_missing_intermediate_is_a_chain_error_with_dates(
    https_server: HttpsServerFactory, pki: PKI
) -> None:
    server = https_server("missing-intermediate")
    info = inspect_certificate(HOST, server.port, _settings(pki, server.port))
    assert info.chain_verified is False
    assert info.verify_error is not None and "issuer" in info.verify_error
    assert info.hostname_match is True
    assert info.days_left() > 300


def test_served_intermediate_verifies(https_server: HttpsServerFactory, pki: PKI) -> None:
    server = https_server("chained")
    info = inspect_certificate(HOST, server.port, _settings(pki, server.port))
    assert info.chain_verified is True


def test_untrusted_root_is_reported_not_raised(https_server: HttpsServerFactory) -> None:
    server = https_server("good")
    settings = WebSettings(resolve={(HOST, server.port): "127.0.0.1"})  # certifi only
    info = inspect_certificate(HOST, server.port, settings)
    assert info.chain_verified is False
    assert info.verify_error


def test_refused(pki: PKI) -> None:
    port = free_port()
    with pytest.raises(TLSProbeError) as info:
        inspect_certificate(HOST, port, _settings(pki, port))
    assert info.value.kind == "refused"
    assert f"{HOST}:{port}" in info.value.reason


def test_silent_server_times_out_in_bounded_time(pki: PKI, silent_port: int) -> None:
    started = time.monotonic()
    with pytest.raises(TLSProbeError) as info:
        inspect_certificate(HOST, silent_port, _settings(pki, silent_port, read_timeout_s=0.3))
    assert info.value.kind == "timeout"
    assert time.monotonic() - started < 5


def _trickled_handshake(conn: socket.socket) -> None:
    """Read the ClientHello, promise a 16 KB handshake record, then send it one byte every 0.1 s:
    every read ends well within any read timeout, the handshake would take half an hour."""
    conn.settimeout(60)
    conn.recv(65536)
    conn.sendall(b"\x16\x03\x03\x40\x00")
    for _ in range(600):
        conn.sendall(b"\x00")
        time.sleep(0.1)


def _inspect_by(via: str, port: int, settings: WebSettings, deadline: float) -> None:
    if via == "argument":
        inspect_certificate(HOST, port, settings, deadline=deadline)
        return
    with request_deadline(deadline):
        inspect_certificate(HOST, port, settings)


@pytest.mark.parametrize("via", ["argument", "request_deadline"])
def test_a_trickled_handshake_ends_by_the_deadline_not_by_the_read_timeout(
    pki: PKI, via: str
) -> None:
    """A handshake is bounded as a whole: by the caller's deadline (or the thread's request
    deadline), not only per read, so one byte at a time cannot hold a check past its time."""
    with tcp_server(_trickled_handshake) as port:
        settings = _settings(pki, port, read_timeout_s=30)
        started = time.monotonic()
        with pytest.raises(TLSProbeError) as info:
            _inspect_by(via, port, settings, started + 1)
        elapsed = time.monotonic() - started
    assert info.value.kind == "timeout"
    assert 0.9 < elapsed < 15  # the 1 s deadline with room for a loaded machine; not the 30 s


def test_plain_http_port_is_not_tls(httpserver: HTTPServer, pki: PKI) -> None:
    httpserver.expect_request("/").respond_with_data("plain")
    with pytest.raises(TLSProbeError) as info:
        inspect_certificate(HOST, httpserver.port, _settings(pki, httpserver.port))
    assert info.value.kind == "not-tls"
    assert "does not speak TLS" in info.value.reason


@pytest.fixture
def closing_port() -> Iterator[int]:
    """Accepts a connection and closes it at once."""
    with tcp_server(lambda _conn: None) as port:
        yield port


def test_closed_connection_is_a_reset(pki: PKI, closing_port: int) -> None:
    with pytest.raises(TLSProbeError) as info:
        inspect_certificate(HOST, closing_port, _settings(pki, closing_port))
    assert info.value.kind == "reset"


def test_unresolvable_host_is_a_dns_error(pki: PKI) -> None:
    with pytest.raises(TLSProbeError) as info:
        inspect_certificate("nowhere.invalid", 443, WebSettings(ca_bundle=str(pki.ca_file)))
    assert info.value.kind == "dns"
    assert "nowhere.invalid" in info.value.reason


@pytest.mark.parametrize(
    ("host", "sans", "expected"),
    [
        ("www.example.com", ("www.example.com",), True),
        ("WWW.Example.com.", ("www.example.com",), True),
        ("www.example.com", ("*.example.com",), True),
        ("example.com", ("*.example.com",), False),
        ("a.b.example.com", ("*.example.com",), False),
        ("www.example.com", ("*.com",), False),
        ("www.example.com", ("example.com",), False),
        ("www.example.com", ("w*.example.com",), False),
        ("127.0.0.1", ("127.0.0.1",), True),
        ("127.0.0.1", ("*.0.0.1",), False),
        ("::1", ("0:0:0:0:0:0:0:1",), True),
        ("[::1]", ("::1",), True),
        ("10.0.0.1", ("127.0.0.1", "10.0.0.1.example.com"), False),
        ("www.example.com", (), False),
        ("bücher.example", ("xn--bcher-kva.example",), True),
    ],
)
def test_hostname_matching(host: str, sans: tuple[str, ...], expected: bool) -> None:
    assert hostname_matches(host, sans) is expected

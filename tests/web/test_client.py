"""The client factory against real HTTP and HTTPS servers on loopback."""

from __future__ import annotations

import time

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from launchgate.web.body import read_body
from launchgate.web.client import (
    RAW_LOCATION,
    ResolveError,
    WebSettings,
    default_ca_bundle,
    make_client,
    parse_resolve,
    parse_resolve_all,
    request_deadline,
    ssl_context,
)
from tests.fixtures import hostile_web as hw
from tests.fixtures.https import HOST, PKI, HttpsServerFactory


def test_parse_resolve_reads_curl_entries() -> None:
    assert parse_resolve("App.Test:443:127.0.0.1") == (("app.test", 443), "127.0.0.1")
    assert parse_resolve("app.test.:8443:[::1]") == (("app.test", 8443), "::1")
    assert parse_resolve("app.test:80:::1") == (("app.test", 80), "::1")
    assert parse_resolve_all(["a.test:1:127.0.0.1", "a.test:1:127.0.0.2"]) == {
        ("a.test", 1): "127.0.0.2"
    }


@pytest.mark.parametrize(
    ("entry", "hint"),
    [
        ("app.test:443", "HOST:PORT:ADDRESS"),
        ("app.test", "HOST:PORT:ADDRESS"),
        (":443:127.0.0.1", "HOST:PORT:ADDRESS"),
        ("app.test:https:127.0.0.1", "is not a number"),
        ("app.test:0:127.0.0.1", "is not a number"),
        ("app.test:70000:127.0.0.1", "is not a number"),
        ("app.test:443:", "HOST:PORT:ADDRESS"),
        ("app.test:443:fe80::zz", "is not an IP address"),
        ("app test:443:127.0.0.1", "HOST:PORT:ADDRESS"),
    ],
)
def test_parse_resolve_refuses_bad_entries_clearly(entry: str, hint: str) -> None:
    with pytest.raises(ResolveError, match=hint) as info:
        parse_resolve(entry)
    assert repr(entry) in str(info.value)


def test_settings_are_frozen_and_resolve_is_read_only() -> None:
    source = {("a.test", 443): "127.0.0.1"}
    settings = WebSettings(resolve=source)
    source[("b.test", 443)] = "127.0.0.2"
    assert settings.address_for("b.test", 443) == "b.test"
    assert settings.address_for("A.test.", 443) == "127.0.0.1"
    assert settings.address_for("a.test", 80) == "a.test"
    with pytest.raises(TypeError):
        settings.resolve[("c.test", 1)] = "x"  # type: ignore[index]


def test_ca_bundle_comes_from_option_then_ssl_cert_file_then_certifi(
    monkeypatch: pytest.MonkeyPatch, pki: PKI
) -> None:
    import certifi

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    assert default_ca_bundle() == certifi.where()
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.ca_file))
    assert WebSettings().ca_file == str(pki.ca_file)
    assert WebSettings(ca_bundle="/x.pem").ca_file == "/x.pem"


def test_from_params_parses_resolve_and_refuses_a_missing_bundle(pki: PKI) -> None:
    settings = WebSettings.from_params(
        {"resolve": ["app.test:443:127.0.0.1"], "ca_bundle": str(pki.ca_file)}
    )
    assert settings.address_for("app.test", 443) == "127.0.0.1"
    assert settings.ca_bundle == str(pki.ca_file)
    with pytest.raises(ValueError, match="no such file"):
        WebSettings.from_params({"ca_bundle": "/nonexistent/ca.pem"})
    with pytest.raises(ResolveError):
        WebSettings.from_params({"resolve": ["nonsense"]})


def test_one_ssl_context_per_bundle(pki: PKI) -> None:
    first = ssl_context(WebSettings(ca_bundle=str(pki.ca_file)))
    assert ssl_context(WebSettings(ca_bundle=str(pki.ca_file), read_timeout_s=1)) is first
    assert ssl_context(WebSettings()) is not first


def test_resolve_reaches_an_https_host_that_only_resolve_knows(
    https_server: HttpsServerFactory, pki: PKI
) -> None:
    sni: list[str | None] = []
    server = https_server("good", sni_log=sni)
    seen: dict[str, str] = {}

    def handler(request: Request) -> Response:
        seen["host"] = request.host
        seen["agent"] = request.headers.get("User-Agent", "")
        return Response("hello")

    server.expect_request("/").respond_with_handler(handler)
    settings = WebSettings(resolve={(HOST, server.port): "127.0.0.1"}, ca_bundle=str(pki.ca_file))
    with make_client(settings) as client:
        response = client.get(f"https://{HOST}:{server.port}/")
    assert response.status_code == 200
    assert response.text == "hello"
    assert seen["host"] == f"{HOST}:{server.port}"
    assert seen["agent"].startswith("launchgate/")
    assert sni == [HOST]


def test_without_resolve_the_host_is_not_reached(
    pki: PKI, https_server: HttpsServerFactory
) -> None:
    server = https_server("good")
    with (
        make_client(WebSettings(ca_bundle=str(pki.ca_file))) as client,
        pytest.raises(httpx.ConnectError),
    ):
        client.get(f"https://{HOST}:{server.port}/")


def test_sni_and_certificate_name_are_the_host_not_the_address(
    https_server: HttpsServerFactory, pki: PKI
) -> None:
    # The wrong-host certificate names other.test only: reaching it through resolve must fail
    # the name check, which proves the client checks HOST, not the address it connected to.
    server = https_server("wrong-host")
    settings = WebSettings(resolve={(HOST, server.port): "127.0.0.1"}, ca_bundle=str(pki.ca_file))
    with make_client(settings) as client, pytest.raises(httpx.ConnectError, match="match"):
        client.get(f"https://{HOST}:{server.port}/")


def test_resolve_applies_to_plain_http_too(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ping").respond_with_data("pong")
    settings = WebSettings(resolve={(HOST, httpserver.port): "127.0.0.1"})
    with make_client(settings) as client:
        response = client.get(f"http://{HOST}:{httpserver.port}/ping")
    assert response.text == "pong"
    request, _ = httpserver.log[-1]
    assert request.host == f"{HOST}:{httpserver.port}"


def test_untrusted_ca_is_refused(https_server: HttpsServerFactory) -> None:
    server = https_server("good")
    settings = WebSettings(resolve={(HOST, server.port): "127.0.0.1"})  # certifi, not the test CA
    with make_client(settings) as client, pytest.raises(httpx.ConnectError, match="verify"):
        client.get(f"https://{HOST}:{server.port}/")


def test_redirects_are_not_followed_unless_asked(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data("new")
    with make_client(WebSettings()) as client:
        assert client.get(httpserver.url_for("/old")).status_code == 301
    with make_client(WebSettings(), follow_redirects=True) as client:
        assert client.get(httpserver.url_for("/old")).text == "new"


def test_read_body_caps_the_bytes_read(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 100_000)
    httpserver.expect_request("/exact").respond_with_data(b"y" * 1000)
    with make_client(WebSettings()) as client:
        with client.stream("GET", httpserver.url_for("/big")) as response:
            body = read_body(response, 1000)
        assert (len(body.content), body.truncated) == (1000, True)
        with client.stream("GET", httpserver.url_for("/exact")) as response:
            body = read_body(response, 1000)
        assert (body.content, body.truncated) == (b"y" * 1000, False)


def test_read_body_stops_at_the_deadline(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/slow").respond_with_data(b"z" * 10)
    with (
        make_client(WebSettings()) as client,
        client.stream("GET", httpserver.url_for("/slow")) as response,
        pytest.raises(httpx.ReadTimeout),
    ):
        read_body(response, 1000, deadline=time.monotonic() - 1)


def test_a_silent_server_times_out_within_the_read_timeout(silent_port: int) -> None:
    settings = WebSettings(connect_timeout_s=0.5, read_timeout_s=0.3)
    started = time.monotonic()
    with make_client(settings) as client, pytest.raises(httpx.TimeoutException):
        client.get(f"http://127.0.0.1:{silent_port}/")
    assert time.monotonic() - started < 5


def test_request_deadline_ends_headers_that_trickle_within_the_read_timeout() -> None:
    # A byte every 0.1 s never trips a 2 s read timeout; the deadline ends it all the same.
    with hw.serve({"/": hw.trickle(b"HTTP/1.1 200 OK\r\n", 0.1)}) as server:
        started = time.monotonic()
        with (
            make_client(WebSettings(read_timeout_s=2)) as client,
            request_deadline(time.monotonic() + 0.5),
            pytest.raises(httpx.ReadTimeout),
        ):
            client.get(f"http://127.0.0.1:{server.port}/")
        assert time.monotonic() - started < 1.5


def test_request_deadline_nests_to_the_earlier_and_is_gone_afterwards() -> None:
    with hw.serve({"/": hw.answer(b"ok")}) as server, make_client(WebSettings()) as client:
        url = f"http://127.0.0.1:{server.port}/"
        with (
            request_deadline(time.monotonic() - 1),
            request_deadline(time.monotonic() + 60),
            pytest.raises(httpx.ConnectTimeout),
        ):
            client.get(url)
        assert client.get(url).text == "ok"


def test_the_client_keeps_no_cookie_from_one_request_for_the_next() -> None:
    routes = {
        "/set": hw.answer(b"set", headers={"Set-Cookie": "session=abc123; Path=/"}),
        "/set-bad": hw.raw(
            b"HTTP/1.1 200 OK\r\nSet-Cookie: sid=\xff\xfe; Path=/\r\nContent-Length: 0\r\n"
            b"Connection: close\r\n\r\n"
        ),
        "/next": hw.answer(b"next"),
    }
    with hw.serve(routes) as server, make_client(WebSettings()) as client:
        for path in ("/set", "/set-bad", "/next"):
            assert client.get(f"http://127.0.0.1:{server.port}{path}").status_code == 200
    assert [r.headers.get("cookie") for r in server.seen] == [None, None, None]


@pytest.mark.parametrize(
    "location", ["javascript:alert(1)", "file:///etc/passwd", "ftp://h/x", "gopher://h/"]
)
def test_a_location_that_is_not_a_web_address_is_kept_aside_not_raised(location: str) -> None:
    with hw.serve({"/": hw.redirect(location)}) as server, make_client(WebSettings()) as client:
        response = client.get(f"http://127.0.0.1:{server.port}/")
    assert response.status_code == 302
    assert "location" not in response.headers
    assert response.headers[RAW_LOCATION] == location


def test_a_host_name_is_looked_up_then_reached(httpserver: HTTPServer) -> None:
    """Without --resolve the client looks the name up itself (bounded), then connects."""
    httpserver.expect_request("/").respond_with_data("by name")
    with make_client(WebSettings()) as client:
        assert client.get(f"http://localhost:{httpserver.port}/").text == "by name"


def test_a_name_that_does_not_resolve_is_a_connect_error_naming_it() -> None:
    with make_client(WebSettings()) as client, pytest.raises(httpx.ConnectError) as info:
        client.get("http://nowhere.invalid/")
    assert "nowhere.invalid" in str(info.value)

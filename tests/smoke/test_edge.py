"""Edge posture against real HTTPS and HTTP servers: certificates, TLS version, HTTP to HTTPS,
redirects, canonical host, HSTS and security headers, cookies and CORS. Each rule fires on a
misconfigured server; the correctly configured one passes with no finding."""

from __future__ import annotations

import socket
import ssl
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from launchgate.checkapi import Masker
from launchgate.findings import Location, Severity
from launchgate.smoke.config import SmokeConfig
from launchgate.smoke.edge import tls_error_findings
from launchgate.smoke.engine import Smoke
from launchgate.smoke.plan import EdgeTarget
from launchgate.smoke.policy import load_policy
from launchgate.web.client import WebSettings, make_client
from launchgate.web.tls import TLSProbeError
from tests.fixtures.https import HOST, NAMES, PKI, WWW_HOST, HttpsServerFactory, tcp_server
from tests.fixtures.sites import SECURITY_HEADERS
from tests.smoke.conftest import RunSmoke, rules


class Site:
    """A started HTTPS server for app.test; ``url(path)`` and ``resolve`` reach it."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.resolve = [f"{HOST}:{server.port}:127.0.0.1"]

    def url(self, path: str = "/") -> str:
        return f"https://{HOST}:{self.server.port}{path}"


def https_site(
    https_server: HttpsServerFactory,
    kind: str = "good",
    headers: dict[str, str] | None = None,
    path: str = "/",
    body: str = "<!doctype html><p>hi</p>",
) -> Site:
    """An HTTPS server answering ``path`` (a page with good security headers by default)."""
    site = Site(https_server(kind))
    hdrs = SECURITY_HEADERS if headers is None else headers
    site.server.expect_request(path).respond_with_data(body, headers=hdrs, content_type="text/html")
    return site


def test_a_correct_https_site_passes_clean(
    https_server: HttpsServerFactory, run_smoke: RunSmoke
) -> None:
    site = https_site(https_server)
    result = run_smoke(urls=[site.url()], resolve=site.resolve)
    assert result.findings == ()
    assert "1 route(s), 1 host(s)" in result.summary


def test_a_healthy_certificate_is_recorded_as_facts(
    https_server: HttpsServerFactory, run_smoke: RunSmoke, pki: PKI
) -> None:
    """No finding, yet the handover must be able to say who issued it and until when."""
    site = https_site(https_server)
    result = run_smoke(urls=[site.url()], resolve=site.resolve)
    (fact,) = result.certificates
    assert (fact.check, fact.host, fact.port) == ("smoke", HOST, site.server.port)
    assert sorted(fact.names) == sorted(NAMES)
    assert "O=trustme" in fact.issuer
    assert fact.not_after == pki.leaf("good").not_after.isoformat(timespec="seconds")
    assert 363 < fact.days_left < 366
    assert fact.chain_verified is True and fact.hostname_match is True


@pytest.mark.parametrize(
    ("kind", "rule", "severity"),
    [
        ("expired", "smoke.tls-expired", Severity.BLOCKER),
        ("nearly-expired", "smoke.tls-expiring", Severity.HIGH),
        ("not-yet-valid", "smoke.tls-not-yet-valid", Severity.BLOCKER),
        ("wrong-host", "smoke.tls-hostname-mismatch", Severity.BLOCKER),
        ("missing-intermediate", "smoke.tls-chain", Severity.HIGH),
    ],
)
def test_certificate_rules(
    https_server: HttpsServerFactory, run_smoke: RunSmoke, kind: str, rule: str, severity: Severity
) -> None:
    site = https_site(https_server, kind)
    found = rules(run_smoke(urls=[site.url()], resolve=site.resolve))
    assert [f.severity for f in found[rule]] == [severity]
    tls_rules = {r for r in found if r.startswith("smoke.tls-")}
    assert tls_rules == {rule}


def test_chained_certificate_passes(https_server: HttpsServerFactory, run_smoke: RunSmoke) -> None:
    site = https_site(https_server, "chained")
    assert run_smoke(urls=[site.url()], resolve=site.resolve).findings == ()


@pytest.fixture
def tls11_port() -> Iterator[int]:
    """A TLS server that speaks only TLS 1.1 (OpenSSL security level 0 to allow it at all)."""
    import trustme

    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert(HOST).configure_cert(context)
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1_1
        context.maximum_version = ssl.TLSVersion.TLSv1_1

    def handshake(conn: socket.socket) -> None:
        context.wrap_socket(conn, server_side=True).close()  # fails: the client wants 1.2+

    with tcp_server(handshake) as port:
        yield port


def test_tls_older_than_1_2_is_a_finding(run_smoke: RunSmoke, tls11_port: int) -> None:
    url = f"https://{HOST}:{tls11_port}/"
    found = rules(run_smoke(urls=[url], resolve=[f"{HOST}:{tls11_port}:127.0.0.1"], wait_s=0))
    assert "smoke.tls-old-version" in found
    assert "smoke.https-unavailable" not in found


def test_plain_http_port_is_https_unavailable(httpserver: HTTPServer, run_smoke: RunSmoke) -> None:
    httpserver.expect_request("/").respond_with_data("plain")
    url = f"https://{HOST}:{httpserver.port}/"
    found = rules(run_smoke(urls=[url], resolve=[f"{HOST}:{httpserver.port}:127.0.0.1"]))
    assert found["smoke.https-unavailable"][0].severity is Severity.BLOCKER
    assert "does not speak TLS" in found["smoke.https-unavailable"][0].message


@pytest.mark.parametrize(
    ("status", "target", "expected"),
    [
        (301, "https", set()),
        (308, "https", set()),
        (302, "https", {"smoke.http-redirect-temporary"}),
        (301, "http", {"smoke.http-redirect-insecure"}),
        (200, None, {"smoke.http-not-redirected"}),
    ],
)
def test_http_entry_point(
    https_server: HttpsServerFactory,
    httpserver: HTTPServer,
    run_smoke: RunSmoke,
    status: int,
    target: str | None,
    expected: set[str],
) -> None:
    site = https_site(https_server)
    url = site.url()
    http_url = f"http://{HOST}:{httpserver.port}/"
    location = {"https": url, "http": f"http://{HOST}:{httpserver.port}/elsewhere"}.get(
        target or ""
    )
    httpserver.expect_request("/").respond_with_data(
        "plain", status, headers={"Location": location} if location else {}
    )
    httpserver.expect_request("/elsewhere").respond_with_data("", 301, headers={"Location": url})
    resolve = [*site.resolve, f"{HOST}:{httpserver.port}:127.0.0.1"]
    result = run_smoke(urls=[http_url, url], resolve=resolve)
    http_rules = {f.rule for f in result.findings if f.rule.startswith("smoke.http-")}
    assert http_rules == expected


def _redirects(server: HTTPServer, chain: dict[str, str]) -> None:
    for source, target in chain.items():
        server.expect_request(source).respond_with_data(
            "", 302, headers={"Location": target, **SECURITY_HEADERS}
        )


@pytest.mark.parametrize(
    ("chain", "start", "rule"),
    [
        ({"/a": "/b", "/b": "/c", "/c": "/a"}, "/a", "smoke.redirect-loop"),
        ({"/a": "/b", "/b": "/c", "/c": "/d"}, "/a", "smoke.redirect-chain-long"),
        ({f"/r{i}": f"/r{i + 1}" for i in range(15)}, "/r0", "smoke.too-many-redirects"),
    ],
)
def test_redirect_chains(
    https_server: HttpsServerFactory,
    run_smoke: RunSmoke,
    chain: dict[str, str],
    start: str,
    rule: str,
) -> None:
    site = https_site(https_server)
    _redirects(site.server, chain)
    for path in ("/d", "/r15"):
        site.server.expect_request(path).respond_with_data("end", headers=SECURITY_HEADERS)
    found = rules(run_smoke(urls=[site.url(start)], resolve=site.resolve))
    assert set(found) & {
        "smoke.redirect-loop",
        "smoke.redirect-chain-long",
        "smoke.too-many-redirects",
    } == {rule}
    if rule == "smoke.redirect-loop":
        message = found[rule][0].message
        assert "hop 1:" in message and "hop 3:" in message and message.count("-302->") == 3


def _host_router(site: Site, entry_redirects: bool) -> None:
    canonical = f"https://{WWW_HOST}:{site.server.port}/"

    def handler(request: Request) -> Response:
        if request.host.startswith(WWW_HOST):
            return Response("home", headers=SECURITY_HEADERS, content_type="text/html")
        if entry_redirects:
            return Response("", 301, headers={"Location": canonical, **SECURITY_HEADERS})
        return Response("also home", headers=SECURITY_HEADERS, content_type="text/html")

    site.server.expect_request("/").respond_with_handler(handler)


@pytest.mark.parametrize(
    ("redirects", "expected"), [(True, set()), (False, {"smoke.canonical-host"})]
)
def test_canonical_host(
    https_server: HttpsServerFactory, pki: PKI, redirects: bool, expected: set[str]
) -> None:
    site = Site(https_server("good"))
    _host_router(site, redirects)
    port = site.server.port
    settings = WebSettings(
        resolve={(HOST, port): "127.0.0.1", (WWW_HOST, port): "127.0.0.1"},
        ca_bundle=str(pki.ca_file),
    )
    smoke = Smoke(
        SmokeConfig(base_url=None), settings, load_policy(), environ={}, mask=Masker().add
    )
    target = EdgeTarget(
        HOST, True, port, f"https://{WWW_HOST}:{port}", 14, (f"https://{HOST}:{port}/",)
    )
    with make_client(settings) as client, make_client(settings, verify=False) as insecure:
        smoke.client, smoke.insecure, smoke.deadline = client, insecure, float("inf")
        found = {f.rule for f in smoke.edge_findings(target)}
    assert found == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, {"smoke.hsts-missing", "smoke.security-header"}),
        ({**SECURITY_HEADERS, "Strict-Transport-Security": "max-age=600"}, {"smoke.hsts-short"}),
        (
            {k: v for k, v in SECURITY_HEADERS.items() if k != "X-Content-Type-Options"},
            {"smoke.security-header"},
        ),
        (
            {**SECURITY_HEADERS, "Content-Security-Policy": "default-src 'self'"},
            {"smoke.security-header"},  # CSP without frame-ancestors and no X-Frame-Options
        ),
        ({**SECURITY_HEADERS, "X-Frame-Options": "SAMEORIGIN"}, set()),
    ],
)
def test_security_headers(
    https_server: HttpsServerFactory,
    run_smoke: RunSmoke,
    headers: dict[str, str],
    expected: set[str],
) -> None:
    if (
        "Content-Security-Policy" in headers
        and "frame-ancestors" not in headers["Content-Security-Policy"]
    ):
        headers = {k: v for k, v in headers.items() if k != "X-Frame-Options"}
    site = https_site(https_server, headers=headers)
    found = rules(run_smoke(urls=[site.url()], resolve=site.resolve))
    assert set(found) == expected
    if "smoke.hsts-missing" in found:
        assert found["smoke.hsts-missing"][0].severity is Severity.MEDIUM
        assert len(found["smoke.security-header"]) == 4  # nosniff, frames, referrer, CSP
    fixes = {r.id: r.fix for r in load_policy().headers}
    for f in found.get("smoke.security-header", []):  # each says what to send, not a file name
        assert f.remediation == fixes[f.details["header_rule"]]


def test_security_headers_can_be_turned_off(
    https_server: HttpsServerFactory, run_smoke: RunSmoke
) -> None:
    site = https_site(https_server, headers={})
    result = run_smoke(
        {"smoke": {"security_headers": False}}, urls=[site.url()], resolve=site.resolve
    )
    assert result.findings == ()


@pytest.mark.parametrize(
    ("cookie", "cache", "expected"),
    [
        ("session=1; Secure; HttpOnly; SameSite=Lax", "no-store", set()),
        ("theme=dark", "public, max-age=60", set()),
        ("session=1; HttpOnly; SameSite=Lax", "no-store", {"smoke.cookie-not-secure"}),
        ("session=1; Secure; SameSite=Lax", "no-store", {"smoke.cookie-not-httponly"}),
        ("session=1; Secure; HttpOnly", "no-store", {"smoke.cookie-no-samesite"}),
        (
            "session=1; Secure; HttpOnly; SameSite=Lax",
            "public, max-age=300",
            {"smoke.private-cacheable"},
        ),
    ],
)
def test_cookies(
    https_server: HttpsServerFactory,
    run_smoke: RunSmoke,
    cookie: str,
    cache: str,
    expected: set[str],
) -> None:
    headers = {**SECURITY_HEADERS, "Set-Cookie": cookie, "Cache-Control": cache}
    site = https_site(https_server, headers=headers)
    assert set(rules(run_smoke(urls=[site.url()], resolve=site.resolve))) == expected


def _cors(site: Site, reply: dict[str, str] | None) -> None:
    def handler(request: Request) -> Response:
        headers = dict(SECURITY_HEADERS)
        origin = request.headers.get("Origin")
        if origin and reply is not None:
            headers.update({k: v.replace("{origin}", origin) for k, v in reply.items()})
        return Response('{"ok": true}', headers=headers, content_type="application/json")

    site.server.expect_request("/api").respond_with_handler(handler)


CREDENTIALS = {"Access-Control-Allow-Credentials": "true"}


@pytest.mark.parametrize(
    ("reply", "allowed", "expected"),
    [
        (None, [], set()),
        ({"Access-Control-Allow-Origin": "*"}, [], set()),
        ({"Access-Control-Allow-Origin": "https://app.example"}, ["https://app.example"], set()),
        (
            {"Access-Control-Allow-Origin": "{origin}", **CREDENTIALS},
            [],
            {"smoke.cors-reflected-credentials"},
        ),
        (
            {"Access-Control-Allow-Origin": "*", **CREDENTIALS},
            [],
            {"smoke.cors-wildcard-credentials"},
        ),
        ({"Access-Control-Allow-Origin": "{origin}"}, [], {"smoke.cors-origin-not-allowed"}),
        (
            {"Access-Control-Allow-Origin": "https://partner.example"},
            ["https://app.example"],
            {"smoke.cors-origin-not-allowed"},
        ),
    ],
)
def test_cors(
    https_server: HttpsServerFactory,
    run_smoke: RunSmoke,
    reply: dict[str, str] | None,
    allowed: list[str],
    expected: set[str],
) -> None:
    site = https_site(https_server)
    _cors(site, reply)
    manifest: dict[str, Any] = {"smoke": {"cors": {"allowed_origins": allowed}}} if allowed else {}
    found = rules(run_smoke(manifest, urls=[site.url("/api")], resolve=site.resolve))
    assert set(found) == expected
    if "smoke.cors-reflected-credentials" in found:
        assert found["smoke.cors-reflected-credentials"][0].severity is Severity.BLOCKER


@pytest.mark.parametrize(
    ("path", "cache", "expected"),
    [
        ("/account", "public, max-age=600", {"smoke.private-cacheable"}),
        ("/account", "private, no-store", set()),
        ("/about", "public, max-age=600", set()),
    ],
)
def test_an_ad_hoc_url_that_looks_private_must_not_be_publicly_cached(
    https_server: HttpsServerFactory, run_smoke: RunSmoke, path: str, cache: str, expected: set[str]
) -> None:
    site = https_site(https_server, headers={**SECURITY_HEADERS, "Cache-Control": cache}, path=path)
    site.server.expect_request("/").respond_with_data("home", headers=SECURITY_HEADERS)
    found = rules(run_smoke(urls=[site.url(path)], resolve=site.resolve))
    assert set(found) == expected
    if expected:
        assert found["smoke.private-cacheable"][0].severity is Severity.HIGH


def test_a_host_wide_header_finding_names_the_first_route_in_the_manifest_whichever_answers_first(
    https_server: HttpsServerFactory, run_smoke: RunSmoke
) -> None:
    """The same missing header on every page of a host is one finding; it names the first
    route of the manifest, not whichever answered first (reports must not change between runs
    of the same site). Here the second route answers first, on purpose."""
    import threading

    second_answered = threading.Event()
    site = Site(https_server())
    page = "<!doctype html><p>hi</p>"

    def first(_request: Request) -> Response:
        second_answered.wait(timeout=20)
        return Response(page, content_type="text/html")

    def second(_request: Request) -> Response:
        second_answered.set()
        return Response(page, content_type="text/html")

    site.server.expect_request("/first").respond_with_handler(first)
    site.server.expect_request("/second").respond_with_handler(second)
    result = run_smoke(
        {"smoke": {"concurrency": 2}},
        urls=[site.url("/first"), site.url("/second")],
        resolve=site.resolve,
    )
    assert second_answered.is_set()
    headers = rules(result)["smoke.security-header"]
    assert headers and all("/first: " in f.message for f in headers), [f.message for f in headers]


def test_a_redirect_loop_reached_by_a_route_and_by_the_host_entry_is_one_finding(
    https_server: HttpsServerFactory, run_smoke: RunSmoke
) -> None:
    site = Site(https_server())
    _redirects(site.server, {"/": "/b", "/b": "/"})
    found = rules(run_smoke(urls=[site.url("/")], resolve=site.resolve))
    loops = found["smoke.redirect-loop"]
    assert len(loops) == 1, [f.location for f in loops]
    assert loops[0].location.route == site.url("/")  # the route's finding, with its name, is kept


def test_a_lookup_that_ran_out_of_time_is_could_not_check_never_https_unavailable() -> None:
    reason = "the certificate of app.test:443 could not be checked: could not look up app.test"
    error = TLSProbeError("lookup-timeout", reason)
    found = tls_error_findings(error, "app.test", 443, Location(domain="app.test"))
    assert found.rule == "smoke.tls-unchecked"
    assert found.severity is Severity.BLOCKER
    assert found.message == reason
    assert found.details == {"error_kind": "lookup-timeout"}

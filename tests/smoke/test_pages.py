"""Pages load: assets fetched once, broken ones and mixed content reported; static assets must
be cacheable and compressed. A correct page passes with no finding."""

from __future__ import annotations

import gzip

import pytest
from pytest_httpserver import HTTPServer

from launchgate.findings import Severity
from tests.fixtures.https import HOST, HttpsServerFactory
from tests.fixtures.sites import SCRIPT, SECURITY_HEADERS
from tests.smoke.conftest import RunSmoke, rules

STATIC = {"Cache-Control": "public, max-age=31536000, immutable"}


def page_site(
    https_server: HttpsServerFactory,
    page: str,
    assets: dict[str, tuple[int, bytes, dict[str, str]]],
) -> tuple[str, list[str], HTTPServer]:
    server = https_server("good")
    base = f"https://{HOST}:{server.port}"
    server.expect_request("/").respond_with_data(
        page.replace("{base}", base), headers=SECURITY_HEADERS, content_type="text/html"
    )
    for path, (status, body, headers) in assets.items():
        content_type = "text/css" if path.endswith(".css") else "application/javascript"
        if path.endswith(".png"):
            content_type = "image/png"
        server.expect_request(path).respond_with_data(
            body, status, headers={**SECURITY_HEADERS, **headers}, content_type=content_type
        )
    return f"{base}/", [f"{HOST}:{server.port}:127.0.0.1"], server


GOOD_ASSETS = {
    "/app.js": (200, gzip.compress(SCRIPT), {**STATIC, "Content-Encoding": "gzip"}),
    "/app.css": (200, b"body{}", STATIC),
    "/logo.png": (200, b"\x89PNG", {}),
}
PAGE = (
    '<html><head><script src="/app.js"></script><link rel=stylesheet href="/app.css">'
    '</head><body><img src="{base}/logo.png"><img src="/logo.png"></body></html>'
)


def test_a_correct_page_passes_and_each_asset_loads_once(
    https_server: HttpsServerFactory, run_smoke: RunSmoke
) -> None:
    url, resolve, server = page_site(https_server, PAGE, GOOD_ASSETS)
    result = run_smoke(urls=[url, url + "?again"], resolve=resolve)
    assert result.findings == ()
    fetched = [r.path for r, _ in server.log if r.path in GOOD_ASSETS]
    assert sorted(fetched) == sorted(GOOD_ASSETS)


@pytest.mark.parametrize(
    ("asset", "reply", "rule", "severity"),
    [
        ("/app.js", (404, b"missing", {}), "smoke.broken-asset", Severity.HIGH),
        ("/app.css", (503, b"down", {}), "smoke.broken-asset", Severity.HIGH),
        (
            "/app.css",
            (200, b"body{}", {"Cache-Control": "no-store"}),
            "smoke.asset-not-cacheable",
            Severity.LOW,
        ),
        ("/app.js", (200, SCRIPT, STATIC), "smoke.asset-not-compressed", Severity.LOW),
    ],
)
def test_asset_rules(
    https_server: HttpsServerFactory,
    run_smoke: RunSmoke,
    asset: str,
    reply: tuple[int, bytes, dict[str, str]],
    rule: str,
    severity: Severity,
) -> None:
    url, resolve, _ = page_site(https_server, PAGE, {**GOOD_ASSETS, asset: reply})
    found = rules(run_smoke(urls=[url], resolve=resolve))
    assert set(found) == {rule}
    assert [f.severity for f in found[rule]] == [severity]
    assert asset in found[rule][0].message


@pytest.mark.parametrize(
    ("tag", "severity"),
    [
        ('<script src="http://{host}/x.js"></script>', Severity.HIGH),
        ('<iframe src="http://{host}/frame"></iframe>', Severity.HIGH),
        ('<form action="http://{host}/login"></form>', Severity.HIGH),
        ('<img src="http://{host}/x.png">', Severity.MEDIUM),
    ],
)
def test_mixed_content(
    https_server: HttpsServerFactory,
    httpserver: HTTPServer,
    run_smoke: RunSmoke,
    tag: str,
    severity: Severity,
) -> None:
    httpserver.expect_request("/x.js").respond_with_data("1", content_type="application/javascript")
    httpserver.expect_request("/x.png").respond_with_data(b"\x89PNG", content_type="image/png")
    page = PAGE.replace(
        "</body>", tag.replace("{host}", f"127.0.0.1:{httpserver.port}") + "</body>"
    )
    url, resolve, _ = page_site(https_server, page, GOOD_ASSETS)
    found = rules(run_smoke(urls=[url], resolve=resolve))
    assert set(found) == {"smoke.mixed-content"}
    assert [f.severity for f in found["smoke.mixed-content"]] == [severity]

"""Route rules against a real HTTP server: each fires on a broken answer; a correct server
passes with no finding at all."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from launchgate.checkapi import Masker
from launchgate.findings import Severity
from tests.fixtures.https import free_port
from tests.fixtures.sites import SECURITY_HEADERS
from tests.smoke.conftest import RunSmoke, rules

GOOD = {k: v for k, v in SECURITY_HEADERS.items() if k != "Strict-Transport-Security"}


def serve(
    server: HTTPServer,
    path: str,
    body: str = "ok",
    status: int = 200,
    headers: dict[str, str] | None = None,
    content_type: str = "text/plain",
) -> None:
    server.expect_request(path).respond_with_data(
        body, status, headers={**GOOD, **(headers or {})}, content_type=content_type
    )


def manifest(server: HTTPServer, *routes: dict[str, Any], **smoke: Any) -> dict[str, Any]:
    serve(server, "/")  # the host's entry point, judged by the edge posture
    data: dict[str, Any] = {
        "environments": {"production": {"base_url": server.url_for("/").rstrip("/")}},
        "routes": list(routes),
    }
    if smoke:
        data["smoke"] = smoke
    return data


def test_a_correct_server_passes_clean(httpserver: HTTPServer, run_smoke: RunSmoke) -> None:
    serve(httpserver, "/api/health", json.dumps({"status": "ok"}), content_type="application/json")
    data = manifest(
        httpserver,
        {
            "name": "health",
            "path": "/api/health",
            "expect": {
                "status": 200,
                "contains": "ok",
                "matches": '"status":\\s*"ok"',
                "json": {"$.status": "ok"},
                "content_type": "application/json",
                "headers": {"X-Content-Type-Options": "nosniff"},
                "max_ms": 30000,
            },
        },
    )
    result = run_smoke(data)
    assert result.findings == ()
    assert "1 route(s)" in result.summary and "ready after" in result.summary


@pytest.mark.parametrize(
    ("status", "route_expect", "rule", "severity"),
    [
        (500, {}, "smoke.server-error", Severity.BLOCKER),
        (404, {}, "smoke.unexpected-status", Severity.HIGH),
        (200, {"contains": "Welcome"}, "smoke.body-missing-text", Severity.HIGH),
        (200, {"not_contains": "ok"}, "smoke.body-forbidden-text", Severity.HIGH),
        (200, {"matches": "^Welcome"}, "smoke.body-pattern", Severity.HIGH),
        (200, {"json": {"$.status": "ok"}}, "smoke.json-mismatch", Severity.HIGH),
        (200, {"content_type": "application/json"}, "smoke.content-type", Severity.MEDIUM),
        (200, {"headers": {"X-Version": "*"}}, "smoke.header-mismatch", Severity.MEDIUM),
    ],
)
def test_route_rules_fire(
    httpserver: HTTPServer,
    run_smoke: RunSmoke,
    status: int,
    route_expect: dict[str, Any],
    rule: str,
    severity: Severity,
) -> None:
    serve(httpserver, "/r", "ok", status)
    result = run_smoke(manifest(httpserver, {"name": "r", "path": "/r", "expect": route_expect}))
    found = rules(result)
    assert [f.severity for f in found[rule]] == [severity]
    assert found[rule][0].location.route == "r"


def test_slow_request(httpserver: HTTPServer, run_smoke: RunSmoke) -> None:
    def slow(_request: Request) -> Response:
        time.sleep(0.05)  # the route's own slowness, not a wait for a race
        return Response("ok", headers=GOOD)

    httpserver.expect_request("/slow").respond_with_handler(slow)
    result = run_smoke(
        manifest(httpserver, {"name": "slow", "path": "/slow", "expect": {"max_ms": 1}})
    )
    assert list(rules(result)) == ["smoke.slow-request"]


def test_unreachable_and_timeout(
    httpserver: HTTPServer, run_smoke: RunSmoke, silent_port: int
) -> None:
    data = manifest(
        httpserver,
        {"name": "gone", "url": f"http://127.0.0.1:{free_port()}/"},
        {"name": "hangs", "url": f"http://127.0.0.1:{silent_port}/", "timeout_ms": 300},
        timeout_ms=500,
    )
    data["routes"].insert(0, {"name": "home", "path": "/"})
    started = time.monotonic()
    result = run_smoke(data)
    assert time.monotonic() - started < 8  # bounded by the 0.5 s timeouts, with a wide margin
    by_route = {(f.location.route, f.rule) for f in result.findings}
    assert ("gone", "smoke.unreachable") in by_route
    assert ("hangs", "smoke.timeout") in by_route


def test_a_release_that_never_becomes_ready_is_one_blocker(
    httpserver: HTTPServer, run_smoke: RunSmoke
) -> None:
    serve(httpserver, "/health", "starting", 503)
    data = manifest(
        httpserver,
        {"name": "a", "path": "/health"},
        {"name": "b", "path": "/other"},
        wait={"timeout_s": 0.3, "interval_s": 0.1},
    )
    result = run_smoke(data)
    assert [(f.rule, f.severity) for f in result.findings] == [
        ("smoke.not-ready", Severity.BLOCKER)
    ]
    assert "503" in result.findings[0].message
    assert "never ready" in result.summary


def test_a_cold_start_is_waited_for(httpserver: HTTPServer, run_smoke: RunSmoke) -> None:
    answers = iter([503, 503])

    def warming(_request: Request) -> Response:
        return Response("ok", next(answers, 200), headers=GOOD)

    httpserver.expect_request("/health").respond_with_handler(warming)
    data = manifest(
        httpserver, {"name": "a", "path": "/health"}, wait={"timeout_s": 5, "interval_s": 0.05}
    )
    result = run_smoke(data)
    assert result.findings == ()
    assert "ready after" in result.summary


TOKEN = "route-token-5c4b3a2918273645"  # pragma: allowlist secret


def _private(httpserver: HTTPServer, anonymous_ok: bool, cache: str | None) -> None:
    def handler(request: Request) -> Response:
        authorized = request.headers.get("Authorization") == f"Bearer {TOKEN}"
        if not authorized and not anonymous_ok:
            return Response("sign in", 401, headers=GOOD)
        headers = {**GOOD, **({"Cache-Control": cache} if cache else {})}
        return Response(f"account of {'you' if authorized else 'nobody'}", headers=headers)

    httpserver.expect_request("/me").respond_with_handler(handler)


PRIVATE_ROUTE = {
    "name": "me",
    "path": "/me",
    "private": True,
    "auth": {"bearer_env": "SMOKE_TOKEN"},
}


@pytest.mark.parametrize(
    ("anonymous_ok", "cache", "expected"),
    [
        (False, "private, no-store", set()),
        (True, "private, no-store", {"smoke.private-anonymous"}),
        (False, "public, max-age=600", {"smoke.private-cacheable"}),
        (False, None, {"smoke.private-cache-unspecified"}),
    ],
)
def test_private_routes(
    httpserver: HTTPServer,
    run_smoke: RunSmoke,
    monkeypatch: pytest.MonkeyPatch,
    anonymous_ok: bool,
    cache: str | None,
    expected: set[str],
) -> None:
    monkeypatch.setenv("SMOKE_TOKEN", TOKEN)
    _private(httpserver, anonymous_ok, cache)
    masker = Masker()
    result = run_smoke(manifest(httpserver, PRIVATE_ROUTE), masker=masker)
    assert set(rules(result)) == expected
    assert TOKEN in masker.values


def test_missing_credentials_are_a_finding_not_a_pass(
    httpserver: HTTPServer, run_smoke: RunSmoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SMOKE_TOKEN", raising=False)
    _private(httpserver, False, "no-store")
    result = run_smoke(manifest(httpserver, PRIVATE_ROUTE))
    assert set(rules(result)) == {"smoke.auth-unavailable"}
    assert "SMOKE_TOKEN" in result.findings[0].message


@pytest.mark.parametrize(
    ("auth", "env", "header", "value"),
    [
        (
            {"header": "X-Api-Key", "header_env": "K"},
            {"K": "key-abcdef123456"},
            "X-Api-Key",
            "key-abcdef123456",
        ),
        (
            {"basic_user_env": "U", "basic_password_env": "P"},
            {"U": "smoke", "P": "pw-123456789"},
            "Authorization",
            "Basic c21va2U6cHctMTIzNDU2Nzg5",
        ),
    ],
)
def test_header_and_basic_auth_come_from_the_environment(
    httpserver: HTTPServer,
    run_smoke: RunSmoke,
    monkeypatch: pytest.MonkeyPatch,
    auth: dict[str, str],
    env: dict[str, str],
    header: str,
    value: str,
) -> None:
    for name, text in env.items():
        monkeypatch.setenv(name, text)
    httpserver.expect_request("/k", headers={header: value}).respond_with_data("in", headers=GOOD)
    masker = Masker()
    result = run_smoke(
        manifest(httpserver, {"name": "k", "path": "/k", "auth": auth}), masker=masker
    )
    assert result.findings == ()
    # Every secret is masked (a basic-auth user name is not a secret and may not be).
    assert all(text in masker.values for name, text in env.items() if name != "U")


def test_credentials_never_follow_a_redirect_to_another_host(
    httpserver: HTTPServer, run_smoke: RunSmoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMOKE_TOKEN", TOKEN)
    monkeypatch.setenv("SMOKE_KEY", "key-0123456789abcdef")
    other = f"http://127.0.0.1:{httpserver.port}/landing"  # same server, another host name
    serve(httpserver, "/go", "", 302, headers={"Location": other})
    serve(httpserver, "/landing", "landed")
    route = {
        "name": "go",
        "path": "/go",
        "auth": {"bearer_env": "SMOKE_TOKEN", "header": "X-Key", "header_env": "SMOKE_KEY"},
    }
    result = run_smoke(manifest(httpserver, route))
    assert result.findings == ()
    declared = [r for r, _ in httpserver.log if r.path == "/go"]
    landing = [r for r, _ in httpserver.log if r.path == "/landing"]
    assert any(r.headers.get("X-Key") == "key-0123456789abcdef" for r in declared)
    assert any(r.headers.get("Authorization") == f"Bearer {TOKEN}" for r in declared)
    assert landing and all(
        "Authorization" not in r.headers and "X-Key" not in r.headers for r in landing
    )


def test_routes_run_concurrently_within_one_deadline(
    httpserver: HTTPServer, run_smoke: RunSmoke, silent_port: int
) -> None:
    serve(httpserver, "/fast", "ok")
    routes = [{"name": f"fast{i}", "path": "/fast"} for i in range(6)]
    routes += [
        {"name": f"stuck{i}", "url": f"http://127.0.0.1:{silent_port}/", "timeout_ms": 60000}
        for i in range(2)
    ]
    data = manifest(httpserver, *routes, concurrency=4, deadline_s=1.0)
    started = time.monotonic()
    result = run_smoke(data)
    elapsed = time.monotonic() - started
    assert elapsed < 15  # one deadline of 1 s, not two routes x 60 s
    stuck = {f.location.route for f in result.findings if f.rule == "smoke.timeout"}
    assert {"stuck0", "stuck1"} <= {r.split(" ")[-1] for r in stuck if r}
    assert not any(
        f.location.route and f.location.route.startswith("fast") for f in result.findings
    )

"""Flows: a login step captures a token (JSON path), a header or a cookie for later steps."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from launchgate.checkapi import Masker
from tests.smoke.conftest import RunSmoke, rules
from tests.smoke.test_routes import GOOD, manifest

SESSION_TOKEN = "flow-token-8a7b6c5d4e3f2a1b"  # pragma: allowlist secret


def _app(server: HTTPServer, login_status: int = 200) -> None:
    def login(request: Request) -> Response:
        if request.get_json(silent=True) != {"user": "smoke"}:
            return Response("bad body", 400, headers=GOOD)
        return Response(
            json.dumps({"data": {"token": SESSION_TOKEN}}),
            login_status,
            headers={**GOOD, "X-Request-Id": "req-42", "Set-Cookie": "sid=cookie-99; HttpOnly"},
            content_type="application/json",
        )

    def me(request: Request) -> Response:
        ok = (
            request.headers.get("Authorization") == f"Bearer {SESSION_TOKEN}"
            and request.cookies.get("sid") == "cookie-99"
            and request.headers.get("X-Trace") == "req-42"
        )
        return Response("you" if ok else "who?", 200 if ok else 401, headers=GOOD)

    server.expect_request("/login", method="POST").respond_with_handler(login)
    server.expect_request("/me").respond_with_handler(me)


def _flow(capture: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "flows": [
            {
                "name": "signin",
                "steps": [
                    {
                        "name": "login",
                        "path": "/login",
                        "method": "POST",
                        "headers": {"Content-Type": "application/json"},
                        "body": '{"user": "smoke"}',
                        "capture": capture
                        or {"token": {"json": "$.data.token"}, "trace": {"header": "X-Request-Id"}},
                    },
                    {
                        "name": "me",
                        "path": "/me",
                        "headers": {"Authorization": "Bearer {{token}}", "X-Trace": "{{trace}}"},
                        "expect": {"status": 200, "contains": "you"},
                    },
                ],
            }
        ]
    }


def test_a_flow_uses_captured_values_and_cookies(
    httpserver: HTTPServer, run_smoke: RunSmoke
) -> None:
    _app(httpserver)
    masker = Masker()
    data = manifest(httpserver)
    data["smoke"] = _flow()
    result = run_smoke(data, masker=masker)
    assert result.findings == ()
    assert SESSION_TOKEN in masker.values and "cookie-99" in masker.values
    assert "2 route(s)" in result.summary


def test_a_missing_capture_stops_the_flow(httpserver: HTTPServer, run_smoke: RunSmoke) -> None:
    _app(httpserver)
    data = manifest(httpserver)
    data["smoke"] = _flow({"token": {"json": "$.data.nope"}})
    found = rules(run_smoke(data))
    assert set(found) == {"smoke.flow-capture-failed", "smoke.flow-step-failed"}
    assert "not run: me" in found["smoke.flow-step-failed"][0].message
    assert not [r for r, _ in httpserver.log if r.path == "/me"]


def test_a_failing_step_stops_the_flow(httpserver: HTTPServer, run_smoke: RunSmoke) -> None:
    _app(httpserver, login_status=500)
    data = manifest(httpserver)
    data["smoke"] = _flow()
    found = rules(run_smoke(data))
    assert set(found) == {"smoke.server-error", "smoke.flow-step-failed"}
    assert found["smoke.server-error"][0].location.route == "signin/login"


@pytest.mark.parametrize("source", [{"cookie": "sid"}, {"header": "X-Request-Id"}])
def test_cookie_and_header_captures(
    httpserver: HTTPServer, run_smoke: RunSmoke, source: dict[str, str]
) -> None:
    _app(httpserver)
    data = manifest(httpserver)
    flow = _flow(
        {"token": {"json": "$.data.token"}, "trace": {"header": "X-Request-Id"}, "x": source}
    )
    data["smoke"] = flow
    assert run_smoke(data).findings == ()

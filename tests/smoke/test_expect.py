"""Each expectation fires on a wrong answer and stays quiet on a right one (pure: no network)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from launchgate.findings import Location, Severity
from launchgate.smoke import jsonpath
from launchgate.smoke.config import Expect
from launchgate.smoke.expect import judge
from launchgate.smoke.probe import Chain, Exchange

WHERE = Location(route="home", url="https://app.test/")


def answer(
    status: int = 200,
    body: str = "Welcome home",
    headers: dict[str, str] | None = None,
    url: str = "https://app.test/",
    **kw: Any,
) -> Exchange:
    return Exchange(
        "GET", url, status=status, headers=httpx.Headers(headers or {}), body=body.encode(), **kw
    )


def rules_of(expect: Expect, *hops: Exchange) -> list[str]:
    return [f.rule for f in judge(expect, Chain(tuple(hops)), WHERE)]


GOOD_JSON = '{"status": "ok", "items": [{"id": 7}], "n": 2.0, "flag": true}'


@pytest.mark.parametrize(
    ("expect", "bad", "good", "rule"),
    [
        (Expect(), answer(500), answer(200), "smoke.server-error"),
        (Expect(), answer(404), answer(302, headers={"location": "/x"}), "smoke.unexpected-status"),
        (Expect(status=(201,)), answer(200), answer(201), "smoke.unexpected-status"),
        (Expect(refusal_ok=True), answer(404), answer(401), "smoke.unexpected-status"),
        (Expect(contains="Welcome"), answer(body="Oops"), answer(), "smoke.body-missing-text"),
        (
            Expect(not_contains="Traceback"),
            answer(body="Traceback (most recent call last)"),
            answer(),
            "smoke.body-forbidden-text",
        ),
        (Expect(matches=r"Wel\w+ home$"), answer(body="bye"), answer(), "smoke.body-pattern"),
        (
            Expect(json={"$.status": "ok", "$.items[0].id": 7}),
            answer(body='{"status": "down", "items": []}'),
            answer(body=GOOD_JSON),
            "smoke.json-mismatch",
        ),
        (
            Expect(json={"$.flag": True}),
            answer(body='{"flag": 1}'),
            answer(body=GOOD_JSON),
            "smoke.json-mismatch",
        ),
        (
            Expect(json={"$.n": 2}),
            answer(body="not json"),
            answer(body=GOOD_JSON),
            "smoke.json-mismatch",
        ),
        (
            Expect(content_type="application/json"),
            answer(headers={"content-type": "text/html"}),
            answer(headers={"content-type": "application/json; charset=utf-8"}),
            "smoke.content-type",
        ),
        (
            Expect(headers={"X-Version": "2", "X-Id": "*"}),
            answer(headers={"X-Version": "1", "X-Id": "a"}),
            answer(headers={"X-Version": "2", "X-Id": "b"}),
            "smoke.header-mismatch",
        ),
        (
            Expect(redirect_to="https://app.test/login"),
            answer(url="https://app.test/home"),
            answer(url="https://app.test/login"),
            "smoke.redirect-mismatch",
        ),
        (
            Expect(max_ms=100),
            answer(elapsed_ms=150.0),
            answer(elapsed_ms=99.0),
            "smoke.slow-request",
        ),
        (Expect(), answer(truncated=True), answer(), "smoke.body-too-large"),
    ],
)
def test_expectation_fires_and_passes(
    expect: Expect, bad: Exchange, good: Exchange, rule: str
) -> None:
    assert rule in rules_of(expect, bad)
    assert rules_of(expect, good) == []


def test_a_redirect_route_is_judged_on_its_first_answer() -> None:
    expect = Expect(status=(301,), redirect_to="https://www.app.test/")
    right = answer(301, headers={"location": "https://www.app.test/"})
    wrong = answer(301, headers={"location": "https://elsewhere.test/"})
    assert rules_of(expect, right) == []
    assert rules_of(expect, wrong) == ["smoke.redirect-mismatch"]


def test_no_answer_is_one_finding_with_the_reason() -> None:
    refused = Exchange("GET", "https://app.test/", error_kind="refused", error="refused")
    slow = Exchange("GET", "https://app.test/", error_kind="timeout", error="no answer in time")
    found = judge(Expect(contains="x"), Chain((refused,)), WHERE)
    assert [(f.rule, f.severity) for f in found] == [("smoke.unreachable", Severity.BLOCKER)]
    assert [f.rule for f in judge(Expect(), Chain((slow,)), WHERE)] == ["smoke.timeout"]


def test_max_ms_is_per_request_not_per_chain() -> None:
    hops = (
        answer(301, headers={"location": "https://app.test/b"}, elapsed_ms=60.0),
        answer(url="https://app.test/b", elapsed_ms=60.0),
    )
    assert rules_of(Expect(max_ms=100), *hops) == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.a.b", 1),
        ("$['a']['b']", 1),
        ("$.list[1]", "y"),
        ("$.list[-1]", "y"),
        ("$.list[5]", jsonpath.MISSING),
        ("$.nope", jsonpath.MISSING),
        ("$.a.b.c", jsonpath.MISSING),
        ("$", {"a": {"b": 1}, "list": ["x", "y"]}),
    ],
)
def test_jsonpath_lookup(path: str, expected: Any) -> None:
    assert jsonpath.lookup({"a": {"b": 1}, "list": ["x", "y"]}, path) == expected


@pytest.mark.parametrize("path", ["a.b", "$.items[*]", "$..id", "$.a[?(@.x)]", "$.a b"])
def test_jsonpath_refuses_what_it_does_not_support(path: str) -> None:
    with pytest.raises(jsonpath.JsonPathError):
        jsonpath.parse(path)

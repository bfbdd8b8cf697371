"""The pure verdicts, pinned exactly (a one-word change to any of them breaks a test)."""

from __future__ import annotations

import pytest

from launchgate.findings import Severity
from launchgate.smoke import verdict as v


@pytest.mark.parametrize(
    ("days", "min_days", "expected"),
    [
        (30.0, 14, None),
        (14.1, 14, None),
        (14.0, 14, None),
        (13.9, 14, Severity.MEDIUM),
        (7.0, 14, Severity.MEDIUM),
        (6.9, 14, Severity.HIGH),
        (5.0, 14, Severity.HIGH),  # the dns check says high for the same certificate
        (0.2, 14, Severity.HIGH),
        (5.0, 2, None),
        (1.0, 2, Severity.HIGH),
        (25.0, 30, Severity.LOW),
        (14.0, 30, Severity.LOW),
    ],
)
def test_expiry_severity_rises_as_the_date_nears(
    days: float, min_days: int, expected: Severity | None
) -> None:
    assert v.expiry_severity(days, min_days) == expected


@pytest.mark.parametrize(
    ("version", "ok"),
    [("TLSv1.3", True), ("TLSv1.2", True), ("TLSv1.1", False), ("TLSv1", False), ("SSLv3", False)],
)
def test_tls_version(version: str, ok: bool) -> None:
    assert v.tls_version_ok(version) is ok


@pytest.mark.parametrize(
    ("header", "scope"),
    [
        (None, "unspecified"),
        ("public, max-age=600", "public"),
        ("s-maxage=60", "public"),
        ("max-age=600", "public"),
        ("private, max-age=600", "private"),
        ("no-store", "private"),
        ("public, no-store", "private"),
        ("no-cache", "private"),
        ("max-age=0", "private"),
        ("must-revalidate", "unspecified"),
    ],
)
def test_cache_scope(header: str | None, scope: str) -> None:
    assert v.cache_scope(header) == scope


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        (None, False),
        ("", False),
        ("max-age=31536000, immutable", True),
        ("public, max-age=60", True),
        ("immutable", True),
        ("max-age=0", False),
        ("no-cache", False),
        ("max-age=600, no-store", False),
    ],
)
def test_asset_cacheable(header: str | None, ok: bool) -> None:
    assert v.asset_cacheable(header) is ok


@pytest.mark.parametrize(
    ("content_type", "size", "encoding", "expected"),
    [
        ("application/javascript", 5000, None, True),
        ("text/css; charset=utf-8", 5000, "", True),
        ("application/javascript", 5000, "gzip", False),
        ("text/css", 5000, "br", False),
        ("application/javascript", 1024, None, False),
        ("application/javascript", 1025, None, True),
        ("image/png", 50000, None, False),
        (None, 50000, None, False),
    ],
)
def test_should_be_compressed(
    content_type: str | None, size: int, encoding: str | None, expected: bool
) -> None:
    assert v.should_be_compressed(content_type, size, encoding) is expected


EVIL = "https://evil.invalid"


@pytest.mark.parametrize(
    ("allowed", "acao", "acac", "rule"),
    [
        ((), None, None, None),
        ((), "*", None, None),
        ((), "*", "true", "smoke.cors-wildcard-credentials"),
        ((), EVIL, "true", "smoke.cors-reflected-credentials"),
        ((), EVIL, "TRUE", "smoke.cors-reflected-credentials"),
        ((), EVIL, None, "smoke.cors-origin-not-allowed"),
        ((), EVIL, "false", "smoke.cors-origin-not-allowed"),
        (("https://app.example",), "https://app.example", "true", None),
        (("https://app.example",), "https://other.example", None, "smoke.cors-origin-not-allowed"),
        ((), "https://app.example", "true", None),
        ((), "null", "true", "smoke.cors-reflected-credentials"),
        ((), "null", None, None),
    ],
)
def test_cors_verdict(
    allowed: tuple[str, ...], acao: str | None, acac: str | None, rule: str | None
) -> None:
    found = v.cors_verdict(EVIL, allowed, acao, acac)
    assert (found.rule if found else None) == rule


def test_parse_set_cookie_reads_attributes_never_needs_the_value() -> None:
    cookie = v.parse_set_cookie("sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax")
    assert cookie == v.SetCookie(
        "sid", frozenset({"path", "secure", "httponly", "samesite"}), "lax"
    )
    assert v.parse_set_cookie("garbage") is None
    assert v.parse_set_cookie("=x") is None


@pytest.mark.parametrize(
    ("header", "https", "problems"),
    [
        ("s=1; Secure; HttpOnly; SameSite=Strict", True, []),
        ("s=1; Secure; HttpOnly; SameSite=None", True, []),
        ("s=1; HttpOnly; SameSite=None", False, ["smoke.cookie-no-samesite"]),
        ("s=1; HttpOnly; SameSite=Lax", True, ["smoke.cookie-not-secure"]),
        ("s=1; HttpOnly; SameSite=Lax", False, []),
        ("s=1; Secure; SameSite=Lax", True, ["smoke.cookie-not-httponly"]),
        (
            "s=1",
            True,
            ["smoke.cookie-not-secure", "smoke.cookie-not-httponly", "smoke.cookie-no-samesite"],
        ),
    ],
)
def test_cookie_problems(header: str, https: bool, problems: list[str]) -> None:
    cookie = v.parse_set_cookie(header)
    assert cookie is not None
    assert v.cookie_problems(cookie, https) == problems


@pytest.mark.parametrize(
    ("status", "scheme", "rule"),
    [
        (301, "https", None),
        (308, "https", None),
        (302, "https", "smoke.http-redirect-temporary"),
        (307, "https", "smoke.http-redirect-temporary"),
        (301, "http", "smoke.http-redirect-insecure"),
        (200, None, "smoke.http-not-redirected"),
        (404, None, "smoke.http-not-redirected"),
    ],
)
def test_http_entry_verdict(status: int, scheme: str | None, rule: str | None) -> None:
    assert v.http_entry_verdict(status, scheme) == rule


def test_find_loop() -> None:
    assert v.find_loop(["a", "b", "c"]) is None
    assert v.find_loop(["a", "b", "a"]) == 2
    assert v.find_loop(["a", "a"]) == 1

"""Promises of the smoke verdicts that a one-word change would break (pinned by mutation testing):
caching, compression, CORS and cookie judgements, with the exact words a user reads."""

from __future__ import annotations

import pytest

from launchgate.smoke.verdict import (
    CorsVerdict,
    asset_cacheable,
    cache_scope,
    cors_verdict,
    parse_set_cookie,
    should_be_compressed,
)


@pytest.mark.parametrize(
    ("header", "cacheable"),
    [
        ("max-age=1", True),
        ("max-age=0", False),
        ("max-age=3600, no-cache", False),
        ("MAX-AGE=3600, NO-CACHE", False),
        ("max-age=3600, no-store", False),
        ("immutable", True),
    ],
)
def test_an_asset_is_cacheable_only_with_a_positive_lifetime_and_no_revalidation(
    header: str, cacheable: bool
) -> None:
    assert asset_cacheable(header) is cacheable


@pytest.mark.parametrize(
    ("header", "scope"),
    [
        ("public", "public"),
        ("s-maxage=60", "public"),
        ("max-age=1", "public"),
        ("max-age=0", "private"),
        ("no-cache", "private"),
        ("must-revalidate", "unspecified"),
    ],
)
def test_cache_scope_follows_the_directives(header: str, scope: str) -> None:
    assert cache_scope(header) == scope


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd", "deflate", "ZSTD", "x-gzip"])
def test_any_known_compression_counts(encoding: str) -> None:
    assert should_be_compressed("text/css", 5000, encoding) is False


def test_a_large_text_asset_without_compression_should_be_compressed() -> None:
    assert should_be_compressed("text/css", 5000, None) is True
    assert should_be_compressed("text/css", 5000, "identity") is True


FOREIGN = "https://evil.test"
APP = "https://app.test"


def test_cors_wildcard_with_credentials_is_named_in_plain_words() -> None:
    assert cors_verdict(FOREIGN, [], "*", "true") == CorsVerdict(
        "smoke.cors-wildcard-credentials",
        "Access-Control-Allow-Origin: * together with Allow-Credentials: true",
    )
    assert cors_verdict(FOREIGN, [], "*", None) is None


@pytest.mark.parametrize(("echoed", "sent"), [(f"{FOREIGN}/", FOREIGN), (FOREIGN, f"{FOREIGN}/")])
def test_an_echoed_foreign_origin_is_found_with_or_without_a_trailing_slash(
    echoed: str, sent: str
) -> None:
    with_credentials = cors_verdict(sent, [APP], echoed, " TRUE ")
    assert with_credentials == CorsVerdict(
        "smoke.cors-reflected-credentials",
        f"the foreign origin {sent} is echoed in Access-Control-Allow-Origin with "
        "Allow-Credentials: true: any site can read this answer as the signed-in user",
    )
    assert cors_verdict(sent, [APP], echoed, None) == CorsVerdict(
        "smoke.cors-origin-not-allowed",
        f"the foreign origin {sent} is echoed in Access-Control-Allow-Origin",
    )


def test_an_allowed_origin_matches_with_or_without_a_trailing_slash() -> None:
    assert cors_verdict(FOREIGN, [f"{APP}/"], APP, "true") is None
    assert cors_verdict(FOREIGN, [APP], f"{APP}/", "true") is None
    assert cors_verdict(FOREIGN, [APP], "https://other.test", None) == CorsVerdict(
        "smoke.cors-origin-not-allowed",
        "Access-Control-Allow-Origin is https://other.test, which smoke.cors.allowed_origins "
        "does not list",
    )


def test_null_origin_is_a_problem_only_with_credentials() -> None:
    assert cors_verdict(FOREIGN, [APP], "null", None) is None
    assert cors_verdict(FOREIGN, [APP], "null", "false") is None
    assert cors_verdict(FOREIGN, [], "null", "true") == CorsVerdict(
        "smoke.cors-reflected-credentials",
        "Access-Control-Allow-Origin: null with credentials (sandboxed frames send null)",
    )


def test_a_cookie_is_named_by_what_comes_before_its_first_equals_sign() -> None:
    cookie = parse_set_cookie("sid=abc=def==; Secure; HttpOnly")
    assert cookie is not None and cookie.name == "sid"
    assert cookie.samesite is None
    assert cookie.attributes == frozenset({"secure", "httponly"})
    lax = parse_set_cookie("sid=1; SameSite=Lax")
    assert lax is not None and lax.samesite == "lax"


def test_only_slashes_are_trimmed_from_an_origin_never_its_last_letters() -> None:
    assert cors_verdict(FOREIGN, ["https://appX"], "https://appX", "true") is None
    assert cors_verdict("https://evilX", [APP], "https://evilX", None) == CorsVerdict(
        "smoke.cors-origin-not-allowed",
        "the foreign origin https://evilX is echoed in Access-Control-Allow-Origin",
    )

"""Pure verdicts of the edge posture: small functions that tests pin exactly.

No I/O here: the engine measures, these decide. Each returns the rule id (and, where it varies,
the severity) or ``None`` when the answer is fine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from launchgate.findings import Severity
from launchgate.smoke.policy import max_age
from launchgate.web.expiry import expiry_step

PERMANENT_REDIRECTS = (301, 308)
REDIRECTS = (301, 302, 303, 307, 308)
YEAR_S = 31536000


def expiry_severity(days_left: float, min_days_valid: int) -> Severity | None:
    """How bad a certificate's remaining life is, on the ladder the dns check uses too
    (:mod:`launchgate.web.expiry`): nothing from ``min_days_valid`` days on, then low, medium
    under 14 days, high under 7; expiry itself is ``smoke.tls-expired`` (blocker)."""
    step = expiry_step(days_left, min_days_valid)
    return None if step is None else step[0]


def tls_version_ok(version: str) -> bool:
    """TLS 1.2 or newer (``TLSv1.2``, ``TLSv1.3``)."""
    return version in ("TLSv1.2", "TLSv1.3")


def cache_scope(cache_control: str | None) -> str:
    """``public`` when a shared cache may store the answer, ``private`` when it must not,
    ``unspecified`` when the header leaves it to heuristics."""
    if cache_control is None:
        return "unspecified"
    directives = {d.strip().split("=")[0].lower() for d in cache_control.split(",")}
    if "no-store" in directives or "private" in directives:
        return "private"
    if "public" in directives or "s-maxage" in directives:
        return "public"
    seconds = max_age(cache_control)
    if seconds is not None and seconds > 0:
        return "public"
    if "no-cache" in directives or seconds == 0:
        return "private"
    return "unspecified"


def asset_cacheable(cache_control: str | None) -> bool:
    """A static asset is cacheable when it has a positive max-age (or immutable) and is not
    no-store / no-cache."""
    if not cache_control:
        return False
    lowered = cache_control.lower()
    if "no-store" in lowered or "no-cache" in lowered:
        return False
    seconds = max_age(cache_control)
    return (seconds is not None and seconds > 0) or "immutable" in lowered


COMPRESSIBLE = ("javascript", "css", "json", "svg", "xml", "html", "text/plain", "wasm")


def should_be_compressed(content_type: str | None, size: int, content_encoding: str | None) -> bool:
    """A text asset of more than 1 KiB sent without gzip/br/zstd/deflate."""
    if size <= 1024 or not content_type:
        return False
    if not any(word in content_type.lower() for word in COMPRESSIBLE):
        return False
    if not content_encoding:
        return True
    return not any(e in content_encoding.lower() for e in ("gzip", "br", "zstd", "deflate"))


@dataclass(frozen=True)
class CorsVerdict:
    rule: str
    message: str


def cors_verdict(
    origin: str, allowed: Sequence[str], allow_origin: str | None, allow_credentials: str | None
) -> CorsVerdict | None:
    """Judge the answer to a request sent with ``Origin: origin`` (a foreign origin unless it is
    in ``allowed``)."""
    if allow_origin is None:
        return None
    credentials = allow_credentials is not None and allow_credentials.strip().lower() == "true"
    value = allow_origin.strip()
    if value == "*":
        if credentials:
            return CorsVerdict(
                "smoke.cors-wildcard-credentials",
                "Access-Control-Allow-Origin: * together with Allow-Credentials: true",
            )
        return None
    if value.rstrip("/") == origin.rstrip("/") and origin not in allowed:
        if credentials:
            return CorsVerdict(
                "smoke.cors-reflected-credentials",
                f"the foreign origin {origin} is echoed in Access-Control-Allow-Origin with "
                "Allow-Credentials: true: any site can read this answer as the signed-in user",
            )
        return CorsVerdict(
            "smoke.cors-origin-not-allowed",
            f"the foreign origin {origin} is echoed in Access-Control-Allow-Origin",
        )
    if allowed and value != "null" and value.rstrip("/") not in {a.rstrip("/") for a in allowed}:
        return CorsVerdict(
            "smoke.cors-origin-not-allowed",
            f"Access-Control-Allow-Origin is {value}, which smoke.cors.allowed_origins "
            "does not list",
        )
    if value == "null" and credentials:
        return CorsVerdict(
            "smoke.cors-reflected-credentials",
            "Access-Control-Allow-Origin: null with credentials (sandboxed frames send null)",
        )
    return None


@dataclass(frozen=True)
class SetCookie:
    name: str
    attributes: frozenset[str]
    samesite: str | None


def parse_set_cookie(header: str) -> SetCookie | None:
    """The name and attributes of one ``Set-Cookie`` value (never its value)."""
    first, *rest = header.split(";")
    name, sep, _value = first.partition("=")
    if not sep or not name.strip():
        return None
    attributes: set[str] = set()
    samesite = None
    for part in rest:
        key, _, val = part.strip().partition("=")
        key = key.strip().lower()
        if key:
            attributes.add(key)
        if key == "samesite":
            samesite = val.strip().lower() or None
    return SetCookie(name.strip(), frozenset(attributes), samesite)


def cookie_problems(cookie: SetCookie, https: bool) -> list[str]:
    """Rule ids a session cookie breaks."""
    problems = []
    if https and "secure" not in cookie.attributes:
        problems.append("smoke.cookie-not-secure")
    if "httponly" not in cookie.attributes:
        problems.append("smoke.cookie-not-httponly")
    if cookie.samesite not in ("lax", "strict") and not (
        cookie.samesite == "none" and "secure" in cookie.attributes
    ):
        problems.append("smoke.cookie-no-samesite")
    return problems


def http_entry_verdict(status: int, location_scheme: str | None) -> str | None:
    """Judge the first answer to ``http://host/``: redirect permanently to https, or else."""
    if status not in REDIRECTS:
        return "smoke.http-not-redirected"
    if location_scheme != "https":
        return "smoke.http-redirect-insecure"
    if status not in PERMANENT_REDIRECTS:
        return "smoke.http-redirect-temporary"
    return None


def find_loop(urls: Iterable[str]) -> int | None:
    """Index of the first URL that repeats an earlier one (the hop that closes a loop)."""
    seen: set[str] = set()
    for i, url in enumerate(urls):
        if url in seen:
            return i
        seen.add(url)
    return None

"""Format validators for variable values.

Every validator is a pure function ``(value, rules) -> Verdict``. The reason in a verdict says
which format and why it failed, and never contains the value or any slice of it: reasons end up
in findings, annotations and logs, and the value may be a secret.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from launchgate.userregex import TextPattern


@dataclass(frozen=True)
class Verdict:
    """Outcome of one validation; ``reason`` is empty when ``ok``."""

    ok: bool
    reason: str = ""


OK = Verdict(True)


def _bad(reason: str) -> Verdict:
    return Verdict(False, reason)


@dataclass(frozen=True)
class FormatRules:
    """The knobs a declaration may set for its format (manifest ``env_var`` fields)."""

    schemes: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    values: tuple[str, ...] = ()
    pattern: TextPattern | None = None
    min_length: int | None = None


Validator = Callable[[str, FormatRules], Verdict]

# "\Z", not "$": "$" also matches before a final line break, and "8080\n" is no port to Go's
# strconv.Atoi or to a shell's arithmetic.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*\Z")
# Underscores are not RFC 1123 but real hosts have them (container service names, SRV labels).
_LABEL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\Z")
_HOSTLESS_SCHEMES = frozenset({"file", "sqlite", "sqlite3", "unix", "mailto", "data", "urn"})
_INT = re.compile(r"^[+-]?[0-9]+\Z")
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
_DURATION_UNITS = r"ns|us|µs|ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?"
_DURATION = re.compile(rf"^(?:[0-9]+(?:\.[0-9]+)?[ ]?(?:{_DURATION_UNITS})[ ]?)+\Z", re.IGNORECASE)
_ISO_DURATION = re.compile(
    r"^P(?!\Z)(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+W)?(?:[0-9]+D)?"
    r"(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?\Z"
)
_BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}\Z")
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]*={0,2}\Z")
_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}\Z")
_DISPLAY_FORM = re.compile(r"^[^<>]*<([^<>]+)>\Z")


def _has_space_or_control(value: str) -> bool:
    return any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value)


def _hostname_problem(host: str) -> str | None:
    """Why ``host`` is not a hostname or IP address, or None when it is one."""
    if not host:
        return "the host is empty"
    if host.startswith("["):
        # RFC 3986: brackets hold an IPv6 address (IPvFuture has no users), never a name or IPv4.
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return "the bracketed host is not an IPv6 address"
        return None if host.endswith("]") else "the bracketed host is not an IPv6 address"
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    name = host[:-1] if host.endswith(".") else host
    if len(name) > 253:
        return "the hostname is longer than 253 characters"
    for label in name.split("."):
        if not label:
            return "the hostname has an empty label (two dots in a row, or a leading dot)"
        if len(label) > 63:
            return "a hostname label is longer than 63 characters"
        if not _LABEL.match(label):
            return "a hostname label has characters other than letters, digits, _ and inner hyphens"
    return None


def _hostport_problem(hostport: str) -> str | None:
    """Why ``host[:port]`` (from a URL authority) is not usable, or None."""
    try:
        probe = urlsplit(f"//{hostport}")
        port = probe.port
        host = probe.hostname or ""
    except ValueError:
        return "the port is not a number from 0 to 65535, or the host brackets are malformed"
    if port is None and hostport.endswith(":"):
        return "the port after the colon is empty"
    bracketed = hostport.startswith("[")
    return _hostname_problem(f"[{host}]" if bracketed else host)


def validate_url(value: str, rules: FormatRules) -> Verdict:
    if _has_space_or_control(value):
        return _bad("url: contains whitespace or control characters")
    scheme, sep, _rest = value.partition(":")
    if not sep or not _SCHEME.match(scheme):
        return _bad("url: has no scheme (expected e.g. https://host/...)")
    try:
        parts = urlsplit(value)
    except ValueError:
        return _bad("url: cannot be parsed (malformed brackets or authority)")
    if parts.scheme.lower() not in _HOSTLESS_SCHEMES:
        if not parts.netloc:
            return _bad("url: has no host (expected scheme://host...)")
        # Database URLs may list several hosts: mongodb://h1:27017,h2:27017/db
        for hostport in parts.netloc.rpartition("@")[2].split(","):
            problem = _hostport_problem(hostport)
            if problem:
                return _bad(f"url: {problem}")
    if rules.schemes and parts.scheme.lower() not in {s.lower() for s in rules.schemes}:
        return _bad(f"url: the scheme is not allowed here (allowed: {', '.join(rules.schemes)})")
    return OK


def validate_email(value: str, _rules: FormatRules) -> Verdict:
    address = value
    display = _DISPLAY_FORM.match(value)
    if display:
        address = display.group(1).strip()
    if _has_space_or_control(address):
        return _bad("email: the address contains whitespace or control characters")
    if address.count("@") != 1:
        return _bad("email: expected exactly one @")
    local, domain = address.split("@")
    if not local:
        return _bad("email: nothing before the @")
    if (
        not _EMAIL_LOCAL.match(local)
        or local.startswith(".")
        or local.endswith(".")
        or (".." in local)
    ):
        return _bad("email: the part before the @ has characters or dots not allowed there")
    if "." not in domain.strip("."):
        return _bad("email: the domain after the @ has no dot")
    problem = _hostname_problem(domain)
    if problem:
        return _bad(f"email: in the domain, {problem}")
    return OK


def validate_hostname(value: str, _rules: FormatRules) -> Verdict:
    if "://" in value:
        return _bad("hostname: contains a scheme; expected a bare hostname such as db.example.com")
    if "/" in value:
        return _bad("hostname: contains a path; expected a bare hostname")
    if _has_space_or_control(value):
        return _bad("hostname: contains whitespace or control characters")
    problem = _hostname_problem(value)
    return _bad(f"hostname: {problem}") if problem else OK


def _bounded_int(kind: str, value: str, low: int | None, high: int | None) -> Verdict:
    if not _INT.match(value):
        return _bad(f"{kind}: not a whole number")
    if len(value.lstrip("+-")) > 30:
        return _bad(f"{kind}: has more than 30 digits")
    number = int(value)
    if low is not None and number < low:
        return _bad(f"{kind}: below the minimum {low}")
    if high is not None and number > high:
        return _bad(f"{kind}: above the maximum {high}")
    return OK


def validate_int(value: str, rules: FormatRules) -> Verdict:
    return _bounded_int("int", value, rules.min, rules.max)


def validate_port(value: str, rules: FormatRules) -> Verdict:
    low = max(1, rules.min) if rules.min is not None else 1
    high = min(65535, rules.max) if rules.max is not None else 65535
    if not _INT.match(value) or value.startswith(("+", "-")):
        return _bad("port: not a whole number from 1 to 65535")
    return _bounded_int("port", value, low, high)


def validate_bool(value: str, _rules: FormatRules) -> Verdict:
    if value.strip().lower() in _TRUE | _FALSE:
        return OK
    return _bad("bool: expected one of true/false, 1/0, yes/no, on/off")


def validate_enum(value: str, rules: FormatRules) -> Verdict:
    if value in rules.values:
        return OK
    if not rules.values:
        return _bad("enum: no allowed values are declared (set values: [...])")
    hint = " (differs only in case)" if value.lower() in {v.lower() for v in rules.values} else ""
    return _bad(f"enum: not one of the allowed values: {', '.join(rules.values)}{hint}")


def validate_json(value: str, _rules: FormatRules) -> Verdict:
    try:
        json.loads(value)
    except json.JSONDecodeError as exc:
        return _bad(f"json: {exc.msg} at line {exc.lineno} column {exc.colno}")
    except RecursionError:
        return _bad("json: nested too deeply to parse")
    except ValueError:
        return _bad("json: contains a number too large to parse")
    return OK


def validate_base64(value: str, _rules: FormatRules) -> Verdict:
    if not value:
        return _bad("base64: empty")
    if not (_BASE64.match(value) or _BASE64URL.match(value)):
        return _bad("base64: has characters outside the base64 alphabet (or padding mid-value)")
    unpadded = value.rstrip("=")
    if len(unpadded) % 4 == 1:
        return _bad("base64: its length cannot be base64 (one character too many or too few)")
    if "=" in value and len(value) % 4:
        return _bad("base64: padding present but the length is not a multiple of 4")
    padded = unpadded + "=" * (-len(unpadded) % 4)
    try:
        if "-" in padded or "_" in padded:
            base64.urlsafe_b64decode(padded)
        else:
            base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return _bad("base64: does not decode")
    return OK


def validate_duration(value: str, _rules: FormatRules) -> Verdict:
    text = value.strip()
    if _INT.match(text):
        return _bad("duration: a bare number has no unit (write e.g. 30s, 5m, 1h30m or PT30S)")
    if _DURATION.match(text) or _ISO_DURATION.match(text):
        return OK
    return _bad("duration: expected e.g. 250ms, 30s, 5m, 1h30m, 2 days or ISO 8601 PT30S")


def validate_regex(value: str, rules: FormatRules) -> Verdict:
    if rules.pattern is None:
        return _bad("regex: no pattern is declared (set pattern: ...)")
    return OK  # the pattern itself is applied to every format in :func:`validate`


def validate_string(_value: str, _rules: FormatRules) -> Verdict:
    return OK


VALIDATORS: dict[str, Validator] = {
    "url": validate_url,
    "email": validate_email,
    "hostname": validate_hostname,
    "port": validate_port,
    "int": validate_int,
    "bool": validate_bool,
    "enum": validate_enum,
    "json": validate_json,
    "base64": validate_base64,
    "duration": validate_duration,
    "regex": validate_regex,
    "string": validate_string,
}

FORMATS: tuple[str, ...] = tuple(VALIDATORS)


def validate_value(value: str, fmt: str | None, rules: FormatRules) -> Verdict:
    """Apply the declared format, then ``pattern`` and ``min_length``, which apply to any format."""
    if fmt is not None:
        validator = VALIDATORS.get(fmt)
        if validator is None:
            return _bad(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
        verdict = validator(value, rules)
        if not verdict.ok:
            return verdict
    if rules.pattern is not None and not rules.pattern.match(value):
        return _bad(f"does not match the declared pattern {rules.pattern.pattern}")
    if rules.min_length is not None and len(value) < rules.min_length:
        return _bad(f"shorter than the minimum length {rules.min_length}")
    return OK


def allowed_schemes(
    declared: Sequence[str], production_only: Sequence[str], production: bool
) -> tuple[str, ...]:
    """Schemes allowed for a url: ``production_schemes`` narrows ``schemes`` in production."""
    if production and production_only:
        return tuple(production_only)
    return tuple(declared)

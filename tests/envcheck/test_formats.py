"""Format validators: known good and bad values, and properties that must hold for any input."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from launchgate.envcheck.formats import (
    FORMATS,
    VALIDATORS,
    FormatRules,
    Verdict,
    allowed_schemes,
    validate_value,
)

PLAIN = FormatRules()

GOOD = {
    "url": [
        "https://www.bookly.io/x?y=1#z",
        "postgres://app:s3cret@db.internal:5432/app",
        "redis://:pw@my_redis:6379/0",
        "sqlite:///var/app.db",
        "http://[::1]:8080/",
        "mongodb://u:p@h1:27017,h2:27017/db?replicaSet=rs0",
        "amqps://mq.bookly.io",
    ],
    "email": ["ops@bookly.io", "Bookly <no-reply@mail.bookly.io>", "a.b+tag@sub.example.org"],
    "hostname": ["db.internal", "localhost", "10.0.0.7", "::1", "bookly.io.", "my_service"],
    "port": ["1", "80", "65535"],
    "int": ["0", "-12", "+7", "123456"],
    "bool": ["true", "FALSE", "1", "0", "yes", "No", "on", "off"],
    "json": ['{"a": [1, 2]}', "[]", "3", '"s"', "null"],
    "base64": ["aGVsbG8=", "aGVsbG8", "YWJj", "_-_-", "QUJDRA=="],
    "duration": ["30s", "250ms", "1h30m", "1.5h", "2 days", "PT30S", "P1DT2H", "10 minutes"],
    "string": ["anything at all"],
}
BAD = {
    "url": [
        ("bookly.io/path", "no scheme"),
        ("https://", "no host"),
        ("https://a..b", "empty label"),
        ("http://a:99999", "port"),
        ("https://bad host", "whitespace"),
        ("http://[zz]/", "parsed"),
    ],
    "email": [
        ("ops.bookly.io", "exactly one @"),
        ("@bookly.io", "nothing before"),
        ("ops@bookly", "no dot"),
        ("o ps@bookly.io", "whitespace"),
    ],
    "hostname": [
        ("https://db.internal", "scheme"),
        ("db.internal/x", "path"),
        ("a..b", "empty label"),
        ("-bad-.io", "label"),
        ("x" * 64 + ".io", "longer than 63"),
    ],
    "port": [
        ("0", "below the minimum 1"),
        ("65536", "above the maximum 65535"),
        ("80a", "whole number"),
        ("-1", "whole number"),
    ],
    "int": [("1.5", "whole number"), ("ten", "whole number"), ("", "whole number")],
    "bool": [("maybe", "expected one of"), ("", "expected one of")],
    "json": [("{a: 1}", "json:"), ("[1,", "json:"), ("", "json:")],
    "base64": [("a", "length"), ("a$b=", "alphabet"), ("", "empty"), ("YQ=", "padding")],
    "duration": [("30", "no unit"), ("soon", "expected"), ("5 parsecs", "expected")],
}


@pytest.mark.parametrize(("fmt", "value"), [(f, v) for f, vs in GOOD.items() for v in vs])
def test_good_values_pass(fmt: str, value: str) -> None:
    assert validate_value(value, fmt, PLAIN) == Verdict(True), (fmt, value)


@pytest.mark.parametrize(
    ("fmt", "value", "why"), [(f, v, w) for f, vs in BAD.items() for v, w in vs]
)
def test_bad_values_fail_with_a_reason_naming_the_format(fmt: str, value: str, why: str) -> None:
    verdict = validate_value(value, fmt, PLAIN)
    assert not verdict.ok
    assert verdict.reason.startswith(f"{fmt}:"), verdict.reason
    assert why in verdict.reason


def test_bounds_enum_pattern_min_length_and_schemes() -> None:
    assert validate_value("8", "int", FormatRules(min=10)).reason == "int: below the minimum 10"
    assert validate_value("11", "int", FormatRules(max=10)).reason == "int: above the maximum 10"
    assert validate_value("8080", "port", FormatRules(min=1024, max=9000)).ok
    assert "below the minimum 1024" in validate_value("80", "port", FormatRules(min=1024)).reason
    levels = FormatRules(values=("debug", "info"))
    assert validate_value("info", "enum", levels).ok
    assert "differs only in case" in validate_value("INFO", "enum", levels).reason
    assert "no allowed values" in validate_value("info", "enum", PLAIN).reason
    live = FormatRules(pattern=re.compile(r"sk_live_"))
    assert validate_value("sk_live_abc", "regex", live).ok
    assert validate_value("sk_live_abc", None, live).ok
    assert "declared pattern sk_live_" in validate_value("sk_test_abc", "regex", live).reason
    assert "no pattern" in validate_value("x", "regex", PLAIN).reason
    assert (
        "minimum length 32" in validate_value("short", "string", FormatRules(min_length=32)).reason
    )
    https = FormatRules(schemes=allowed_schemes(["http", "https"], ["https"], production=True))
    assert "not allowed here (allowed: https)" in validate_value("http://a.io", "url", https).reason
    staging = FormatRules(schemes=allowed_schemes(["http", "https"], ["https"], production=False))
    assert validate_value("http://a.io", "url", staging).ok
    assert "unknown format" in validate_value("x", "colour", PLAIN).reason


def test_reasons_never_contain_the_value() -> None:
    secret = "sk_live_Zq9XbW7tLm3Kp2Vr8Yd"
    for fmt in FORMATS:
        for value in (secret, f"https://{secret}.io:99999", f"{secret}@{secret}", f"{{{secret}"):
            verdict = validate_value(value, fmt, FormatRules(values=("a",), min=0, max=1))
            assert secret not in verdict.reason


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80) | st.text(
    alphabet="abcdefxyz0123456789:/@.[]-_=+%#?! ", max_size=60
)
urlish = st.builds(
    lambda s, h, p, rest: f"{s}://{h}{p}{rest}",
    st.sampled_from(["http", "https", "postgres", "redis", "x+y", "1bad", ""]),
    st.text(alphabet="abc.-_[]:@0123456789", max_size=20),
    st.sampled_from(["", ":", ":80", ":99999", ":x"]),
    st.text(alphabet="/?#=&a1 ", max_size=10),
)
rules = st.builds(
    FormatRules,
    schemes=st.lists(st.sampled_from(["http", "https", "postgres"]), max_size=2).map(tuple),
    min=st.none() | st.integers(-(10**6), 10**6),
    max=st.none() | st.integers(-(10**6), 10**6),
    values=st.lists(st.text(max_size=5), max_size=3).map(tuple),
    min_length=st.none() | st.integers(1, 40),
)


def _message_text_of_the_validators() -> str:
    """Every string literal in formats.py: the fixed words a reason is made of."""
    import launchgate.envcheck.formats as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    literals = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    return "\n".join(v for v in literals if isinstance(v, str))


FIXED_MESSAGE_TEXT = _message_text_of_the_validators()


def _echoes(value: str, reason: str, rules: FormatRules) -> bool:
    """True when the reason shows the value itself, not words of a fixed message.

    A generated value may happen to be part of a fixed message ('a whole numb' is in
    'port: not a whole number'), or of the rules the test made; that is not an echo.
    """
    if value not in reason:
        return False
    rule_text = " ".join((*rules.values, *rules.schemes, str(rules.min), str(rules.max)))
    return value not in FIXED_MESSAGE_TEXT and value not in rule_text


def test_a_value_inside_a_fixed_message_is_not_taken_for_an_echo() -> None:
    assert not _echoes("a whole numb", "port: not a whole number from 1 to 65535", PLAIN)
    assert _echoes("s3cr3t-value-123", "url: bad host s3cr3t-value-123", PLAIN)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=300, deadline=None)
@given(value=text | urlish, rules=rules)
@example(value="a whole numb", rules=PLAIN)
def test_every_validator_always_returns_a_clear_verdict(
    fmt: str, value: str, rules: FormatRules
) -> None:
    verdict = VALIDATORS[fmt](value, rules)
    assert isinstance(verdict, Verdict)
    if verdict.ok:
        assert verdict.reason == ""
    else:
        assert verdict.reason.startswith(f"{fmt}:")
        assert len(verdict.reason) > len(fmt) + 5
    full = validate_value(value, fmt, rules)
    assert full.ok or full.reason
    if len(value) >= 12:
        assert not _echoes(value, full.reason, rules)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**40), max_value=10**40))
def test_int_and_port_agree_with_python(number: int) -> None:
    verdict = validate_value(str(number), "int", FormatRules(min=-5, max=10**9))
    if len(str(abs(number))) > 30:
        assert not verdict.ok
    else:
        assert verdict.ok == (-5 <= number <= 10**9)
    assert validate_value(str(number), "port", PLAIN).ok == (1 <= number <= 65535)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_base64_accepts_whatever_python_encodes(raw: bytes) -> None:
    import base64

    if raw:
        assert validate_value(base64.b64encode(raw).decode(), "base64", PLAIN).ok
        assert validate_value(
            base64.urlsafe_b64encode(raw).decode().rstrip("="), "base64", PLAIN
        ).ok


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
        ),
    )
)
def test_json_accepts_whatever_python_dumps(value: object) -> None:
    import json

    assert validate_value(json.dumps(value), "json", PLAIN).ok


def test_json_nesting_that_breaks_the_parser_is_a_verdict_not_a_crash() -> None:
    assert not validate_value("[" * 100_000, "json", PLAIN).ok
    assert validate_value("1" * 5000, "json", PLAIN) in (
        Verdict(True),
        Verdict(False, "json: contains a number too large to parse"),
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_undecodable_bytes_from_the_environment_get_a_verdict(fmt: str) -> None:
    # os.environ carries undecodable bytes as lone surrogates (surrogateescape).
    for value in ("\udcff\udc80", "https://a.io/\udcff", "ops@\udcffbookly.io", "3\udc80"):
        verdict = validate_value(value, fmt, FormatRules(values=("a",)))
        assert isinstance(verdict.ok, bool)
        assert "\udcff" not in verdict.reason


@pytest.mark.parametrize(
    ("fmt", "value"),
    [
        ("port", "8080\n"),
        ("int", "12\n"),
        ("base64", "YWJjZA==\n"),
        ("base64", "YWJjZA\n"),
        ("url", "https\n://example.com"),
    ],
)
def test_a_value_ending_in_a_line_break_is_not_well_formed(fmt: str, value: str) -> None:
    """A regex "$" also matches before a final line break: "8080\\n" passed as a port, and Go's
    strconv.Atoi refuses it at start-up."""
    verdict = VALIDATORS[fmt](value, FormatRules())
    assert not verdict.ok, (fmt, value)
    assert verdict.reason.startswith(f"{fmt}:")

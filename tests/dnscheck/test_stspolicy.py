"""The MTA-STS policy file (RFC 8461 section 3.2): parsed and judged exactly. Pure."""

from __future__ import annotations

import pytest

from launchgate.dnscheck.stspolicy import StsPolicy, parse_policy, policy_issues, uncovered
from launchgate.findings import Severity


def test_a_good_policy_parses_with_lf_crlf_and_blanks_around_values() -> None:
    text = "version:STSv1\nmode :  enforce\r\nmx: MX.app.test.\nmax_age: 86400\nfoo: bar"
    assert parse_policy(text) == (StsPolicy("enforce", 86400, ("mx.app.test.",)), [])


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("mode: enforce\nmx: a.test\nmax_age: 1", "version is '(missing)', not 'STSv1'"),
        ("version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 1", "version is 'STSv2'"),
        ("version: STSv1\nmode: on\nmx: a.test\nmax_age: 1", "mode is 'on', not enforce"),
        ("version: STSv1\nmx: a.test\nmax_age: 1", "mode is '(missing)'"),
        ("version: STSv1\nmode: testing\nmx: a.test", "max_age is (missing), not a number"),
        ("version: STSv1\nmode: none\nmax_age: 31557601", "max_age is '31557601'"),
        ("version: STSv1\nmode: none\nmax_age: -1", "max_age is '-1'"),
        ("version: STSv1\nmode: enforce\nmax_age: 60", "it lists no mx, so in mode enforce"),
        ("version: STSv1\nmode: testing\nmx: a..test\nmax_age: 60", "mx 'a..test' is not"),
        ("version: STSv1\nmode: enforce\nmx: *.*.test\nmax_age: 60", "mx '*.*.test' is not"),
        ("version: STSv1\nmode: none\nmode: enforce\nmax_age: 60", "mode appears more than once"),
        ("version: STSv1\n\nmode: none\nmax_age: 60", "line 2 ('') is not 'key: value'"),
        ("<html>nope</html>", "line 1 ('<html>nope</html>') is not 'key: value'"),
    ],
)
def test_an_invalid_policy_says_why(text: str, error: str) -> None:
    policy, errors = parse_policy(text)
    assert policy is None
    assert any(e.startswith(error) for e in errors), errors


def test_mode_none_needs_no_mx_and_the_limits_are_inclusive() -> None:
    assert parse_policy("version: STSv1\nmode: none\nmax_age: 31557600\n") == (
        StsPolicy("none", 31557600, ()),
        [],
    )


@pytest.mark.parametrize(
    ("mx", "patterns", "expected"),
    [
        (["mx.app.test"], ("mx.app.test",), []),
        (["mx.app.test."], ("MX.App.Test.",), []),
        (["mx.app.test", "b.app.test"], ("*.app.test",), []),
        (["app.test"], ("*.app.test",), ["app.test"]),  # a wildcard needs one whole label
        (["a.mx.app.test"], ("*.app.test",), ["a.mx.app.test"]),  # and only one
        (["mx.app.test", "mx2.app.test"], ("mx.app.test",), ["mx2.app.test"]),
    ],
)
def test_mx_coverage(mx: list[str], patterns: tuple[str, ...], expected: list[str]) -> None:
    assert uncovered(mx, StsPolicy("enforce", 86400, patterns)) == expected


@pytest.mark.parametrize(
    ("mode", "max_age", "mx", "expected"),
    [
        ("enforce", 604800, ("mx.app.test",), []),
        ("enforce", 604800, ("other.test",), [("email.mta-sts-mx-mismatch", Severity.HIGH)]),
        (
            "testing",
            604800,
            ("other.test",),
            [
                ("email.mta-sts-mx-mismatch", Severity.LOW),
                ("email.mta-sts-not-enforced", Severity.LOW),
            ],
        ),
        ("none", 60, (), [("email.mta-sts-not-enforced", Severity.INFO)]),
        ("enforce", 604799, ("mx.app.test",), [("email.mta-sts-max-age-short", Severity.LOW)]),
    ],
)
def test_policy_verdicts(
    mode: str, max_age: int, mx: tuple[str, ...], expected: list[tuple[str, Severity]]
) -> None:
    found = policy_issues("app.test", StsPolicy(mode, max_age, mx), ["mx.app.test"], 604800)
    assert [(i.rule, i.severity) for i in found] == expected


def test_verdict_messages_name_the_hosts_and_the_numbers() -> None:
    policy = StsPolicy("enforce", 3600, ("mx.app.test",))
    mismatch, short = policy_issues("app.test", policy, ["mx.app.test", "mx2.app.test"], 86400)
    assert mismatch.message == (
        "MX host(s) mx2.app.test of app.test match no mx: line of its MTA-STS policy "
        "(mx.app.test); senders that honour MTA-STS (Gmail, Outlook...) refuse to deliver there."
    )
    assert short.message == (
        "The MTA-STS policy of app.test has max_age 3600 s (0.0 days), under 1 days."
    )

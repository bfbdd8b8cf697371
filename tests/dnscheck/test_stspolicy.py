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


# -- every reason and message, word for word (pinned by mutation testing) ---------------------

LONG = "x" * 70


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        (
            f"version: {LONG}\nmode: {LONG}\nmax_age: {LONG}\nmx: {LONG}",
            [
                f"version is '{'x' * 20}', not 'STSv1'",
                f"mode is '{'x' * 20}', not enforce, testing or none",
                f"max_age is '{'x' * 20}', not a number of seconds up to 31557600",
                f"mx '{'x' * 60}' is not a host name or *.host name",
            ],
        ),
        (
            f"{LONG}\nversion: STSv1\nmode: none\nmax_age: 1",
            [f"line 1 ('{'x' * 40}') is not 'key: value'"],
        ),
        (
            ": none\nversion: STSv1\nmode: none\nmax_age: 1",
            ["line 1 (': none') is not 'key: value'"],
        ),
        (
            "version: STSv1\nmode: none\nmax_age: 1:2",
            ["max_age is '1:2', not a number of seconds up to 31557600"],
        ),
        (
            "version: STSv1\nversion: STSv1\nmode: none\nmax_age: 1\nmax_age: 1",
            ["version appears more than once", "max_age appears more than once"],
        ),
        (
            "version: STSv1\nmode: testing\nmax_age: 1",
            ["it lists no mx, so in mode testing no MX host is valid"],
        ),
        # Only blanks and tabs surround keys and values: anything else is part of them.
        (
            "version: STSv1\nmode: enforceX\nmx: a.test\nmax_age: 1",
            ["mode is 'enforceX', not enforce, testing or none"],
        ),
        (
            "version: STSv1\nXmode: enforce\nmx: a.test\nmax_age: 1",
            ["mode is '(missing)', not enforce, testing or none"],
        ),
        (
            "version: STSv1\nmode\r: none\nmax_age: 1",
            [
                "line 2 ('mode\\r: none') is not 'key: value'",
                "mode is '(missing)', not enforce, testing or none",
            ],
        ),
        (
            "version: STSv1\nmode: none\r\r\nmax_age: 1",
            ["mode is 'none\\r', not enforce, testing or none"],
        ),
    ],
)
def test_every_reason_word_for_word(text: str, errors: list[str]) -> None:
    assert parse_policy(text) == (None, errors)


def test_a_value_keeps_colons_after_the_first() -> None:
    text = "version: STSv1\nmode: none\nmax_age: 1\nrua: mailto:x@y.test"
    assert parse_policy(text) == (StsPolicy("none", 1, ()), [])


def test_testing_mode_messages_and_subject() -> None:
    policy = StsPolicy("testing", 90720, ("a.test", "b.test"))
    mismatch, testing, short = policy_issues(
        "app.test", policy, ["mx.app.test", "mx2.app.test"], 7 * 86400
    )
    assert (mismatch.subject, testing.subject, short.subject) == ("app.test",) * 3
    assert mismatch.message == (
        "MX host(s) mx.app.test, mx2.app.test of app.test match no mx: line of its MTA-STS policy "
        "(a.test, b.test); in enforce mode senders would refuse to deliver there."
    )
    assert testing.message == (
        "The MTA-STS policy of app.test is in mode testing: it only reports failures, mail can "
        "still be downgraded to plain text."
    )
    assert short.message == (
        "The MTA-STS policy of app.test has max_age 90720 s (1.1 days), under 7 days."
    )


def test_mode_none_message() -> None:
    (off,) = policy_issues("app.test", StsPolicy("none", 60, ()), ["mx.app.test"], 86400)
    assert off.subject == "app.test"
    assert off.message == (
        "The MTA-STS policy of app.test is in mode none: it is switched off, mail can still be "
        "downgraded to plain text."
    )

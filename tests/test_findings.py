"""The findings model's promises: severity order, stable fingerprints, status, de-duplication,
path prefixes and the verdict line. Each test names the promise a one-word change would break."""

from __future__ import annotations

import dataclasses
import functools
import hashlib

import pytest

from launchgate.findings import (
    SEVERITIES,
    CheckResult,
    CheckStatus,
    Finding,
    Location,
    Report,
    RouteMetric,
    Severity,
    Suppressed,
    dedupe,
    fingerprint_of,
    sort_findings,
    verdict,
    with_path_prefix,
)
from tests.fixtures.certfacts import certificate_fact
from tests.fixtures.stubcheck import finding

# The pinned fingerprints below are of exactly these defaults.
make = functools.partial(
    finding,
    check="secrets",
    rule="secrets.aws",
    path="app/x.py",
    title="t",
    message="m",
    remediation="",
)


def report(*findings: Finding, errors: dict[str, str] | None = None, **kw: object) -> Report:
    checks = [
        CheckResult(check=c, findings=tuple(f for f in findings if f.check == c))
        for c in {f.check for f in findings}
    ]
    checks += [CheckResult(check=c, error=e) for c, e in (errors or {}).items()]
    return Report(
        tool_version="1",
        fail_on=Severity(str(kw.pop("fail_on", "high"))),
        checks=tuple(checks),
        findings=tuple(findings),
        **kw,  # type: ignore[arg-type]
    )


def test_severities_rank_blocker_high_medium_low_info_worst_first() -> None:
    assert [s.rank for s in SEVERITIES] == [4, 3, 2, 1, 0]
    assert [s.value for s in SEVERITIES] == ["blocker", "high", "medium", "low", "info"]
    assert Severity.HIGH.at_least(Severity.HIGH)
    assert Severity.HIGH.at_least(Severity.MEDIUM)
    assert not Severity.MEDIUM.at_least(Severity.HIGH)


def test_severity_words_parse_case_and_space_insensitively_and_unknown_words_list_choices() -> None:
    assert Severity.parse(" Blocker ") is Severity.BLOCKER
    with pytest.raises(
        ValueError, match=r"unknown severity 'urgent'; expected one of blocker, high,"
    ):
        Severity.parse("urgent")
    assert make("low").severity is Severity.LOW
    coerced = Finding(check="c", rule="r", severity="MEDIUM", title="t", message="m")  # type: ignore[arg-type]
    assert coerced.severity is Severity.MEDIUM


def test_fingerprints_never_change_between_versions() -> None:
    # Users paste fingerprints into `suppress:`; a changed hash silently un-suppresses findings.
    assert fingerprint_of("secrets", "secrets.aws", "app/x.py", 3, None, None, None) == (
        "b7cd12cb9904371912154a46feee9cfa"
    )
    expected = hashlib.sha256(b"a\x1f\x1fb").hexdigest()[:32]
    assert fingerprint_of("a", None, "b") == expected
    assert make().fingerprint == "b7cd12cb9904371912154a46feee9cfa"


def test_fingerprint_includes_the_check_rule_and_every_location_field_but_not_the_message() -> None:
    base = make()
    assert make(check="env").fingerprint != base.fingerprint
    assert make(rule="secrets.gcp").fingerprint != base.fingerprint
    assert make(path="app/y.py").fingerprint != base.fingerprint
    assert make(line=4).fingerprint != base.fingerprint
    assert make(url="https://e.test/").fingerprint != base.fingerprint
    assert make(domain="e.test").fingerprint != base.fingerprint
    assert make(route="home").fingerprint != base.fingerprint
    assert make(message="other words").fingerprint == base.fingerprint
    assert make(fingerprint="given").fingerprint == "given"


def test_fingerprint_of_a_path_with_undecodable_bytes_is_the_hash_of_those_bytes() -> None:
    # git and the file system hand over undecodable bytes as surrogates (surrogateescape).
    path = b"caf\xe9.py".decode("utf-8", "surrogateescape")
    assert fingerprint_of(path) == hashlib.sha256(b"caf\xe9.py").hexdigest()[:32]


def test_location_describes_path_line_commit_and_where_else() -> None:
    loc = Location(path="a.py", line=12, commit="0123456789abcdef0", route="home", url="https://u")
    assert loc.describe() == "a.py:12 @ 0123456789ab home https://u"
    assert Location(domain="example.com").describe() == "example.com"
    assert Location(path="a.py").describe() == "a.py"
    assert Location(path="a.py", line=1).to_dict() == {"path": "a.py", "line": 1}


def test_finding_and_route_to_dict_carry_every_field_and_details_only_when_present() -> None:
    f = make()
    assert f.to_dict() == {
        "check": "secrets",
        "rule": "secrets.aws",
        "severity": "high",
        "title": "t",
        "message": "m",
        "location": {"path": "app/x.py", "line": 3},
        "fingerprint": f.fingerprint,
        "remediation": "",
    }
    detailed = Finding(
        check="c",
        rule="r",
        severity=Severity.LOW,
        title="t",
        message="m",
        details={"in_tree": True},
    )
    assert detailed.to_dict()["details"] == {"in_tree": True}
    metric = RouteMetric(route="home", samples=5, p50_ms=1.0, p95_ms=2.0)
    assert metric.to_dict() == {"route": "home", "samples": 5, "p50_ms": 1.0, "p95_ms": 2.0}


def test_check_status_skipped_before_error_before_fail_before_pass() -> None:
    high = (make("high"),)
    assert CheckResult("c", findings=high, error="x", skipped=True).status(Severity.HIGH) == (
        CheckStatus.SKIPPED
    )
    assert CheckResult("c", findings=high, error="").status(Severity.HIGH) is CheckStatus.ERROR
    assert CheckResult("c", findings=high).status(Severity.HIGH) is CheckStatus.FAIL
    assert CheckResult("c", findings=high).status(Severity.BLOCKER) is CheckStatus.PASS
    assert CheckResult("c").status(Severity.INFO) is CheckStatus.PASS


def test_report_status_error_wins_unless_errors_do_not_fail() -> None:
    errored = report(make("blocker"), errors={"dns": "unreachable"})
    assert errored.status == "error"
    assert report(make("blocker"), errors={"dns": "x"}, errors_fail=False).status == "fail"
    assert report(errors={"dns": "x"}, errors_fail=False).status == "pass"
    assert report(make("medium")).status == "pass"
    assert report(make("medium"), fail_on="medium").status == "fail"
    assert errored.check_status(errored.checks[-1]) is CheckStatus.ERROR
    failing = report(make("high"), make("low", check="env"))
    statuses = {c.check: failing.check_status(c) for c in failing.checks}
    assert statuses == {"secrets": CheckStatus.FAIL, "env": CheckStatus.PASS}


def test_counts_list_every_severity_including_zero() -> None:
    counts = report(make("high"), make("high", line=4), make("info")).counts()
    assert counts == {"blocker": 0, "high": 2, "medium": 0, "low": 0, "info": 1}
    assert list(counts) == ["blocker", "high", "medium", "low", "info"]


def test_report_routes_are_every_checks_routes_in_order() -> None:
    a = RouteMetric(route="a", samples=1, p50_ms=1, p95_ms=1)
    b = RouteMetric(route="b", samples=1, p50_ms=1, p95_ms=1)
    r = Report(
        "1", Severity.HIGH, (CheckResult("perf", routes=(a,)), CheckResult("x", routes=(b,))), ()
    )
    assert r.routes == (a, b)


def test_dedupe_keeps_the_most_severe_duplicate_wherever_it_comes() -> None:
    low, blocker, medium = make("low"), make("blocker"), make("medium")
    assert dedupe([low, blocker, medium]) == [blocker]
    assert dedupe([blocker, low]) == [blocker]


def test_dedupe_keeps_the_first_of_equally_severe_duplicates() -> None:
    first, second = make(message="first"), make(message="second")
    (kept,) = dedupe([first, second])
    assert kept.message == "first"
    assert dedupe([make(line=1), make(line=2)]) == [make(line=1), make(line=2)]


def test_sort_is_worst_first_then_check_rule_path_line_and_where() -> None:
    findings = [
        make("low", check="a"),
        make("high", check="b"),
        make("high", check="a", rule="z"),
        make("high", check="a", rule="y", path="b.py"),
        make("high", check="a", rule="y", path="a.py", line=9),
        make("high", check="a", rule="y", path="a.py", line=2),
        make("high", check="a", rule="y", path=None, line=None, url="https://b"),
        make("high", check="a", rule="y", path=None, line=None, domain="a.test"),
    ]
    ordered = sort_findings(reversed(findings))
    assert [(f.severity.value, f.check, f.rule, f.location.describe()) for f in ordered] == [
        ("high", "a", "y", "a.test"),
        ("high", "a", "y", "https://b"),
        ("high", "a", "y", "a.py:2"),
        ("high", "a", "y", "a.py:9"),
        ("high", "a", "y", "b.py:3"),
        ("high", "a", "z", "app/x.py:3"),
        ("high", "b", "secrets.aws", "app/x.py:3"),
        ("low", "a", "secrets.aws", "app/x.py:3"),
    ]


def test_sort_puts_missing_path_line_and_target_first_not_after_fingerprint_order() -> None:
    # Fingerprints ordered against the expected order, so only the sort key itself can win.
    pairs = [
        (make(path=None, fingerprint="z"), make(path="A.py", fingerprint="a")),
        (make(line=None, fingerprint="z"), make(line=1, fingerprint="a")),
        (
            make(path=None, line=None, fingerprint="z"),
            make(path=None, line=None, domain="A.example", fingerprint="a"),
        ),
        (
            make(path=None, line=None, route="a", fingerprint="z"),
            make(path=None, line=None, route="b", fingerprint="a"),
        ),
        (
            make(path=None, line=None, domain="a.test", fingerprint="z"),
            make(path=None, line=None, domain="b.test", fingerprint="a"),
        ),
        (
            make(path=None, line=None, url="https://a", fingerprint="z"),
            make(path=None, line=None, url="https://b", fingerprint="a"),
        ),
    ]
    for first, second in pairs:
        assert sort_findings([second, first]) == [first, second], first.location


def _prefixed_paths(r: Report) -> tuple[list[str | None], list[str | None], list[str | None]]:
    return (
        [f.location.path for f in r.findings],
        [f.location.path for c in r.checks for f in c.findings],
        [s.finding.location.path for s in r.suppressed],
    )


def test_path_prefix_applies_to_findings_per_check_findings_and_suppressed_findings() -> None:
    inner, absolute, pathless = (
        make(),
        make(path="/etc/x", line=1),
        make(path=None, url="https://u"),
    )
    r = report(inner, absolute, pathless, suppressed=(Suppressed(make(path="t/a.py"), "why"),))
    moved = with_path_prefix(r, "/service/")
    findings, per_check, suppressed = _prefixed_paths(moved)
    assert findings == ["service/app/x.py", "/etc/x", None]
    assert sorted(per_check, key=str) == sorted(findings, key=str)
    assert suppressed == ["service/t/a.py"]
    assert moved.suppressed[0].reason == "why"
    assert moved.findings[0].message == inner.message
    assert moved.findings[0].location.line == inner.location.line


@pytest.mark.parametrize(
    ("prefix", "directory"),
    [
        ("./service", "service"),
        ("service/.", "service"),
        ("./service/", "service"),
        ("service//", "service"),
        ("/Xsvc/", "Xsvc"),
    ],
)
def test_path_prefix_with_dots_and_slashes_names_the_same_directory(
    prefix: str, directory: str
) -> None:
    findings, per_check, _ = _prefixed_paths(with_path_prefix(report(make()), prefix))
    assert findings == per_check == [f"{directory}/app/x.py"]


@pytest.mark.parametrize("prefix", ["", ".", "./", "/", "//"])
def test_path_prefix_of_the_repository_root_changes_nothing(prefix: str) -> None:
    r = report(make())
    assert with_path_prefix(r, prefix) is r


def test_verdict_counts_blockers_in_plural_and_errored_checks() -> None:
    ran = Report("1", Severity.HIGH, (CheckResult("env"),), ())
    assert verdict(ran) == "GO: no findings"
    assert verdict(report(make("low"))) == "GO: 1 low"
    one = verdict(report(make("blocker"), make("high"), make("high", line=9)))
    assert one == "NO-GO: 1 launch blocker, 2 high"
    two = report(make("blocker"), make("blocker", line=8), make("info"))
    assert verdict(two) == "NO-GO: 2 launch blockers, 1 info"
    assert verdict(report(errors={"dns": "x"})) == "NO-GO: 1 check errored"
    assert verdict(report(errors={"dns": "x", "perf": "y"})) == "NO-GO: 2 checks errored"
    assert verdict(report(errors={"dns": "x"}, errors_fail=False)) == "GO: 1 check errored"


def test_a_gate_that_checked_nothing_never_says_go() -> None:
    assert verdict(report()) == "SKIPPED: nothing was checked"
    notes_only = Report(
        "1", Severity.HIGH, (CheckResult("manifest", findings=(make("info"),)),), (make("info"),)
    )
    assert verdict(notes_only) == "SKIPPED: nothing was checked"
    skipped = Report(
        "1",
        Severity.HIGH,
        (
            CheckResult("dns", summary="not in this version", skipped=True),
            CheckResult("perf", summary="left out with --skip", skipped=True),
        ),
        (),
    )
    assert verdict(skipped) == (
        "SKIPPED: nothing was checked (dns: not in this version; perf: left out with --skip)"
    )
    assert verdict(report(make("blocker"))) == "NO-GO: 1 launch blocker"


def test_a_certificate_fact_is_written_with_names_as_a_list_and_days_to_a_tenth() -> None:
    fact = certificate_fact(
        host="app.example.com",
        not_before="2026-10-01T00:00:00+00:00",
        not_after="2026-12-30T00:00:00+00:00",
        days_left=30.46,
        names=("app.example.com", "www.example.com"),
        hostname_match=False,
    )
    assert fact.to_dict() == {
        "check": "smoke",
        "host": "app.example.com",
        "port": 443,
        "issuer": "CN=R11,O=Let's Encrypt,C=US",
        "not_before": "2026-10-01T00:00:00+00:00",
        "not_after": "2026-12-30T00:00:00+00:00",
        "days_left": 30.5,
        "names": ["app.example.com", "www.example.com"],
        "chain_verified": True,
        "hostname_match": False,
        "tls_version": "TLSv1.3",
        "sha256": "ab" * 32,
    }
    assert type(fact.to_dict()["names"]) is list
    assert dataclasses.replace(fact, days_left=-2.26).to_dict()["days_left"] == -2.3

"""JUnit XML: parses whatever the findings say, and its counts match its testcases."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchgate.findings import Finding
from launchgate.report import junit
from tests.report.conftest import (
    HOSTILE,
    hostile_findings,
    hostile_text,
    make_finding,
    make_report,
    rich_report,
)

_KINDS = ("failure", "error", "skipped")


def _parse(text: str) -> ET.Element:
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>\n<testsuites")
    root = ET.fromstring(text.encode("utf-8"))
    _assert_counts(root)
    return root


def _assert_counts(root: ET.Element) -> None:
    """Every suite's attributes match its testcases, and the root's are the sums."""
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        counts = {
            "tests": len(cases),
            "failures": sum(c.find("failure") is not None for c in cases),
            "errors": sum(c.find("error") is not None for c in cases),
            "skipped": sum(c.find("skipped") is not None for c in cases),
        }
        assert {k: int(suite.get(k, "-1")) for k in counts} == counts
        assert cases, "a suite without testcases hides the check from reporters"
        for case in cases:
            assert sum(case.find(k) is not None for k in _KINDS) <= 1
        for key, value in counts.items():
            totals[key] += value
    assert {k: int(root.get(k, "-1")) for k in totals} == totals


def _suites(root: ET.Element) -> dict[str, ET.Element]:
    return {s.get("name", ""): s for s in root.iter("testsuite")}


def test_one_suite_per_check_with_the_right_outcome() -> None:
    findings = [
        make_finding("secrets", "secrets.aws-key", "blocker", "AWS key", path="a.py", line=3),
        make_finding("secrets", "secrets.generic", "low", "Maybe a key", path="b.py", line=1),
        make_finding("smoke", "smoke.status", "high", "500 on /", url="https://x.test/"),
    ]
    report = make_report(
        findings,
        checks=["env", "secrets", "smoke"],
        errors={"dns": "SERVFAIL from 127.0.0.1"},
        skipped=["perf"],
        summaries={"env": "12 variables ok", "perf": "no routes"},
        durations={"secrets": 2345},
        suppressed=[(make_finding("secrets", "secrets.test", path="t.py"), "test fixture")],
    )
    root = _parse(junit.render(report))
    assert root.get("name") == "launchgate"
    suites = _suites(root)
    assert list(suites) == ["env", "secrets", "smoke", "dns", "perf"]

    [env] = suites["env"].findall("testcase")
    assert (env.get("classname"), env.get("name"), len(env)) == ("env", "12 variables ok", 0)

    secrets = suites["secrets"]
    assert secrets.get("time") == "2.345"
    aws, generic, suppressed = secrets.findall("testcase")
    assert (aws.get("classname"), aws.get("name")) == ("secrets", "secrets.aws-key a.py:3")
    failure = aws.find("failure")
    assert failure is not None
    assert (failure.get("message"), failure.get("type")) == ("AWS key", "blocker")
    assert failure.text is not None
    assert failure.text.splitlines() == [
        "[blocker] AWS key",
        "It is wrong: measured 2, expected 1",
        "Location: a.py:3",
        "Remediation: Fix it.",
        f"Fingerprint: {findings[0].fingerprint}",
    ]
    # Below fail_on: a passing testcase that still tells what was found.
    assert generic.find("failure") is None
    out = generic.find("system-out")
    assert out is not None and out.text is not None
    assert out.text.startswith("[low] Maybe a key\n")
    skipped = suppressed.find("skipped")
    assert skipped is not None and skipped.get("message") == "suppressed: test fixture"

    [smoke] = suites["smoke"].findall("testcase")
    assert smoke.get("name") == "smoke.status https://x.test/"

    [dns] = suites["dns"].findall("testcase")
    error = dns.find("error")
    assert error is not None and error.get("message") == "SERVFAIL from 127.0.0.1"

    [perf] = suites["perf"].findall("testcase")
    skip = perf.find("skipped")
    assert skip is not None and skip.get("message") == "no routes"

    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "7",
        "2",
        "1",
        "2",
    )


@pytest.mark.parametrize(("fail_on", "failures"), [("blocker", 0), ("medium", 1), ("info", 3)])
def test_fail_on_decides_what_is_a_failure(fail_on: str, failures: int) -> None:
    findings = [make_finding(rule=f"r.{s}", severity=s) for s in ("high", "low", "info")]
    root = _parse(junit.render(make_report(findings, fail_on=fail_on)))
    assert root.get("failures") == str(failures)


def test_errored_check_keeps_its_partial_findings() -> None:
    report = make_report([make_finding("dns", "dns.spf")], errors={"dns": "timed out"})
    cases = _suites(_parse(junit.render(report)))["dns"].findall("testcase")
    assert [c.get("name") for c in cases] == ["check could not run", "dns.spf"]


def test_hostile_text_parses_and_keeps_what_xml_can_carry() -> None:
    findings = [
        make_finding(rule=f"r.{i}{h}", title=h, message=h, remediation=h, path=f"p/{h}")
        for i, h in enumerate(HOSTILE)
    ]
    report = make_report(findings, errors={"tls": "".join(HOSTILE)}, summaries={"x": HOSTILE[0]})
    root = _parse(junit.render(report))
    texts = " ".join(e.text or "" for e in root.iter())
    assert "<script>alert(1)</script>" in texts
    assert "]]> <!-- &amp;" in texts
    assert "é 漢字 🚀" in texts
    assert "\x1b" not in texts and "\x00" not in texts


@settings(max_examples=200, deadline=None)
@given(
    findings=st.lists(
        hostile_findings(st.one_of(st.sampled_from(["secrets", "dns"]), hostile_text)),
        max_size=5,
    ),
    error=st.one_of(st.none(), hostile_text),
    reason=hostile_text,
)
def test_any_text_gives_parseable_consistent_xml(
    findings: list[Finding], error: str | None, reason: str
) -> None:
    suppressed = [(findings[0], reason)] if findings else []
    errors = {"dns": error} if error is not None else None
    report = make_report(findings, checks=["env"], errors=errors, suppressed=suppressed)
    root = _parse(junit.render(report))
    cases = int(root.get("tests", "0"))
    assert cases >= len(findings) + len(suppressed)


def test_the_whole_junit_document_is_pinned() -> None:
    """Skipped, errored, failing, passing and empty checks, suppressions and times, exactly."""
    import dataclasses

    from launchgate.findings import CheckResult

    rich = rich_report()
    extra = (CheckResult("smoke", skipped=True), CheckResult("quiet", duration_ms=1))
    report = dataclasses.replace(rich, checks=rich.checks + extra)
    assert junit.render(report).splitlines() == [
        "<?xml version='1.0' encoding='utf-8'?>",
        '<testsuites name="launchgate" tests="7" failures="1" errors="1" skipped="2" time="5.023">',
        '  <testsuite name="dns" tests="1" failures="0" errors="1" skipped="0" time="5.000">',
        '    <testcase classname="dns" name="check could not run">',
        '      <error message="resolver timed out" type="error">resolver timed out</error>',
        "    </testcase>",
        "  </testsuite>",
        '  <testsuite name="secrets" tests="1" failures="1" errors="0" skipped="0" time="0.012">',
        '    <testcase classname="secrets" name="secrets.aws a.py:3">',
        '      <failure message="AWS key" type="blocker">[blocker] AWS key',
        "ghp_…xY12 in a.py",
        "Location: a.py:3",
        "Remediation: Rotate it.",
        "Fingerprint: ffffffffffffffffffffffffffffffff</failure>",
        "    </testcase>",
        "  </testsuite>",
        '  <testsuite name="env" tests="2" failures="0" errors="0" skipped="1" time="0.003">',
        '    <testcase classname="env" name="env.missing">',
        "      <system-out>[low] Missing X",
        "Missing X",
        "Remediation: Fix it.",
        "Fingerprint: eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee</system-out>",
        "    </testcase>",
        '    <testcase classname="env" name="env.extra tests/x.py:1">',
        '      <skipped message="suppressed: test data[2K" />',
        "    </testcase>",
        "  </testsuite>",
        '  <testsuite name="perf" tests="1" failures="0" errors="0" skipped="0" time="0.007">',
        '    <testcase classname="perf" name="2 routes" />',
        "  </testsuite>",
        '  <testsuite name="smoke" tests="1" failures="0" errors="0" skipped="1" time="0.000">',
        '    <testcase classname="smoke" name="skipped">',
        '      <skipped message="check skipped" />',
        "    </testcase>",
        "  </testsuite>",
        '  <testsuite name="quiet" tests="1" failures="0" errors="0" skipped="0" time="0.001">',
        '    <testcase classname="quiet" name="no findings" />',
        "  </testsuite>",
        "</testsuites>",
    ]


def test_every_suppressed_finding_of_a_check_is_counted_as_skipped() -> None:
    suppressed = [
        (make_finding("secrets", "secrets.a", path="a.py"), "fixture"),
        (make_finding("secrets", "secrets.b", path="b.py"), "fixture"),
    ]
    root = _parse(junit.render(make_report(checks=["secrets"], suppressed=suppressed)))
    assert _suites(root)["secrets"].get("skipped") == "2"
    assert root.get("skipped") == "2"


def test_a_suppressed_finding_of_a_check_with_no_result_still_has_its_suite() -> None:
    quiet = make_finding("dns", "dns.spf", path="example.test")
    root = _parse(junit.render(make_report(checks=["env"], suppressed=[(quiet, "known")])))
    (case,) = _suites(root)["dns"].findall("testcase")
    assert case.get("classname") == "dns"
    skipped = case.find("skipped")
    assert skipped is not None and skipped.get("message") == "suppressed: known"


def test_a_message_attribute_is_one_line_and_the_body_keeps_the_lines() -> None:
    finding = make_finding("env", "env.x", "blocker", "first\nsecond", message="a\nb")
    root = _parse(junit.render(make_report([finding])))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and failure.get("message") == "first second"
    assert failure.text is not None and "\na\nb\n" in failure.text

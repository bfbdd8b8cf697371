"""JUnit XML for test reporters (dorny/test-reporter, Jenkins, GitLab, Azure DevOps, ...).

One ``<testsuite>`` per check and one ``<testcase>`` per rule and target. Findings at or above
``fail_on`` are failures; findings below it pass but say what was found in ``<system-out>``, so a
test reporter shows them without failing the build. Suppressed findings are skipped testcases
with the manifest's reason. Built with ElementTree from cleaned text, so the document always
parses: no control characters or lone surrogates reach it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence

from launchgate.findings import CheckResult, Finding, Report, sort_findings
from launchgate.report._common import clean, truncate

MESSAGE_LIMIT = 500  # attribute values stay short; the full text is in the element body


def _line(text: object) -> str:
    return truncate(clean(text).replace("\n", " "), MESSAGE_LIMIT)


def _case(suite: ET.Element, check: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=_line(check), name=_line(name))


def _case_name(finding: Finding) -> str:
    where = finding.location.describe()
    return f"{finding.rule} {where}" if where else finding.rule


def _body(finding: Finding) -> str:
    lines = [f"[{finding.severity.value}] {finding.title}", finding.message]
    if finding.location.describe():
        lines.append(f"Location: {finding.location.describe()}")
    if finding.remediation:
        lines.append(f"Remediation: {finding.remediation}")
    lines.append(f"Fingerprint: {finding.fingerprint}")
    return clean("\n".join(line for line in lines if line))


def _suite(
    report: Report,
    result: CheckResult,
    findings: Sequence[Finding],
    suppressed: Sequence[tuple[Finding, str]],
) -> tuple[ET.Element, Counter[str]]:
    suite = ET.Element("testsuite", name=_line(result.check))
    counts: Counter[str] = Counter()
    if result.skipped:
        case = _case(suite, result.check, "skipped")
        ET.SubElement(case, "skipped", message=_line(result.summary or "check skipped"))
        counts["skipped"] = 1  # the first testcase of the suite
    if result.error is not None:
        case = _case(suite, result.check, "check could not run")
        error = ET.SubElement(case, "error", message=_line(result.error), type="error")
        error.text = clean(result.error)
        counts["errors"] = 1  # a check has one error at most
    for finding in findings:
        case = _case(suite, result.check, _case_name(finding))
        if finding.severity.at_least(report.fail_on):
            failure = ET.SubElement(
                case, "failure", message=_line(finding.title), type=finding.severity.value
            )
            failure.text = _body(finding)
            counts["failures"] += 1
        else:
            ET.SubElement(case, "system-out").text = _body(finding)
    for finding, reason in suppressed:
        case = _case(suite, result.check, _case_name(finding))
        ET.SubElement(case, "skipped", message=_line(f"suppressed: {reason}"))
        counts["skipped"] += 1
    if len(suite) == 0:
        _case(suite, result.check, result.summary or "no findings")
    counts["tests"] = len(suite)
    seconds = result.duration_ms / 1000
    for key in ("tests", "failures", "errors", "skipped"):
        suite.set(key, str(counts[key]))
    suite.set("time", f"{seconds:.3f}")
    return suite, counts


def render(report: Report) -> str:
    """The report as a JUnit XML document (``<testsuites>``, one suite per check)."""
    findings: dict[str, list[Finding]] = {r.check: [] for r in report.checks}
    for finding in sort_findings(report.findings):
        findings.setdefault(finding.check, []).append(finding)
    suppressed: dict[str, list[tuple[Finding, str]]] = {}
    for item in report.suppressed:
        suppressed.setdefault(item.finding.check, []).append((item.finding, item.reason))
        findings.setdefault(item.finding.check, [])
    results = {r.check: r for r in report.checks}

    root = ET.Element("testsuites", name="launchgate")
    totals: Counter[str] = Counter()
    millis = 0
    for check, check_findings in findings.items():
        result = results.get(check, CheckResult(check=check))
        suite, counts = _suite(report, result, check_findings, suppressed.get(check, []))
        root.append(suite)
        totals.update(counts)
        millis += result.duration_ms
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(totals[key]))
    root.set("time", f"{millis / 1000:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"

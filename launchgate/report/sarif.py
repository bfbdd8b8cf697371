"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF viewer).

Code scanning rejects a result without a physical location in the repository ("expected at least
one location" / "expected artifact location") and rejects URL schemes in ``artifactLocation.uri``.
So findings about URLs, domains or routes are placed on the manifest that declares them (line 1),
and what they are really about goes in ``logicalLocations`` and the message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from launchgate.findings import Finding, Location, Report, RuleInfo, Severity, sort_findings
from launchgate.report._common import clean, repo_relative

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/launchgate/launchgate"
FINGERPRINT_KEY = "launchgateFingerprint/v1"
SRCROOT = "%SRCROOT%"
MAX_RESULTS = 25_000  # code scanning rejects a run with more results (and more rules)

LEVEL = {
    Severity.BLOCKER: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub buckets: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {
    Severity.BLOCKER: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
# Checks whose findings are security problems; code scanning uses security-severity only for
# rules tagged "security", and shows the others by level (error/warning/note).
SECURITY_CHECKS = frozenset({"secrets", "tls", "email", "dns", "headers", "env"})


def artifact_uri(path: str) -> str:
    """A relative URI reference (RFC 3986) for a repository path: segments percent-encoded."""
    return quote(path, safe="/")


def _rule(finding: Finding, info: RuleInfo | None) -> dict[str, Any]:
    """Rule metadata from the check's rule catalogue, else from the rule's worst finding."""
    if info is not None:
        title = clean(info.title) or finding.rule
        full = clean(info.description) or title
        remediation = clean(info.remediation) or clean(finding.remediation)
    else:
        title = clean(finding.title) or finding.rule
        full = f"{title} (reported by the launchgate {finding.check} check)"
        remediation = clean(finding.remediation)
    remediation = remediation or "No remediation is recorded for this rule."
    tags = [finding.check, "launchgate"]
    if finding.check in SECURITY_CHECKS:
        tags.append("security")
    return {
        "id": clean(finding.rule),
        "name": clean(finding.rule),
        "shortDescription": {"text": title},
        "fullDescription": {"text": full},
        "help": {"text": remediation, "markdown": f"**Remediation:** {remediation}"},
        "defaultConfiguration": {"level": LEVEL[finding.severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[finding.severity],
            "tags": tags,
        },
    }


def _logical(loc: Location) -> list[dict[str, str]]:
    out = []
    for kind, value in (("route", loc.route), ("url", loc.url), ("domain", loc.domain)):
        if value:
            name = clean(value)
            out.append({"name": name, "fullyQualifiedName": f"{kind}:{name}", "kind": "resource"})
    return out


def _location(finding: Finding, root: Path | None, manifest: str) -> dict[str, Any]:
    loc = finding.location
    path = repo_relative(loc.path, root)
    physical: dict[str, Any]
    if path is not None:
        physical = {"artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT}}
        line, column = loc.line or 0, loc.column or 0
        if line > 0:  # SARIF lines and columns start at 1
            region: dict[str, int] = {"startLine": line}
            if column > 0:
                region["startColumn"] = column
            physical["region"] = region
    else:
        physical = {
            "artifactLocation": {"uri": artifact_uri(manifest), "uriBaseId": SRCROOT},
            "region": {"startLine": 1},
        }
    location: dict[str, Any] = {"physicalLocation": physical}
    logical = _logical(loc)
    if logical:
        location["logicalLocations"] = logical
    return location


def _message(finding: Finding, in_repo: bool) -> str:
    """Title and message; where the finding is, when that is not a file in the repository."""
    title, message = clean(finding.title), clean(finding.message)
    text = f"{title}: {message}" if title and message else title or message or clean(finding.rule)
    where = clean(finding.location.describe())
    return f"{text}\n(at {where})" if where and not in_repo else text


def _result(
    finding: Finding, index: int, root: Path | None, manifest: str, reason: str | None
) -> dict[str, Any]:
    in_repo = repo_relative(finding.location.path, root) is not None
    result: dict[str, Any] = {
        "ruleId": clean(finding.rule),
        "ruleIndex": index,
        "level": LEVEL[finding.severity],
        "message": {"text": _message(finding, in_repo)},
        "locations": [_location(finding, root, manifest)],
        "partialFingerprints": {FINGERPRINT_KEY: clean(finding.fingerprint)},
        "properties": {"severity": finding.severity.value, "check": finding.check},
    }
    if finding.location.commit:
        result["properties"]["commit"] = clean(finding.location.commit)
    if finding.remediation:
        result["properties"]["remediation"] = clean(finding.remediation)
    if reason is not None:
        result["suppressions"] = [{"kind": "external", "justification": clean(reason)}]
    return result


def _invocation(report: Report, dropped: int) -> dict[str, Any]:
    errors = [
        {
            "level": "error",
            "message": {"text": f"check {clean(r.check)} could not run: {clean(r.error)}"},
            "descriptor": {"id": clean(r.check)},
        }
        for r in report.checks
        if r.error is not None
    ]
    invocation: dict[str, Any] = {"executionSuccessful": not errors}
    notes = list(errors)
    if dropped:
        text = (
            f"{dropped} findings left out: code scanning rejects more than {MAX_RESULTS} "
            "results per run; every finding is in the JSON report"
        )
        notes.append({"level": "warning", "message": {"text": text}})
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def _rules(
    findings: Iterable[Finding], catalogue: Mapping[str, RuleInfo]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    rules: list[dict[str, Any]] = []
    seen: set[str] = set()
    for finding in sort_findings(findings):  # worst first: a rule's defaults are its worst case
        if clean(finding.rule) not in seen:
            seen.add(clean(finding.rule))
            rules.append(_rule(finding, catalogue.get(finding.rule)))
    rules.sort(key=lambda r: str(r["id"]))
    return rules, {rule["id"]: i for i, rule in enumerate(rules)}


def render(
    report: Report,
    root: Path | None = None,
    *,
    manifest: str = "launchready.yml",
    max_results: int = MAX_RESULTS,
) -> str:
    """The report as a SARIF 2.1.0 log with one run; suppressed findings carry their reason.

    ``root`` makes absolute finding paths relative; ``manifest`` (repository-relative) is where
    findings without a file are placed. Past ``max_results`` (code scanning's hard limit per
    run) the least severe findings are left out and counted in a tool notification.
    """
    manifest_path = repo_relative(manifest, root) or "launchready.yml"
    entries: list[tuple[Finding, str | None]] = [(f, None) for f in sort_findings(report.findings)]
    entries += [(s.finding, s.reason) for s in report.suppressed]
    dropped = max(0, len(entries) - max_results)
    entries = entries[:max_results]  # the worst open findings first, suppressed ones last
    rules, index = _rules((f for f, _ in entries), report.rules)
    results = [_result(f, index[clean(f.rule)], root, manifest_path, why) for f, why in entries]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "launchgate",
                "version": clean(report.tool_version),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [_invocation(report, dropped)],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if root is not None:
        base = root.resolve().as_uri()
        base += "" if base.endswith("/") else "/"  # a base URI names a directory
        run["originalUriBaseIds"] = {SRCROOT: {"uri": base}}
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"

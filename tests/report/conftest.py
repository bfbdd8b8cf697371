"""Builders for reporter tests: real Finding/Report objects with terse defaults, plus strategies.

Plain functions (imported by the test modules), not fixtures, so hypothesis tests can call them
for every example.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from hypothesis import strategies as st

from launchgate.findings import (
    CheckResult,
    Finding,
    Location,
    Report,
    RouteMetric,
    Severity,
    Suppressed,
    sort_findings,
)

# Text that has broken (or could break) workflow commands, Markdown tables, XML or JSON.
HOSTILE = [
    "\n::set-output name=pwned::1",
    "\r::error::forged",
    "::add-mask::",
    "%0A::warning::encoded",
    "%25%3A%2C",
    "::stop-commands::tok",
    "a\u2028::notice::ls",
    "b\u2029::notice::ps",
    "c\x85::notice::nel",
    "\x0b\x0c\x1c\x1d\x1e",
    "\x00\x1b[2K\x7f\x9b",
    "title=x,line=9::y",
    "| pipe | <script>alert(1)</script> `code` **bold** [l](http://e) ~~s~~ $x$",
    "]]> <!-- &amp; \ud800 \udfff \ufffe \uffff",
    "##[set-output name=a;]b",
    "é 漢字 🚀",
]

# Any code point, surrogates included, weighted towards the hostile ones above.
hostile_text = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=()), max_size=40),
    st.lists(st.sampled_from(HOSTILE), max_size=4).map("".join),
    st.lists(
        st.one_of(st.sampled_from(HOSTILE), st.text(alphabet=st.characters(exclude_categories=()))),
        max_size=5,
    ).map("".join),
)


def make_finding(
    check: str = "secrets",
    rule: str | None = None,
    severity: Severity | str = Severity.HIGH,
    title: str = "A problem",
    message: str = "It is wrong: measured 2, expected 1",
    *,
    remediation: str = "Fix it.",
    fingerprint: str = "",
    **location: Any,
) -> Finding:
    """A finding; keyword arguments not named above become Location fields (path, line, url...).

    The fingerprint is computed here when not given: ``findings.fingerprint_of`` cannot encode
    lone surrogates, which the hostile strategies produce in paths and URLs.
    """
    if not fingerprint:
        parts = (check, rule, severity, *sorted(location.items()))
        fingerprint = hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return Finding(
        check=check,
        rule=rule or f"{check}.example-rule",
        severity=Severity(severity),
        title=title,
        message=message,
        location=Location(**location),
        remediation=remediation,
        fingerprint=fingerprint,
    )


def hostile_findings(check: st.SearchStrategy[str], **extra: Any) -> st.SearchStrategy[Finding]:
    """Findings whose every text field is hostile; ``extra`` adds or overrides fields."""
    fields: dict[str, Any] = {
        "check": check,
        "rule": hostile_text,
        "severity": st.sampled_from(list(Severity)),
        "title": hostile_text,
        "message": hostile_text,
        "remediation": hostile_text,
        "path": st.one_of(st.none(), hostile_text),
        "url": st.one_of(st.none(), hostile_text),
    }
    return st.builds(make_finding, **{**fields, **extra})


def make_report(
    findings: Iterable[Finding] = (),
    *,
    fail_on: Severity | str = Severity.HIGH,
    checks: Iterable[str] = (),
    errors: Mapping[str, str] | None = None,
    skipped: Iterable[str] = (),
    suppressed: Iterable[tuple[Finding, str]] = (),
    routes: Iterable[RouteMetric] = (),
    summaries: Mapping[str, str] | None = None,
    durations: Mapping[str, int] | None = None,
    version: str = "1.2.3",
) -> Report:
    """A report whose checks are those named in ``checks``, errors, skips and the findings."""
    findings = sort_findings(findings)
    errors = dict(errors or {})
    skipped = list(skipped)
    routes = tuple(routes)
    order: list[str] = []
    for name in [*checks, *errors, *skipped, *(f.check for f in findings)]:
        if name not in order:
            order.append(name)
    if routes and "perf" not in order:
        order.append("perf")
    results = tuple(
        CheckResult(
            check=name,
            findings=tuple(f for f in findings if f.check == name),
            summary=(summaries or {}).get(name, f"{name} summary"),
            error=errors.get(name),
            skipped=name in skipped,
            duration_ms=(durations or {}).get(name, 1500),
            routes=routes if name == "perf" else (),
        )
        for name in order
    )
    return Report(
        tool_version=version,
        fail_on=Severity(fail_on),
        checks=results,
        findings=tuple(findings),
        suppressed=tuple(Suppressed(finding=f, reason=r) for f, r in suppressed),
    )


def rich_report() -> Report:
    """Every part of a report at once: an errored check, a blocker, a low, a suppression, routes."""
    blocker = make_finding(
        "secrets",
        "secrets.aws",
        "blocker",
        title="AWS key",
        message="ghp_…xY12 in a.py",
        path="a.py",
        line=3,
        remediation="Rotate it.",
        fingerprint="f" * 32,
    )
    low = make_finding(
        "env", "env.missing", "low", title="Missing X", message="Missing X", fingerprint="e" * 32
    )
    hidden = make_finding("env", "env.extra", "info", title="t", path="tests/x.py", line=1)
    routes = [
        RouteMetric(route="home", samples=20, p50_ms=12.4, p95_ms=80.6, budget_p95_ms=300),
        RouteMetric(route="api", samples=20, p50_ms=1.0, p95_ms=2.0, baseline_p95_ms=1.6),
    ]
    return make_report(
        [blocker, low],
        errors={"dns": "resolver timed out"},
        suppressed=[(hidden, "test data\x1b[2K")],
        routes=routes,
        summaries={"secrets": "scanned 3 files", "env": "", "dns": "", "perf": "2 routes"},
        durations={"secrets": 12, "env": 3, "dns": 5000, "perf": 7},
    )

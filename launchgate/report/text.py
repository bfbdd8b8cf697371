"""The terminal report: grouped by check, worst first, ending in a one-line verdict."""

from __future__ import annotations

from collections.abc import Sequence

from launchgate.findings import (
    CheckStatus,
    Finding,
    Report,
    RouteMetric,
    Severity,
    checked_anything,
    verdict,
)

_COLOURS = {
    Severity.BLOCKER: "\x1b[1;41;97m",
    Severity.HIGH: "\x1b[1;31m",
    Severity.MEDIUM: "\x1b[33m",
    Severity.LOW: "\x1b[36m",
    Severity.INFO: "\x1b[2m",
}
_STATUS_COLOURS = {
    CheckStatus.PASS: "\x1b[32m",
    CheckStatus.FAIL: "\x1b[1;31m",
    CheckStatus.ERROR: "\x1b[1;35m",
    CheckStatus.SKIPPED: "\x1b[2m",
}
_RESET = "\x1b[0m"


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def _one_line(text: str) -> str:
    """Findings may carry text from scanned files: keep control characters off the terminal."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _finding_lines(finding: Finding, color: bool) -> list[str]:
    sev = _paint(f"{finding.severity.value.upper():<7}", _COLOURS[finding.severity], color)
    where = finding.location.describe()
    lines = [f"  {sev} {finding.rule}  {_one_line(finding.title)}"]
    if where:
        lines.append(f"          at {_one_line(where)}")
    if finding.message and finding.message != finding.title:
        lines.append(f"          {_one_line(finding.message)}")
    if finding.remediation:
        lines.append(f"          fix: {_one_line(finding.remediation)}")
    return lines


def render(report: Report, color: bool = False, verbose: bool = False) -> str:
    """Everything a person needs in a terminal; ``verbose`` adds fingerprints and suppressions."""
    out: list[str] = []
    for result in report.checks:
        status = report.check_status(result)
        head = _paint(status.value.upper(), _STATUS_COLOURS[status], color)
        summary = f" — {_one_line(result.summary)}" if result.summary else ""
        out.append(f"{result.check} [{head}] ({result.duration_ms} ms){summary}")
        if result.error is not None:
            out.append(f"  error: {_one_line(result.error)}")
        for finding in result.findings:
            out.extend(_finding_lines(finding, color))
            if verbose:
                out.append(f"          fingerprint: {finding.fingerprint}")
        out.append("")
    if not checked_anything(report):
        out.append("No check ran; configure one in launchready.yml (see `launchgate init`).")
        out.append("")
    if report.routes:
        out.extend(latency_table(report.routes))
        out.append("")
    if report.suppressed:
        out.append(f"{len(report.suppressed)} finding(s) suppressed by the manifest.")
        if verbose:
            for s in report.suppressed:
                out.append(
                    f"  {s.finding.rule} {s.finding.location.describe()}: {_one_line(s.reason)}"
                )
        out.append("")
    line = verdict(report)
    code = {"pass": "\x1b[1;32m", "skipped": "\x1b[1;33m"}.get(report.status, "\x1b[1;31m")
    out.append(_paint(line, code, color))
    return "\n".join(out) + "\n"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def latency_table(routes: Sequence[RouteMetric]) -> list[str]:
    """The per-route latency table: p95 of total time with its 95% bounds, budget, baseline."""
    width = min(40, max(5, *(len(_one_line(r.route)) for r in routes)))
    head = (
        f"  {'route':<{width}} {'samples':>7} {'p50':>6} {'p95 [95% bounds]':>20} "
        f"{'budget':>15} {'baseline':>8} {'change':>7}  verdict"
    )
    out = ["latency, total time per request (ms)", head]
    for r in routes:
        bounds = ""
        if r.p95_low_ms is not None:
            bounds = (
                f" [{_ms(r.p95_low_ms)}-{'inf' if r.p95_high_ms is None else _ms(r.p95_high_ms)}]"
            )
        budget = _ms(r.budget_p95_ms) + (" (default)" if r.budget_default else "")
        if r.budget_p50_ms is not None:  # both are judged: show both
            budget = f"p50 {_ms(r.budget_p50_ms)}, p95 {budget}"
        change = "-"
        if r.baseline_p95_ms:
            change = f"{(r.p95_ms - r.baseline_p95_ms) / r.baseline_p95_ms:+.0%}"
        name = _one_line(r.route)
        name = name if len(name) <= width else name[: width - 1] + "…"
        out.append(
            f"  {name:<{width}} {r.samples:>7} {_ms(r.p50_ms):>6} {_ms(r.p95_ms) + bounds:>20} "
            f"{budget:>15} {_ms(r.baseline_p95_ms):>8} {change:>7}  {_one_line(r.verdict or '-')}"
        )
    return out

"""The audit as text (terminal) and Markdown (a pull request, an issue, the job summary).

Evidence is untrusted text from scanned files, HTTP answers and DNS records: text output keeps
it on one cleaned line; Markdown escapes it with the job summary's cell escaping, so a finding
can never add links, HTML or formatting to the document.
"""

from __future__ import annotations

from launchgate.deliver.audit import Audit
from launchgate.deliver.risks import Risk
from launchgate.report._common import clean, truncate
from launchgate.report.github_summary import cell

EVIDENCE_LIMIT = 400
SEVERITY_WORDS = {
    "blocker": "LAUNCH BLOCKER",
    "high": "HIGH",
    "medium": "MEDIUM",
    "low": "LOW",
    "info": "INFO",
}


def one_line(text: str, limit: int = EVIDENCE_LIMIT) -> str:
    return truncate(" ".join(clean(text).split()), limit)


def origin(risk: Risk) -> str:
    if risk.source == "gap":
        return "gap in the launch plan"
    return f"{risk.count} finding{'s' if risk.count != 1 else ''}: {', '.join(risk.rules)}"


def render_text(audit: Audit) -> str:
    lines = [
        f"launchgate audit: {audit.project}",
        audit.verdict,
        f"(fail_on: {audit.fail_on.value}; {len(audit.risks)} risks)",
        "",
    ]
    for number, risk in enumerate(audit.risks, 1):
        lines.append(f"{number}. [{SEVERITY_WORDS[risk.severity.value]}] {one_line(risk.title)}")
        lines.append(f"   What customers see: {risk.impact}")
        lines.append(f"   Evidence ({one_line(origin(risk))}):")
        lines.extend(f"     - {one_line(e)}" for e in risk.evidence)
        for fix in risk.fixes:
            lines.append(f"   Fix: {one_line(fix)}")
        lines.append(f"   Effort: {risk.effort}")
        lines.append("")
    lines.append(_checks_text(audit))
    return "\n".join(lines).rstrip("\n") + "\n"


def _checks_text(audit: Audit) -> str:
    parts = [f"{c.id} {c.status}" for c in audit.checks]
    parts += [f"{name} not run" for name in audit.not_run]
    return "Checks: " + (", ".join(parts) if parts else "none ran")


def render_markdown(audit: Audit) -> str:
    head = "✅" if audit.go else "🛑"
    out = [
        f"# Launch audit: {cell(audit.project)}",
        "",
        f"**{head} {cell(audit.verdict)}**",
        "",
        f"Gate threshold: `{audit.fail_on.value}`. Risks are ranked by launch impact; related "
        "findings are grouped into one risk.",
        "",
    ]
    if audit.risks:
        out += ["| # | Severity | Risk | Effort |", "|---|---|---|---|"]
        for number, risk in enumerate(audit.risks, 1):
            sev = SEVERITY_WORDS[risk.severity.value]
            out.append(f"| {number} | {sev} | {cell(risk.title)} | {risk.effort} |")
        out.append("")
    for number, risk in enumerate(audit.risks, 1):
        sev = SEVERITY_WORDS[risk.severity.value]
        out += [
            f"## {number}. {cell(risk.title)}",
            "",
            f"**{sev}** · effort: {risk.effort} · {cell(origin(risk))}",
            "",
            f"**What customers see:** {cell(risk.impact)}",
            "",
            "**Evidence**",
            "",
        ]
        out += [f"- {cell(e, EVIDENCE_LIMIT)}" for e in risk.evidence] or ["- (none recorded)"]
        out += ["", "**Fix**", ""]
        out += [f"- {cell(fix, EVIDENCE_LIMIT)}" for fix in risk.fixes]
        out.append("")
    out += ["## Checks", "", "| Check | Status | Summary |", "|---|---|---|"]
    for check in audit.checks:
        summary = check.error or check.summary
        out.append(f"| {cell(check.id)} | {check.status} | {cell(summary)} |")
    for name in audit.not_run:
        out.append(f"| {cell(name)} | not run | no report from this check |")
    return "\n".join(out) + "\n"

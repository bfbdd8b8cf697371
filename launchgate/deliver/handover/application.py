"""What the application needs and exposes: env var names per environment (never values),
credentials left in git history with their rotation steps, critical routes with budgets and p95."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from launchgate.deliver import plan
from launchgate.deliver.audit import Audit
from launchgate.deliver.evidence import Evidence
from launchgate.deliver.handover.document import HandoverDoc, findings_of, observed, shown
from launchgate.deliver.state import SavedState
from launchgate.report.github_summary import cell


def env_vars_section(doc: HandoverDoc, data: Mapping[str, Any]) -> None:
    doc.section("Environment variables (names only, never values)")
    env = plan.section(data, "env")
    required = plan.items(env, "required")
    if not required:
        doc.gap(
            "Environment variables",
            "Declare the variables the app needs under `env.required` "
            "(`launchgate init` suggests them from the code).",
        )
        return
    envs = plan.section(data, "environments")
    sources = [str(s) for s in env.get("sources") or ["process"]]
    for name in sorted(envs) or ["(all)"]:
        files = [str(f) for f in plan.section(envs, name).get("env_files") or []]
        doc.lines += [f"**{cell(name)}** — sources: {cell(', '.join(sources + files))}", ""]
        rows = []
        for var in sorted(required, key=lambda v: str(v.get("name"))):
            scope = var.get("environments")
            if isinstance(scope, list) and name not in scope and name != "(all)":
                continue
            fmt = var.get("format") or ("pattern" if var.get("pattern") else "string")
            rows.append(
                [
                    str(var.get("name")),
                    str(fmt),
                    "yes" if var.get("secret") else "no",
                    "optional" if var.get("optional") else "required",
                ]
            )
        doc.table(["Variable", "Format", "Secret", "Needed"], rows)
        doc.lines.append("")


def leaked_secrets_section(doc: HandoverDoc, evidence: Evidence) -> None:
    doc.section("Secrets found in git history (rotate them)")
    if not observed(evidence, "secrets"):
        doc.gap(
            "Secrets in history",
            "Run `launchgate run --only secrets` with `secrets.history: true` "
            "and pass its JSON report.",
        )
        return
    leaked = [
        f
        for f in findings_of(evidence, "secrets.")
        if (f.get("details") or {}).get("scope") == "history"
    ]
    if not leaked:
        doc.lines.append("None found in the last full-history scan.")
        return
    rows = [
        [
            str(f["title"]),
            shown((f.get("location") or {}).get("path")),
            str((f.get("location") or {}).get("commit", ""))[:12] or "—",
            str(f["remediation"]),
        ]
        for f in leaked
    ]
    doc.table(["Kind", "File", "Commit", "Rotation steps"], rows)


def _budget(spec: Mapping[str, Any], metric: Mapping[str, Any]) -> str:
    """The declared p95 budget, else the launch default perf applied (when it ran)."""
    declared = plan.section(spec, "budget").get("p95_ms")
    if declared:
        return f"{declared} ms"
    applied = metric.get("budget_p95_ms")
    if metric.get("budget_default") is True and isinstance(applied, int | float):
        return f"{applied:g} ms (default)"
    return "default"


def routes_section(
    doc: HandoverDoc, data: Mapping[str, Any], evidence: Evidence, state: SavedState, audit: Audit
) -> None:
    doc.section("Critical routes")
    routes = plan.routes(data)
    if not routes:
        doc.gap(
            "Critical routes",
            "List the pages and APIs customers depend on under `routes:` "
            "with `expect` and `budget`.",
        )
        return
    metrics = {str(m["route"]): m for m in evidence.routes}
    flagged_by_perf = {
        str((f.get("location") or {}).get("route")) for f in findings_of(evidence, "perf.")
    }
    watched = {r.name for r in plan.watched_routes(data)}
    rows = []
    for r in routes:
        metric = metrics.get(r.name, {})
        p95 = metric["p95_ms"] if metric else state.last_p95.get(r.name)
        if isinstance(p95, int | float):
            last = f"{p95:g} ms"
        elif r.name in flagged_by_perf and observed(evidence, "perf"):
            last = "no samples in the last perf run (see the audit)"
        else:
            last = "not measured"
        rows.append(
            [
                r.name,
                f"{r.method} {r.url or r.spec.get('path')}",
                _budget(r.spec, metric),
                last,
                "yes" if r.name in watched else ("no (write route)" if r.kind == "write" else "no"),
            ]
        )
    doc.table(["Route", "Request", "p95 budget", "Last p95", "Monitored"], rows)
    doc.audit_gaps(audit, "Critical routes", "route-unmonitored")

"""HANDOVER.md: what a non-technical founder needs to run the product after launch.

Built from the manifest, the last reports and the saved state. Deterministic (no timestamps,
everything sorted) so regenerating on unchanged inputs gives an identical file and a changed
input shows as a readable diff. A section the inputs leave empty is never dropped: it says
"Gap" with how to fill it, and is listed again under "Gaps". No secret value ever appears: env
vars are listed by name, format and source; leaked keys by rule, file and commit only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from launchgate.deliver import plan
from launchgate.deliver.audit import Audit, expected_checks
from launchgate.deliver.evidence import Evidence
from launchgate.deliver.gaps import certificate_owners
from launchgate.deliver.risks import location_host
from launchgate.deliver.state import SavedState, records_by_name
from launchgate.report.github_summary import cell

_EMAIL_AUTH = ("spf", "dkim", "dmarc", "mx")


class _Doc:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.gaps: list[tuple[str, str]] = []

    def section(self, title: str) -> None:
        self.lines += ["", f"## {title}", ""]

    def gap(self, section: str, fix: str) -> None:
        self.lines.append(f"> **Gap:** {fix}")
        self.gaps.append((section, fix))

    def table(self, head: list[str], rows: list[list[str]]) -> None:
        self.lines.append("| " + " | ".join(head) + " |")
        self.lines.append("|" + "---|" * len(head))
        self.lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
        self.lines.append("")

    def audit_gaps(self, audit: Audit, section: str, *families: str) -> None:
        """The audit's gap risks of these families, placed in the section they belong to."""
        wanted = {f"gap.{f}" for f in families}
        for risk in audit.risks:
            if risk.family in wanted:
                self.gap(section, f"{cell(risk.title)}. {risk.fixes[0]}")


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def _findings(evidence: Evidence, prefix: str) -> list[Mapping[str, Any]]:
    return sorted(
        (f for f in evidence.findings if str(f["rule"]).startswith(prefix)),
        key=lambda f: (str(f["rule"]), str(f.get("location")), str(f["fingerprint"])),
    )


def _observed(evidence: Evidence, check: str) -> bool:
    run = evidence.checks.get(check)
    return run is not None and run.status in ("pass", "fail")


def _accounts(doc: _Doc, ops: Mapping[str, Any], audit: Audit) -> None:
    doc.section("Owners and accounts")
    accounts = plan.items(ops, "accounts")
    if not accounts:
        doc.gap(
            "Owners and accounts",
            "List each service account (registrar, DNS, hosting, email, "
            "error tracking) under `operations.accounts` with its `owner` and `where`.",
        )
        return
    rows = [
        [
            _text(a.get("kind")),
            _text(a.get("provider")),
            _text(a.get("owner")),
            _text(a.get("backup_owner")),
            _text(a.get("where")),
            _text(a.get("domains")),
        ]
        for a in sorted(accounts, key=lambda a: (str(a.get("kind")), str(a.get("provider"))))
    ]
    doc.table(["Kind", "Provider", "Owner", "Backup owner", "Where", "Domains"], rows)
    doc.audit_gaps(audit, "Owners and accounts", "account-unowned", "no-registrar")


def _domains(doc: _Doc, data: Mapping[str, Any], state: SavedState) -> None:
    doc.section("Domains and DNS records")
    domains = plan.items(data, "domains")
    seen = records_by_name(state.records)
    if not domains and not seen:
        doc.gap(
            "Domains and DNS records",
            "Declare your domains under `domains:` and run the "
            "nightly dns check so the record map is recorded.",
        )
        return
    names = sorted({str(d.get("name", "")).rstrip(".").lower() for d in domains} | set(seen))
    declared = {str(d.get("name", "")).rstrip(".").lower(): d for d in domains}
    rows = []
    for name in names:
        expect = plan.section(declared.get(name, {}), "expect")
        want = "; ".join(f"{t} {_text(v)}" for t, v in sorted(expect.items()))
        got = "; ".join(
            f"{t} {_text(v) if v else '(none)'}" for t, v in sorted(seen.get(name, {}).items())
        )
        rows.append([name, want or "—", got or "not observed yet"])
    doc.table(["Name", "Declared", "Observed (last snapshot)"], rows)
    if not state.records:
        doc.gap(
            "Domains and DNS records",
            "No DNS snapshot in the state directory: run "
            "`launchgate run --only dns --state-dir .launchgate` (the nightly workflow does).",
        )


def _redirects(doc: _Doc, data: Mapping[str, Any], evidence: Evidence) -> None:
    doc.section("Canonical URLs and redirects")
    redirects = [d for d in plan.items(data, "domains") if d.get("redirect_to")]
    rows = [
        [str(d["name"]), str(d["redirect_to"])]
        for d in sorted(redirects, key=lambda d: str(d["name"]))
    ]
    if rows:
        doc.table(["Entry point", "Must end at"], rows)
    problems = [
        f
        for f in evidence.findings
        if "redirect" in str(f["rule"]) or "canonical" in str(f["rule"])
    ]
    if not _observed(evidence, "smoke"):
        doc.lines.append("Observed: not yet (the smoke check has not run in these reports).")
    elif problems:
        doc.lines += ["Observed problems:", ""]
        doc.lines += [
            f"- {cell(f['message'])}" for f in sorted(problems, key=lambda f: str(f["message"]))
        ]
    else:
        doc.lines.append(
            "Observed: every entry point redirected as declared in the last smoke run."
        )
    if not rows:
        doc.gap(
            "Canonical URLs and redirects",
            "Set `redirect_to` on the domains that must "
            "forward to your canonical address (e.g. example.com -> https://www.example.com).",
        )


def _certificates(doc: _Doc, data: Mapping[str, Any], evidence: Evidence, audit: Audit) -> None:
    doc.section("Certificates")
    hosts = plan.web_hosts(data)
    if not hosts:
        doc.gap(
            "Certificates",
            "Declare domains or an environment `base_url` so certificates can be tracked.",
        )
        return
    owners = certificate_owners(data)
    seen = _observed(evidence, "smoke") or _observed(evidence, "dns")
    expiry: dict[str, str] = {}
    for finding in evidence.findings:
        details = finding.get("details") or {}
        host = location_host(finding.get("location") or {})
        if host and isinstance(details.get("not_after"), str):
            expiry[host.lower()] = details["not_after"][:10]  # the ISO date
    rows = [
        [
            h,
            owners.get(h, "nobody"),
            expiry.get(h, "no expiry warning in the last check" if seen else "not observed"),
        ]
        for h in hosts
    ]
    doc.table(["Host", "Certificate owner", "Expiry"], rows)
    doc.audit_gaps(audit, "Certificates", "certificate-unowned")


def _email(doc: _Doc, data: Mapping[str, Any], evidence: Evidence) -> None:
    doc.section("Email authentication (SPF, DKIM, DMARC)")
    domains = [str(d) for d in plan.section(data, "email").get("domains") or []]
    if not domains:
        doc.gap(
            "Email authentication",
            "If the product sends mail, list the sending domains under "
            "`email.domains` with their `dkim_selectors`.",
        )
        return
    ran = _observed(evidence, "dns")
    rows = []
    for domain in sorted(domains):
        mine = [
            f
            for f in _findings(evidence, "email.")
            if (f.get("location") or {})
            .get("domain", "")
            .rstrip(".")
            .lower()
            .endswith(domain.lower())
        ]
        cells = [domain]
        for part in _EMAIL_AUTH:
            hits = [f for f in mine if part in str(f["rule"])]
            cells.append(
                "not checked"
                if not ran
                else (f"{hits[0]['severity']}: {hits[0]['title']}" if hits else "ok")
            )
        rows.append(cells)
    doc.table(["Domain", "SPF", "DKIM", "DMARC", "MX"], rows)


def _env(doc: _Doc, data: Mapping[str, Any]) -> None:
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


def _secrets(doc: _Doc, evidence: Evidence) -> None:
    doc.section("Secrets found in git history (rotate them)")
    if not _observed(evidence, "secrets"):
        doc.gap(
            "Secrets in history",
            "Run `launchgate run --only secrets` with `secrets.history: true` "
            "and pass its JSON report.",
        )
        return
    leaked = [
        f
        for f in _findings(evidence, "secrets.")
        if (f.get("details") or {}).get("scope") == "history"
    ]
    if not leaked:
        doc.lines.append("None found in the last full-history scan.")
        return
    rows = [
        [
            str(f["rule"]),
            _text((f.get("location") or {}).get("path")),
            str((f.get("location") or {}).get("commit", ""))[:12] or "—",
            str(f["remediation"]),
        ]
        for f in leaked
    ]
    doc.table(["Kind", "File", "Commit", "Rotation steps"], rows)


def _routes(
    doc: _Doc, data: Mapping[str, Any], evidence: Evidence, state: SavedState, audit: Audit
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
    watched = {r.name for r in plan.watched_routes(data)}
    rows = []
    for r in routes:
        budget = plan.section(r.spec, "budget").get("p95_ms")
        p95 = metrics[r.name]["p95_ms"] if r.name in metrics else state.last_p95.get(r.name)
        rows.append(
            [
                r.name,
                f"{r.method} {r.url or r.spec.get('path')}",
                f"{budget} ms" if budget else "default",
                f"{p95:g} ms" if isinstance(p95, int | float) else "not measured",
                "yes" if r.name in watched else ("no (write route)" if r.kind == "write" else "no"),
            ]
        )
    doc.table(["Route", "Request", "p95 budget", "Last p95", "Monitored"], rows)
    doc.audit_gaps(audit, "Critical routes", "route-unmonitored")


def _monitoring(doc: _Doc, data: Mapping[str, Any], ops: Mapping[str, Any], audit: Audit) -> None:
    doc.section("Monitoring and alerts")
    checks = ", ".join(expected_checks(data))
    doc.lines += [
        f"The nightly launchgate run checks: {checks}; it regenerates this file and opens "
        "an issue when the verdict turns to NO-GO.",
        "",
    ]
    monitors = plan.section(ops, "monitors")
    if not monitors:
        doc.gap(
            "Monitoring",
            "Declare `operations.monitors` (provider, interval, alerts) and generate the "
            "config with `launchgate monitors --format gatus`.",
        )
        return
    doc.lines += [
        f"- Provider: {cell(_text(monitors.get('provider')))}",
        f"- Dashboard: {cell(_text(monitors.get('dashboard')))}",
        f"- Interval: {cell(plan.monitor_interval(data))}",
        "",
    ]
    alerts = plan.items(monitors, "alerts")
    if alerts:
        rows = [
            [
                str(a["type"]),
                _text(a.get("to") or a.get("channel")),
                _text(
                    a.get("webhook_env")
                    or a.get("integration_key_env")
                    or a.get("smtp_password_env")
                ),
            ]
            for a in alerts
        ]
        doc.table(["Alert", "Goes to", "Credential variable"], rows)
    else:
        doc.gap("Monitoring", "Add `operations.monitors.alerts` so an outage reaches a person.")
    doc.audit_gaps(audit, "Monitoring", "slow-interval")


def _steps(doc: _Doc, ops: Mapping[str, Any], audit: Audit) -> None:
    for part, title in (("deploy", "Deploy"), ("rollback", "Rollback")):
        doc.section(title)
        step = plan.section(ops, part)
        if not step:
            doc.gap(title, f"Add `operations.{part}` with the `command` or `runbook`.")
            continue
        for key in ("command", "runbook", "notes"):
            if step.get(key):
                doc.lines.append(f"- {key.capitalize()}: {cell(step[key])}")
    doc.section("Restore data")
    restores = plan.items(ops, "restore")
    if not restores:
        doc.gap(
            "Restore data",
            "Add `operations.restore` entries: what, where backups are, steps, last_tested.",
        )
        return
    rows = [
        [
            _text(r.get("what")),
            _text(r.get("backups")),
            _text(r.get("steps") or r.get("runbook")),
            _text(r.get("last_tested") or "never"),
        ]
        for r in sorted(restores, key=lambda r: str(r.get("what")))
    ]
    doc.table(["Data", "Backups", "Steps", "Last rehearsed"], rows)
    doc.audit_gaps(audit, "Restore data", "restore-untested")


def _contacts(doc: _Doc, ops: Mapping[str, Any]) -> None:
    doc.section("Support contacts")
    contacts = plan.items(ops, "contacts")
    if not contacts:
        doc.gap(
            "Support contacts", "Add `operations.contacts` with who handles support and on-call."
        )
        return
    rows = [
        [
            _text(c.get("name")),
            _text(c.get("role")),
            _text(c.get("email")),
            _text(c.get("phone")),
            _text(c.get("url")),
            _text(c.get("hours")),
        ]
        for c in sorted(contacts, key=lambda c: str(c.get("name")))
    ]
    doc.table(["Name", "Role", "Email", "Phone", "Link", "Hours"], rows)


def build_handover(
    data: Mapping[str, Any], evidence: Evidence, state: SavedState, audit: Audit
) -> str:
    project = str(data.get("project") or "this project")
    ops = plan.section(data, "operations")
    doc = _Doc()
    doc.lines += [
        f"# Handover: {cell(project)}",
        "",
        "Generated by `launchgate handover` from launchready.yml, the last reports and the "
        "saved state. Do not edit: change the manifest and regenerate.",
        "",
        f"**Launch verdict:** {cell(audit.verdict)}",
    ]
    if plan.base_url(data):
        doc.lines += ["", f"**Production:** {cell(plan.base_url(data))}"]
    _accounts(doc, ops, audit)
    _domains(doc, data, state)
    _redirects(doc, data, evidence)
    _certificates(doc, data, evidence, audit)
    _email(doc, data, evidence)
    _env(doc, data)
    _secrets(doc, evidence)
    _routes(doc, data, evidence, state, audit)
    _monitoring(doc, data, ops, audit)
    _steps(doc, ops, audit)
    _contacts(doc, ops)
    doc.section("Gaps")
    if doc.gaps:
        doc.lines += [f"- **{cell(section)}:** {fix}" for section, fix in doc.gaps]
    else:
        doc.lines.append("None: every section is filled.")
    return "\n".join(doc.lines).rstrip("\n") + "\n"

"""Who runs the product and how: accounts and owners, monitoring and alerts, deploy, rollback
and restore steps, support contacts (the manifest's ``operations`` section)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from launchgate.deliver import plan
from launchgate.deliver.audit import Audit, expected_checks
from launchgate.deliver.handover.document import HandoverDoc, shown
from launchgate.report.github_summary import cell


def accounts_section(doc: HandoverDoc, ops: Mapping[str, Any], audit: Audit) -> None:
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
            shown(a.get("kind")),
            shown(a.get("provider")),
            shown(a.get("owner")),
            shown(a.get("backup_owner")),
            shown(a.get("where")),
            shown(a.get("domains")),
        ]
        for a in sorted(accounts, key=lambda a: (str(a.get("kind")), str(a.get("provider"))))
    ]
    doc.table(["Kind", "Provider", "Owner", "Backup owner", "Where", "Domains"], rows)
    doc.audit_gaps(audit, "Owners and accounts", "account-unowned", "no-registrar")


def monitoring_section(
    doc: HandoverDoc, data: Mapping[str, Any], ops: Mapping[str, Any], audit: Audit
) -> None:
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
        f"- Provider: {cell(shown(monitors.get('provider')))}",
        f"- Dashboard: {cell(shown(monitors.get('dashboard')))}",
        f"- Interval: {cell(plan.monitor_interval(data))}",
        "",
    ]
    alerts = plan.items(monitors, "alerts")
    if alerts:
        rows = [
            [
                str(a["type"]),
                shown(a.get("to") or a.get("channel")),
                shown(
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


def runbook_sections(doc: HandoverDoc, ops: Mapping[str, Any], audit: Audit) -> None:
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
            shown(r.get("what")),
            shown(r.get("backups")),
            shown(r.get("steps") or r.get("runbook")),
            shown(r.get("last_tested") or "never"),
        ]
        for r in sorted(restores, key=lambda r: str(r.get("what")))
    ]
    doc.table(["Data", "Backups", "Steps", "Last rehearsed"], rows)
    doc.audit_gaps(audit, "Restore data", "restore-untested")


def contacts_section(doc: HandoverDoc, ops: Mapping[str, Any]) -> None:
    doc.section("Support contacts")
    contacts = plan.items(ops, "contacts")
    if not contacts:
        doc.gap(
            "Support contacts", "Add `operations.contacts` with who handles support and on-call."
        )
        return
    rows = [
        [
            shown(c.get("name")),
            shown(c.get("role")),
            shown(c.get("email")),
            shown(c.get("phone")),
            shown(c.get("url")),
            shown(c.get("hours")),
        ]
        for c in sorted(contacts, key=lambda c: str(c.get("name")))
    ]
    doc.table(["Name", "Role", "Email", "Phone", "Link", "Hours"], rows)

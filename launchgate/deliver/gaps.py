"""Gaps in the launch plan as risks: no rollback step, an unmonitored critical route, a
certificate nobody owns. When each gap applies is decided here; its words are in the impact pack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from launchgate.deliver import plan
from launchgate.deliver.knowledge import ImpactPack
from launchgate.deliver.risks import Risk
from launchgate.findings import fingerprint_of

CERT_ACCOUNT_KINDS = ("certificates", "cdn", "hosting")
SLOW_INTERVAL_S = 300


def _risk(pack: ImpactPack, gap_id: str, key: str = "", evidence: tuple[str, ...] = ()) -> Risk:
    text = pack.gap(gap_id)
    return Risk(
        id=fingerprint_of("gap", gap_id, key)[:16],
        source="gap",
        family=f"gap.{gap_id}",
        key=key,
        severity=text.severity,
        title=text.title.replace("{key}", key),
        impact=text.impact,
        effort=text.effort,
        fixes=(text.fix,),
        evidence=evidence,
        count=max(1, len(evidence)),
    )


def _names(values: list[str]) -> str:
    return ", ".join(values)


def operations_gaps(data: Mapping[str, Any], pack: ImpactPack) -> list[Risk]:
    """Every gap the manifest's ``operations`` section (or its absence) leaves."""
    ops = plan.section(data, "operations")
    if not ops:
        missing = ["accounts and owners", "deploy", "rollback", "restore", "contacts", "monitors"]
        return [_risk(pack, "no-operations", "", tuple(f"not declared: {m}" for m in missing))]
    gaps: list[Risk] = []
    for part, gap_id in (("rollback", "no-rollback"), ("deploy", "no-deploy")):
        if not plan.section(ops, part):
            gaps.append(_risk(pack, gap_id, "", (f"operations.{part} is not declared",)))
    restores = plan.items(ops, "restore")
    if not restores:
        gaps.append(_risk(pack, "no-restore", "", ("operations.restore is empty",)))
    for entry in restores:
        if not entry.get("last_tested"):
            what = str(entry.get("what"))
            gaps.append(_risk(pack, "restore-untested", what, (f"{what}: no last_tested date",)))
    if not plan.items(ops, "contacts"):
        gaps.append(_risk(pack, "no-contacts", "", ("operations.contacts is empty",)))
    gaps.extend(_monitor_gaps(data, ops, pack))
    gaps.extend(_account_gaps(data, ops, pack))
    return gaps


def _monitor_gaps(data: Mapping[str, Any], ops: Mapping[str, Any], pack: ImpactPack) -> list[Risk]:
    monitors = plan.section(ops, "monitors")
    if not monitors:
        routes = [r.name for r in plan.routes(data) if r.kind != "write"]
        evidence = tuple(f"route {name}: not monitored" for name in routes)
        return [_risk(pack, "no-monitors", "", evidence or ("operations.monitors is empty",))]
    gaps = []
    if not plan.items(monitors, "alerts"):
        gaps.append(_risk(pack, "no-alerts", "", ("operations.monitors.alerts is empty",)))
    unwatched = plan.unwatched_routes(data)
    if unwatched:
        names = [r.name for r in unwatched]
        evidence = tuple(f"route {r.name} ({r.url or r.spec.get('path')})" for r in unwatched)
        gaps.append(_risk(pack, "route-unmonitored", _names(names), evidence))
    interval = plan.monitor_interval(data)
    if plan.interval_seconds(interval) > SLOW_INTERVAL_S:
        gaps.append(_risk(pack, "slow-interval", interval, (f"interval: {interval}",)))
    return gaps


def certificate_owners(data: Mapping[str, Any]) -> dict[str, str]:
    """Web host -> the account (with an owner) that controls its certificate."""
    owners: dict[str, str] = {}
    accounts = plan.items(plan.section(data, "operations"), "accounts")
    for host in plan.web_hosts(data):
        for account in accounts:
            patterns = [str(d) for d in account.get("domains") or []]
            if (
                account.get("kind") in CERT_ACCOUNT_KINDS
                and account.get("owner")
                and plan.covers(patterns, host)
            ):
                owners[host] = f"{account['provider']} ({account['owner']})"
                break
    return owners


def _account_gaps(data: Mapping[str, Any], ops: Mapping[str, Any], pack: ImpactPack) -> list[Risk]:
    gaps = []
    accounts = plan.items(ops, "accounts")
    unowned = [f"{a.get('provider')} ({a.get('kind')})" for a in accounts if not a.get("owner")]
    if unowned:
        evidence = tuple(f"{name}: no owner" for name in unowned)
        gaps.append(_risk(pack, "account-unowned", _names(unowned), evidence))
    owned = certificate_owners(data)
    orphans = [host for host in plan.web_hosts(data) if host not in owned]
    if orphans:
        evidence = tuple(
            f"{host}: no certificates/cdn/hosting account covers it" for host in orphans
        )
        gaps.append(_risk(pack, "certificate-unowned", _names(orphans), evidence))
    if plan.items(data, "domains") and not any(a.get("kind") == "registrar" for a in accounts):
        gaps.append(_risk(pack, "no-registrar", "", ("no account of kind registrar",)))
    return gaps

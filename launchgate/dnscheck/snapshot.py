"""Which records a run snapshots for drift, read from the run's resolver cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

from launchgate.dnscheck.drift import Snapshot
from launchgate.dnscheck.resolver import LookupFailed, Resolver
from launchgate.dnscheck.spfwalk import spf_records

if TYPE_CHECKING:
    from launchgate.dnscheck.plan import Plan


async def _records(resolver: Resolver, key: str, name: str, rdtype: str) -> list[str]:
    answer = await resolver.query(name, rdtype)
    if answer.status != "ok":
        return []
    return spf_records(answer) if key.endswith(" SPF") else list(answer.records)


def _keys(plan: Plan) -> list[tuple[str, str, str]]:
    """(snapshot key, name, type) for every record the run watches."""
    keys = []
    for spec in plan.names:
        keys += [(f"{spec.name} {t}", spec.name, t) for t in ("CNAME", "A", "AAAA")]
    for domain in plan.email_domains:
        keys += [
            (f"{domain} MX", domain, "MX"),
            (f"{domain} SPF", domain, "TXT"),
            (f"_dmarc.{domain} TXT", f"_dmarc.{domain}", "TXT"),
        ]
        for selector in plan.policy.selectors:
            name = f"{selector}._domainkey.{domain}"
            keys.append((f"{name} TXT", name, "TXT"))
    return keys


async def take_snapshot(resolver: Resolver, plan: Plan) -> tuple[Snapshot, set[str]]:
    """The snapshot and the keys that could not be looked up (they keep last run's value)."""
    snapshot: Snapshot = {}
    unknown: set[str] = set()
    cnames: set[str] = set()
    for key, name, rdtype in _keys(plan):
        if rdtype in ("A", "AAAA") and name in cnames:
            continue  # a CNAME'd name is watched by its CNAME, not its provider's addresses
        try:
            snapshot[key] = await _records(resolver, key, name, rdtype)
        except LookupFailed:
            unknown.add(key)
            continue
        if rdtype == "CNAME" and snapshot[key]:
            cnames.add(name)
    return snapshot, unknown

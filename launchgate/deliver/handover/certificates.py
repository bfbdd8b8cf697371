"""What HANDOVER.md says about each certificate the checks read: who issued it, until when, for
which names, and how it gets renewed. Pure functions over the report's ``metrics.certificates``
and the CA pack (``checks/dns-caa-issuers.yml``), so the wording is pinned by tests."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from launchgate.dnscheck.packs import Issuer, Knowledge, load_knowledge

# A certificate this short-lived is renewed by a tool: nobody renews by hand every few weeks.
SHORT_LIVED_DAYS = 100
SHOWN_NAMES = 4


@functools.cache
def builtin_issuers() -> Knowledge:
    return load_knowledge(Path("."), ())


def lifetime_days(cert: Mapping[str, Any]) -> int | None:
    """Whole days from ``not_before`` to ``not_after`` (90 for a Let's Encrypt certificate);
    None when a report given with ``--from`` has dates that cannot be read."""
    try:
        start = dt.datetime.fromisoformat(str(cert["not_before"]))
        end = dt.datetime.fromisoformat(str(cert["not_after"]))
        return round((end - start).total_seconds() / 86400)
    except (TypeError, ValueError):  # not ISO 8601, or one date with a zone and one without
        return None


def issuer_name(issuer: str, ca: Issuer | None) -> str:
    """The CA's common name when the pack knows it, else the issuer's organization (``O=``),
    else its common name, else the whole distinguished name."""
    if ca is not None:
        return ca.ca
    parts = dict(
        part.split("=", 1) for part in issuer.replace("\\,", "\0").split(",") if "=" in part
    )
    name = parts.get("O") or parts.get("CN") or issuer
    return name.replace("\0", ",") or "unknown"


def renewal_note(ca_name: str, renewal: str, lifetime: int | None, expires: str) -> str:
    """How the certificate is renewed, in the owner's words: automatic only when the CA's way of
    issuing says so (or the lifetime leaves no other way), else by hand before ``expires``."""
    if renewal == "platform":
        return (
            f"Renewal is automatic: {ca_name} issues certificates only inside its platform, "
            "which renews them while they are in use."
        )
    if renewal == "acme":
        lasts = "" if lifetime is None else f": this certificate lasts {lifetime} days"
        return (
            "Renewal is automatic if your host or an ACME client (certbot, Caddy, your "
            f"platform) renews it{lasts}. If nobody set that up, renew before {expires}."
        )
    if lifetime is None:
        return (
            "Renewal is not known (the certificate's dates could not be read): renew before "
            f"{expires}."
        )
    if lifetime <= SHORT_LIVED_DAYS:
        return (
            f"Renewal is likely automatic: a certificate valid for {lifetime} days is renewed "
            f"by a tool. Find out which one and that it runs, or renew before {expires}."
        )
    return (
        f"You must renew it: request or buy the renewal from {ca_name} before {expires}, "
        "then install it."
    )


def covered(names: Sequence[str]) -> str:
    shown = ", ".join(names[:SHOWN_NAMES]) or "no names"
    more = len(names) - SHOWN_NAMES
    return f"{shown} (+{more} more)" if more > 0 else shown


def per_host(certificates: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """One certificate per host: port 443 before other ports, then smoke (at the edge the
    visitors use) before dns; evidence order breaks ties, so reruns agree."""
    chosen: dict[str, Mapping[str, Any]] = {}
    for cert in sorted(
        certificates, key=lambda c: (int(c["port"]) != 443, str(c["check"]) != "smoke")
    ):
        chosen.setdefault(str(cert["host"]).lower(), cert)
    return chosen


def describe(cert: Mapping[str, Any], knowledge: Knowledge) -> tuple[str, str, str, str]:
    """(issued by, expires, covers, renewal) for the handover's table and notes."""
    ca = knowledge.issuer_of(str(cert["issuer"]))
    name = issuer_name(str(cert["issuer"]), ca)
    expires = str(cert["not_after"])[:10]
    left = float(cert["days_left"])
    when = f"{expires} ({left:.0f} days left when checked)" if left >= 0 else f"{expires} (expired)"
    note = renewal_note(name, ca.renewal if ca else "", lifetime_days(cert), expires)
    return name, when, covered([str(n) for n in cert["names"]]), note

"""What one dns run checks: from the manifest, or ad hoc from ``launchgate dns DOMAIN...``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from launchgate.checkapi import CheckError
from launchgate.dnscheck.email import EmailPolicy
from launchgate.dnscheck.resolver import Nameserver, parse_nameserver, system_nameservers
from launchgate.dnscheck.webnames import DEFAULT_MAX_TTL, NameSpec
from launchgate.manifest import Manifest

DEFAULT_TIMEOUT_MS = 3000


@dataclass(frozen=True)
class Plan:
    names: tuple[NameSpec, ...]
    email_domains: tuple[str, ...]
    policy: EmailPolicy
    nameservers: tuple[Nameserver, ...]
    timeout_s: float
    drift: bool
    tls: Mapping[str, Mapping[str, Any]]  # name -> its domains[].tls settings
    mta_sts: Mapping[str, Any] = field(default_factory=dict)  # email.mta_sts


def _values(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _nameservers(given: Sequence[str], configured: Sequence[str]) -> tuple[Nameserver, ...]:
    try:
        if given or configured:
            return tuple(parse_nameserver(n) for n in (given or configured))
        return tuple(system_nameservers())
    except ValueError as exc:
        raise CheckError(str(exc)) from None


def _policy(email: Mapping[str, Any], selectors: Sequence[str]) -> EmailPolicy:
    spf = email.get("spf") or {}
    dmarc = email.get("dmarc") or {}
    return EmailPolicy(
        max_lookups=int(spf.get("max_lookups", 10)),
        require_all=str(spf.get("require_all", "~all")),
        includes=_values(spf.get("include")),
        min_policy=str(dmarc.get("min_policy", "quarantine")),
        require_rua=bool(dmarc.get("require_rua", True)),
        require_mx=bool(email.get("require_mx", True)),
        selectors=tuple(selectors) or _values(email.get("dkim_selectors")),
    )


def make_plan(manifest: Manifest, params: Mapping[str, Any]) -> Plan:
    """The run's names, mail domains and servers; CheckError when there is nothing to check."""
    dns_section = manifest.section("dns")
    email = manifest.section("email")
    max_ttl = int(dns_section.get("max_ttl", DEFAULT_MAX_TTL))
    adhoc = _values(params.get("domains"))
    tls: dict[str, Mapping[str, Any]] = {}
    if adhoc:
        names = tuple(NameSpec(d.rstrip(".").lower(), max_ttl=max_ttl) for d in adhoc)
        mail = tuple(n.name for n in names)
    else:
        entries = [d for d in manifest.data.get("domains") or [] if isinstance(d, Mapping)]
        names = tuple(
            NameSpec(
                name=str(d["name"]).rstrip(".").lower(),
                expect={k: _values(v) for k, v in (d.get("expect") or {}).items()},
                max_ttl=int(d.get("max_ttl", max_ttl)),
                https=bool(d.get("https", True)),
            )
            for d in entries
        )
        tls = {str(d["name"]).rstrip(".").lower(): d.get("tls") or {} for d in entries}
        mail = tuple(str(d).rstrip(".").lower() for d in email.get("domains") or ())
    if not names and not mail:
        raise CheckError(
            "nothing to check: declare domains or email.domains in the manifest, "
            "or name domains: launchgate dns example.com"
        )
    timeout_ms = int(dns_section.get("timeout_ms", DEFAULT_TIMEOUT_MS))
    return Plan(
        names=names,
        email_domains=tuple(dict.fromkeys(mail)),
        policy=_policy(email, _values(params.get("selectors"))),
        nameservers=_nameservers(
            _values(params.get("nameservers")), _values(dns_section.get("resolvers"))
        ),
        timeout_s=timeout_ms / 1000,
        drift=bool(dns_section.get("drift", True)),
        tls=tls,
        mta_sts=email.get("mta_sts") or {},
    )

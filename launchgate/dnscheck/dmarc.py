"""DMARC record syntax (RFC 7489 section 6.3) and what a record asks of receivers. Pure, total."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from launchgate.dnscheck.tags import parse_tags

POLICIES = ("none", "quarantine", "reject")
_VERSION = re.compile(r"^\s*v\s*=\s*DMARC1\s*(;|$)", re.IGNORECASE)
_MAILTO = re.compile(r"^mailto:(?P<local>[^@\s]+)@(?P<domain>[^!\s]+)(?:![0-9]+[kmgt]?)?$", re.I)


@dataclass(frozen=True)
class DmarcRecord:
    text: str
    policy: str | None = None
    subdomain_policy: str | None = None
    pct: int = 100
    rua: tuple[str, ...] = ()
    ruf: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict, compare=False)

    def policy_for(self, subdomain: bool) -> str | None:
        """The policy that applies to the domain (``sp`` for a subdomain covered by fallback)."""
        if subdomain and self.subdomain_policy:
            return self.subdomain_policy
        return self.policy


def is_dmarc(txt: str) -> bool:
    return bool(_VERSION.match(txt))


def policy_rank(policy: str) -> int:
    return POLICIES.index(policy) if policy in POLICIES else -1


def report_domain(uri: str) -> str | None:
    """The domain a ``mailto:`` report URI delivers to, or None when it is not one."""
    match = _MAILTO.match(uri.strip())
    return match["domain"].rstrip(".").lower() if match else None


def _uris(value: str, tag: str, errors: list[str]) -> tuple[str, ...]:
    uris = tuple(u.strip() for u in value.split(",") if u.strip())
    if not uris:
        errors.append(f"{tag}= is empty")
    for uri in uris:
        if report_domain(uri) is None:
            errors.append(f"{tag}= {uri!r} is not a mailto: address")
    return uris


def parse_dmarc(text: str) -> DmarcRecord:
    """Parse one DMARC record; never raises. ``errors`` empty means receivers will apply it."""
    if not is_dmarc(text):
        return DmarcRecord(text, errors=("does not start with 'v=DMARC1'",))
    tags, problems = parse_tags(text)
    errors = list(problems)
    policy = tags.get("p")
    if policy is None:
        errors.append("no policy (p=) tag")
    elif policy.lower() not in POLICIES:
        errors.append(f"p={policy!r} is not none, quarantine or reject")
    sp = tags.get("sp")
    if sp is not None and sp.lower() not in POLICIES:
        errors.append(f"sp={sp!r} is not none, quarantine or reject")
    pct = 100
    raw_pct = tags.get("pct")
    if raw_pct is not None:
        if raw_pct.isdigit() and len(raw_pct) <= 3 and int(raw_pct) <= 100:
            pct = int(raw_pct)
        else:
            errors.append(f"pct={raw_pct!r} is not a number from 0 to 100")
    for tag in ("adkim", "aspf"):
        if tags.get(tag, "r").lower() not in ("r", "s"):
            errors.append(f"{tag}={tags[tag]!r} is not r or s")
    rua = _uris(tags["rua"], "rua", errors) if "rua" in tags else ()
    ruf = _uris(tags["ruf"], "ruf", errors) if "ruf" in tags else ()
    return DmarcRecord(
        text=text,
        policy=policy.lower() if policy and policy.lower() in POLICIES else None,
        subdomain_policy=sp.lower() if sp and sp.lower() in POLICIES else None,
        pct=pct,
        rua=rua,
        ruf=ruf,
        errors=tuple(errors),
        tags=tags,
    )

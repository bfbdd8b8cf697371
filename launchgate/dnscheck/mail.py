"""DKIM selectors, MX, MTA-STS and TLS-RPT of one sending domain, as issues (email.*)."""

from __future__ import annotations

import asyncio

from launchgate.dnscheck.catalogue import issue
from launchgate.dnscheck.dkim import key_verdict, parse_dkim
from launchgate.dnscheck.issues import Outcome, ask
from launchgate.dnscheck.resolver import Answer, Resolver
from launchgate.dnscheck.stsfetch import StsSettings, check_policy
from launchgate.dnscheck.transport import (
    STS_VERSION,
    TLSRPT_VERSION,
    candidates,
    sts_error,
    tlsrpt_error,
)


async def check_dkim(resolver: Resolver, domain: str, selector: str) -> Outcome:
    out = Outcome()
    name = f"{selector}._domainkey.{domain}"
    answer = await ask(resolver, out, name, "TXT")
    if answer is None:
        return out
    records = [r for r in answer.records if "p=" in r or "v=DKIM1" in r]
    if not records:
        out.add(
            issue(
                "email.dkim-missing",
                domain,
                f"DKIM selector {selector!r} of {domain} has no key record at {name}.",
                key=selector,
            )
        )
        return out
    if len(records) > 1:
        out.add(
            issue(
                "email.dkim-invalid",
                domain,
                f"DKIM selector {selector!r} of {domain}: {name} has {len(records)} key "
                "records; verifiers may pick either.",
                key=selector,
            )
        )
        return out
    record = parse_dkim(records[0])
    if record.errors:
        out.add(
            issue(
                "email.dkim-invalid",
                domain,
                f"DKIM selector {selector!r} of {domain}: {name} is invalid: "
                f"{'; '.join(record.errors)}.",
                key=selector,
            )
        )
    elif record.revoked:
        out.add(
            issue(
                "email.dkim-revoked",
                domain,
                f"DKIM selector {selector!r} of {domain} is revoked (p= is empty); mail "
                "signed with it fails DKIM.",
                key=selector,
            )
        )
    else:
        verdict = key_verdict(record)
        if verdict.severity is not None:
            out.add(
                issue(
                    "email.dkim-weak-key",
                    domain,
                    f"DKIM selector {selector!r} of {domain}: {verdict.description}.",
                    severity=verdict.severity,
                    key=selector,
                )
            )
        if record.testing:
            out.add(
                issue(
                    "email.dkim-testing",
                    domain,
                    f"DKIM selector {selector!r} of {domain} has t=y.",
                    key=selector,
                )
            )
    return out


async def check_mx(
    resolver: Resolver, domain: str, require_mx: bool, sts: StsSettings | None = None
) -> Outcome:
    """MX present (or a null MX), every host resolvable and not a CNAME; MTA-STS/TLS-RPT, and
    the MTA-STS policy itself when ``sts`` says how to fetch it."""
    out = Outcome()
    answer = await ask(resolver, out, domain, "MX")
    if answer is None:
        return out
    hosts = [r.split(" ", 1)[1] for r in answer.records] if answer.status == "ok" else []
    if not hosts:
        if require_mx:
            out.add(
                issue(
                    "email.mx-missing",
                    domain,
                    f"{domain} has no MX record: bounces and replies to it are lost.",
                )
            )
        return out
    if "." in hosts:
        if len(hosts) > 1:
            out.add(
                issue(
                    "email.mx-null-mixed",
                    domain,
                    f"{domain} publishes a null MX and {len(hosts) - 1} other MX host(s).",
                )
            )
        return out  # a null MX: the domain receives no mail, so MTA-STS/TLS-RPT do not apply
    results = await asyncio.gather(*(_mx_host(resolver, domain, h) for h in hosts))
    results.append(await _transport_security(resolver, domain, hosts, sts))
    for result in results:
        out.merge(result)
    return out


async def _mx_host(resolver: Resolver, domain: str, host: str) -> Outcome:
    out = Outcome()
    found = await asyncio.gather(ask(resolver, out, host, "A"), ask(resolver, out, host, "AAAA"))
    if any(a is None for a in found):
        return out
    chained = next((a for a in found if a is not None and a.chain), None)
    if chained is not None:
        out.add(
            issue(
                "email.mx-cname",
                domain,
                f"MX host {host} of {domain} is a CNAME (to {chained.target}).",
                key=host,
            )
        )
    if not any(a is not None and a.status == "ok" for a in found):
        out.add(
            issue(
                "email.mx-unresolvable",
                domain,
                f"MX host {host} of {domain} has no A or AAAA record; mail to it bounces.",
                key=host,
            )
        )
    return out


async def _transport_security(
    resolver: Resolver, domain: str, mx_hosts: list[str], fetch: StsSettings | None
) -> Outcome:
    out = Outcome()
    sts, rpt = await asyncio.gather(
        ask(resolver, out, f"_mta-sts.{domain}", "TXT"),
        ask(resolver, out, f"_smtp._tls.{domain}", "TXT"),
    )
    valid = sts is not None and _transport_record(out, domain, f"_mta-sts.{domain}", sts, "mta-sts")
    if rpt is not None:
        _transport_record(out, domain, f"_smtp._tls.{domain}", rpt, "tls-rpt")
    if valid and fetch is not None:
        out.merge(await check_policy(resolver, domain, mx_hosts, fetch))
    return out


_TRANSPORT = {"mta-sts": (STS_VERSION, sts_error), "tls-rpt": (TLSRPT_VERSION, tlsrpt_error)}


def _transport_record(out: Outcome, domain: str, name: str, answer: Answer, kind: str) -> bool:
    """Exactly one valid record, or the senders ignore it (RFC 8461 3.1, RFC 8460 3).
    True when it is there and valid."""
    version, error_of = _TRANSPORT[kind]
    found = candidates(answer.records, version)
    if not found:
        out.add(issue(f"email.{kind}-missing", domain, f"No {name} TXT {version}."))
        return False
    problem = f"{len(found)} {version} records" if len(found) > 1 else error_of(found[0])
    if problem is not None:
        out.add(
            issue(
                f"email.{kind}-invalid",
                domain,
                f"{name} is invalid ({problem}); senders act as if there were none.",
            )
        )
    return problem is None

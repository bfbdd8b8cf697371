"""SPF and DMARC of one sending domain, turned into issues (email.*).

Every lookup that fails goes to ``Outcome.failures`` and the verdict it would have fed is not
given: a domain whose TXT query timed out has an unknown SPF, not a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass

from launchgate.dnscheck.catalogue import issue
from launchgate.dnscheck.dmarc import DmarcRecord, is_dmarc, parse_dmarc, policy_rank, report_domain
from launchgate.dnscheck.issues import Outcome, ask
from launchgate.dnscheck.resolver import Resolver, normalize_name
from launchgate.dnscheck.spf import parse_spf
from launchgate.dnscheck.spfwalk import (
    LOOKUP_LIMIT,
    VOID_LIMIT,
    SpfWalk,
    final_all,
    spf_records,
    walk_spf,
)
from launchgate.findings import Severity

DMARC_WALK_LABELS = 7  # RFC 9091-style tree walk: at most this many labels below the start


@dataclass(frozen=True)
class EmailPolicy:
    """The manifest's ``email`` expectations (defaults from the schema)."""

    max_lookups: int = LOOKUP_LIMIT
    require_all: str = "~all"
    includes: tuple[str, ...] = ()
    min_policy: str = "quarantine"
    require_rua: bool = True
    require_mx: bool = True
    selectors: tuple[str, ...] = ()


async def check_spf(resolver: Resolver, domain: str, policy: EmailPolicy) -> Outcome:
    out = Outcome()
    answer = await ask(resolver, out, domain, "TXT")
    if answer is None:
        return out
    records = spf_records(answer)
    if not records:
        where = "does not exist" if answer.status == "nxdomain" else "has no SPF TXT record"
        out.add(
            issue(
                "email.spf-missing",
                domain,
                f"{domain} {where}; receivers cannot tell your servers from forgers.",
            )
        )
        return out
    if len(records) > 1:
        out.add(
            issue(
                "email.spf-multiple",
                domain,
                f"{domain} publishes {len(records)} SPF "
                "records; receivers return permerror: " + " | ".join(records),
            )
        )
        return out
    record = parse_spf(records[0])
    if record.errors:
        out.add(
            issue(
                "email.spf-syntax",
                domain,
                f"SPF record of {domain} is invalid: {'; '.join(record.errors)}.",
            )
        )
        return out
    walk = await walk_spf(resolver, domain, record)
    out.failures.extend(walk.failures)
    _walk_issues(out, domain, walk, policy)
    _all_issues(out, domain, walk, policy)
    return out


def _walk_issues(out: Outcome, domain: str, walk: SpfWalk, policy: EmailPolicy) -> None:
    partial = " at least" if walk.failures or walk.capped else ""
    if walk.lookups > policy.max_lookups:
        over_rfc = walk.lookups > LOOKUP_LIMIT
        out.add(
            issue(
                "email.spf-too-many-lookups",
                domain,
                f"SPF of {domain} needs{partial} {walk.lookups} DNS lookups through its includes "
                f"and redirects; the limit is {policy.max_lookups}"
                + (" (RFC 7208: receivers return permerror)." if over_rfc else " (manifest)."),
                severity=None if over_rfc else Severity.MEDIUM,
            )
        )
    if walk.void_lookups > VOID_LIMIT:
        out.add(
            issue(
                "email.spf-void-lookups",
                domain,
                f"SPF of {domain} has {walk.void_lookups} lookups that find nothing; "
                f"receivers may return permerror after {VOID_LIMIT}.",
            )
        )
    for loop in walk.loops:
        out.add(issue("email.spf-loop", domain, f"SPF include loop: {loop}.", key=loop))
    for problem in walk.problems:
        out.add(
            issue(
                "email.spf-include-invalid",
                domain,
                f"SPF of {domain}: {problem}; receivers return permerror.",
                key=problem,
            )
        )
    for where in walk.ptr_in:
        out.add(issue("email.spf-ptr", domain, f"The SPF record of {where} uses ptr.", key=where))
    for wanted in policy.includes:
        target = normalize_name(wanted.split(":", 1)[1] if ":" in wanted else wanted)
        # A failed lookup, or the part of a huge tree not walked, may hide the include below
        # it: not judged then.
        if target not in walk.included and not walk.failures and not walk.capped:
            out.add(
                issue(
                    "email.spf-include-missing",
                    domain,
                    f"The manifest requires include:{target} in the SPF of {domain}, "
                    "but the record does not reach it.",
                    key=target,
                )
            )


def _all_issues(out: Outcome, domain: str, walk: SpfWalk, policy: EmailPolicy) -> None:
    known, term = final_all(walk, domain)
    if not known:
        return
    if term is None:
        out.add(
            issue(
                "email.spf-no-all",
                domain,
                f"SPF of {domain} ends without an all mechanism (or a redirect to one).",
            )
        )
    elif term.qualifier == "+":
        out.add(
            issue(
                "email.spf-plus-all",
                domain,
                f"SPF of {domain} ends in {term.text}: it authorizes every IP address.",
            )
        )
    elif term.qualifier == "?":
        out.add(issue("email.spf-neutral-all", domain, f"SPF of {domain} ends in ?all."))
    elif term.qualifier == "~" and policy.require_all == "-all":
        out.add(issue("email.spf-softfail", domain, f"SPF of {domain} ends in ~all."))


def dmarc_candidates(domain: str) -> list[str]:
    """Where a receiver looks for the policy: the domain, then its parents (tree walk, RFC 9091
    style, without the top-level domain itself)."""
    labels = domain.split(".")
    if len(labels) > DMARC_WALK_LABELS + 1:
        labels = labels[:1] + labels[-DMARC_WALK_LABELS:]
    names = [domain]
    names += [".".join(labels[i:]) for i in range(1, len(labels) - 1)]
    return list(dict.fromkeys(names))


async def find_dmarc(resolver: Resolver, domain: str, out: Outcome) -> tuple[str, list[str]] | None:
    """The first name with DMARC records on the walk, and those records; None when none (or
    when a failed lookup leaves it unknown, recorded in ``out``)."""
    for name in dmarc_candidates(domain):
        answer = await ask(resolver, out, f"_dmarc.{name}", "TXT")
        if answer is None:
            return None
        found = [r for r in answer.records if is_dmarc(r)] if answer.status == "ok" else []
        if found:
            return name, found
    return ("", [])


async def check_dmarc(resolver: Resolver, domain: str, policy: EmailPolicy) -> Outcome:
    out = Outcome()
    found = await find_dmarc(resolver, domain, out)
    if found is None:
        return out
    at, records = found
    if not records:
        out.add(
            issue(
                "email.dmarc-missing",
                domain,
                f"No DMARC record at _dmarc.{domain} or at its parent domains.",
            )
        )
        return out
    if len(records) > 1:
        out.add(
            issue(
                "email.dmarc-multiple",
                domain,
                f"_dmarc.{at} has {len(records)} DMARC records; receivers ignore them.",
            )
        )
        return out
    record = parse_dmarc(records[0])
    if record.errors:
        out.add(
            issue(
                "email.dmarc-syntax",
                domain,
                f"DMARC record at _dmarc.{at} is invalid: {'; '.join(record.errors)}.",
            )
        )
        return out
    _policy_issues(out, domain, at, record, policy)
    out.merge(await _report_authorization(resolver, domain, at, record))
    return out


def _policy_issues(
    out: Outcome, domain: str, at: str, record: DmarcRecord, policy: EmailPolicy
) -> None:
    inherited = at != domain
    applied = record.policy_for(subdomain=inherited) or "none"
    source = f"_dmarc.{at}" + (" (inherited by the subdomain)" if inherited else "")
    if policy_rank(applied) < policy_rank(policy.min_policy):
        out.add(
            issue(
                "email.dmarc-weak-policy",
                domain,
                f"DMARC policy for {domain} is {applied} ({source}); the manifest requires "
                f"at least {policy.min_policy}.",
            )
        )
    if record.pct < 100 and applied != "none":
        out.add(
            issue(
                "email.dmarc-pct",
                domain,
                f"DMARC at {source} applies {applied} to {record.pct}% of failing mail.",
            )
        )
    if policy.require_rua and not record.rua:
        out.add(issue("email.dmarc-no-rua", domain, f"DMARC at {source} has no rua= address."))


async def _report_authorization(
    resolver: Resolver, domain: str, at: str, record: DmarcRecord
) -> Outcome:
    """External destinations must publish ``<at>._report._dmarc.<destination>`` (RFC 7489 7.1)."""
    out = Outcome()
    for uri in (*record.rua, *record.ruf):
        destination = report_domain(uri) or ""
        if destination == at or destination.endswith("." + at):
            continue
        answer = await ask(resolver, out, f"{at}._report._dmarc.{destination}", "TXT")
        if answer is None:
            continue
        if not any(is_dmarc(r) for r in answer.records):
            out.add(
                issue(
                    "email.dmarc-report-unauthorized",
                    domain,
                    f"DMARC reports of {at} go to {destination}, which does not publish "
                    f"{at}._report._dmarc.{destination}; receivers will not send them.",
                    key=destination,
                )
            )
    return out

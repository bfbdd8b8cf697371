"""Web names (``domains[]``): resolve, match ``expect``, no CNAME at the apex, no dangling CNAME,
TTLs short enough to repoint in an emergency, and CAA."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import dns.exception
import dns.rdata

from launchgate.dnscheck.catalogue import issue
from launchgate.dnscheck.issues import Outcome, ask
from launchgate.dnscheck.packs import Knowledge
from launchgate.dnscheck.resolver import Answer, Resolver, normalize_name

DEFAULT_MAX_TTL = 3600
EXPECT_SUBSET = ("TXT",)  # a name carries many TXT records; expect lists those that must be there
NAME_TYPES = ("CNAME", "NS", "MX")


@dataclass(frozen=True)
class NameSpec:
    name: str
    expect: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    max_ttl: int = DEFAULT_MAX_TTL
    https: bool = True


@dataclass
class NameResult:
    outcome: Outcome = field(default_factory=Outcome)
    caa: tuple[str, ...] | None = None  # the CAA set that applies (None: unknown)
    address: str | None = None  # where HTTPS on the name is reached (first A, else AAAA)


def normalize_expected(rdtype: str, value: str) -> str:
    """An expected value in the resolver's normalized form (see ``record_text``)."""
    text = value.strip()
    if rdtype in NAME_TYPES:
        parts = text.split()
        if rdtype == "MX" and len(parts) == 2:
            return f"{parts[0]} {normalize_name(parts[1]) or '.'}"
        return normalize_name(text)
    if rdtype == "CAA":
        try:
            return dns.rdata.from_text("IN", "CAA", text).to_text()
        except (dns.exception.DNSException, ValueError):
            return text
    return text


def _mx_hosts(records: Iterable[str]) -> set[str]:
    return {r.split(" ", 1)[-1] for r in records}


def expect_mismatch(rdtype: str, expected: Iterable[str], actual: Iterable[str]) -> str | None:
    """Why ``actual`` does not satisfy ``expected``, or None."""
    want = {normalize_expected(rdtype, v) for v in expected}
    have = set(actual)
    if rdtype == "MX" and all(" " not in w for w in want):
        have = _mx_hosts(have)  # expect listed hosts only: preferences are not compared
    if rdtype in EXPECT_SUBSET:
        missing = sorted(want - have)
        return f"missing {', '.join(missing)}" if missing else None
    if want == have:
        return None
    shown = ", ".join(sorted(have)) or "nothing"
    return f"is {shown}, expected {', '.join(sorted(want))}"


async def check_name(resolver: Resolver, spec: NameSpec, knowledge: Knowledge) -> NameResult:
    result = NameResult()
    out = result.outcome
    name = normalize_name(spec.name)
    cname, a, aaaa = await asyncio.gather(
        *(ask(resolver, out, name, t, loops=True) for t in ("CNAME", "A", "AAAA"))
    )
    answers = [x for x in (a, aaaa) if x is not None]
    ns = None
    if cname is not None and cname.status == "ok":
        ns = await ask(resolver, out, name, "NS")  # NS owned by the name itself: a zone apex
        if ns is not None and ns.status == "ok" and not ns.chain:
            out.add(
                issue(
                    "dns.cname-apex",
                    name,
                    f"{name} is a zone apex (it has NS records) and also a CNAME to "
                    f"{cname.records[0]}.",
                )
            )
        _chain_issues(out, name, answers, knowledge)
    elif len(answers) == 2 and not any(x.status == "ok" for x in answers):
        what = "does not exist" if a and a.status == "nxdomain" else "has no A or AAAA record"
        out.add(issue("dns.unresolved", name, f"{name} {what}."))
    known = {"CNAME": cname, "A": a, "AAAA": aaaa} | ({"NS": ns} if ns is not None else {})
    await _expect(resolver, out, name, spec, known)
    _ttl(out, name, spec.max_ttl, cname if cname is not None and cname.ttl else a)
    addresses = [x.records[0] for x in answers if x.status == "ok" and x.records]
    result.address = addresses[0] if addresses else None
    if spec.https:
        result.caa = await _caa(resolver, out, name)
    return result


def _chain_issues(out: Outcome, name: str, answers: list[Answer], knowledge: Knowledge) -> None:
    if not answers:
        return
    first = answers[0]
    path = " -> ".join((name, *first.chain))
    if first.status == "cname-loop":
        out.add(issue("dns.cname-loop", name, f"CNAME chain loops: {path}."))
        return
    if len(answers) < 2 or any(x.status != "nxdomain" for x in answers):
        return
    service = knowledge.service_of(first.target)
    if service is not None:
        out.add(
            issue(
                "dns.takeover-risk",
                name,
                f"{path}: {first.target} does not exist on {service.service}; anyone who "
                f"creates it there serves content as {name}.",
                key=first.target,
            )
        )
    else:
        out.add(
            issue(
                "dns.dangling-cname",
                name,
                f"{path}: the target {first.target} does not exist.",
                key=first.target,
            )
        )


async def _expect(
    resolver: Resolver,
    out: Outcome,
    name: str,
    spec: NameSpec,
    known: Mapping[str, Answer | None],
) -> None:
    for rdtype, expected in spec.expect.items():
        answer = known.get(rdtype) if rdtype in known else await ask(resolver, out, name, rdtype)
        if answer is None:
            continue  # could not check: recorded as a failure
        actual = answer.records if answer.status == "ok" else ()
        if rdtype == "NS" and answer.chain:
            actual = ()
        problem = expect_mismatch(rdtype, expected, actual)
        if problem:
            out.add(issue("dns.expect-mismatch", name, f"{name} {rdtype} {problem}.", key=rdtype))


def _ttl(out: Outcome, name: str, max_ttl: int, answer: Answer | None) -> None:
    if answer is not None and answer.ttl is not None and answer.ttl > max_ttl:
        out.add(
            issue(
                "dns.ttl-high",
                name,
                f"{name} {answer.rdtype} has a TTL of {answer.ttl} s (maximum {max_ttl} s): "
                "a change would take that long to reach everyone.",
            )
        )


async def _caa(resolver: Resolver, out: Outcome, name: str) -> tuple[str, ...] | None:
    """The CAA set that applies to ``name`` (RFC 8659: the closest ancestor that has one)."""
    labels = name.split(".")
    for i in range(len(labels) - 1):
        at = ".".join(labels[i:])
        answer = await ask(resolver, out, at, "CAA")
        if answer is None:
            return None
        if answer.status == "ok":
            return answer.records
    out.add(
        issue(
            "dns.caa-missing",
            name,
            f"Neither {name} nor its parents publish CAA: any certificate authority may "
            "issue certificates for it.",
        )
    )
    return ()

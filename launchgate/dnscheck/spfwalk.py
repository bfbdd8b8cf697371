"""Evaluate a domain's SPF the way a receiver would, without a sender: count DNS lookups through
nested ``include`` and ``redirect`` (RFC 7208 section 4.6.4), void lookups, loops, and find the
``all`` that finally applies. Lookups that fail are collected apart: the count is then a lower
bound, and the verdict never claims a record is missing because a server did not answer."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from launchgate.dnscheck.resolver import (
    Answer,
    LookupFailed,
    Resolver,
    normalize_name,
    without_loop,
)
from launchgate.dnscheck.spf import SpfRecord, Term, has_macro, is_spf, parse_spf

LOOKUP_LIMIT = 10
VOID_LIMIT = 2
MX_LIMIT = 10
WALK_CAP = 40  # far past the limit: a record tree that includes its branches many times over


@dataclass
class SpfWalk:
    """What the walk saw below the top-level record."""

    lookups: int = 0
    void_lookups: int = 0
    included: set[str] = field(default_factory=set)  # include/redirect targets of records read
    problems: list[str] = field(default_factory=list)  # permerrors below the top record
    loops: list[str] = field(default_factory=list)
    ptr_in: list[str] = field(default_factory=list)
    records: dict[str, SpfRecord] = field(default_factory=dict)  # valid records reached
    capped: bool = False  # the walk stopped at WALK_CAP lookups: the count is a lower bound
    failures: list[LookupFailed] = field(default_factory=list)


def spf_records(answer: Answer) -> list[str]:
    return [r for r in answer.records if is_spf(r)] if answer.status == "ok" else []


def _target(term: Term, domain: str) -> str:
    """The name a mechanism queries: its domain-spec without CIDR lengths, or the domain."""
    spec = term.value.split("/", 1)[0] if term.name in ("a", "mx") else term.value
    return normalize_name(spec) if spec else domain


def _void(answer: Answer) -> bool:
    return answer.status in ("nxdomain", "nodata")


class _Walker:
    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.walk = SpfWalk()

    async def ask(self, name: str, rdtype: str) -> Answer | None:
        try:
            return without_loop(await self.resolver.query(name, rdtype))
        except LookupFailed as failure:
            self.walk.failures.append(failure)
            return None

    async def visit(self, domain: str, record: SpfRecord, stack: tuple[str, ...]) -> None:
        """Count every lookup term of ``record``; resolve only as many as WALK_CAP leaves, so a
        record of thousands of terms (a 64 KB TXT) costs a bounded number of questions."""
        if any(t.name == "ptr" for t in record.mechanisms):
            self.walk.ptr_in.append(domain)
        terms = record.lookup_terms
        self.walk.included.update(
            _target(t, domain) for t in terms if t.name in ("include", "redirect")
        )
        budget = max(0, WALK_CAP - self.walk.lookups)
        self.walk.lookups += len(terms)
        if len(terms) > budget:
            self.walk.capped = True
        await asyncio.gather(*(self.term(domain, t, stack) for t in terms[:budget]))

    async def term(self, domain: str, term: Term, stack: tuple[str, ...]) -> None:
        name = _target(term, domain)
        if has_macro(name):
            return  # expanded per message: counted, but nothing to resolve here
        if term.name in ("include", "redirect"):
            await self.nested(name, term, stack)
        elif term.name == "a":
            found = await asyncio.gather(self.ask(name, "A"), self.ask(name, "AAAA"))
            if all(a is not None and _void(a) for a in found):
                self.walk.void_lookups += 1
        elif term.name == "mx":
            await self.mx(name)
        elif term.name == "exists":
            answer = await self.ask(name, "A")
            if answer is not None and _void(answer):
                self.walk.void_lookups += 1

    async def mx(self, name: str) -> None:
        answer = await self.ask(name, "MX")
        if answer is None:
            return
        if _void(answer):
            self.walk.void_lookups += 1
            return
        if len(answer.records) > MX_LIMIT:
            self.walk.problems.append(
                f"mx:{name} has {len(answer.records)} MX hosts (receivers look at most at 10)"
            )

    async def nested(self, name: str, term: Term, stack: tuple[str, ...]) -> None:
        if name in stack:
            self.walk.loops.append(" -> ".join((*stack, name)))
            return
        answer = await self.ask(name, "TXT")
        if answer is None:
            return
        records = spf_records(answer)
        if _void(answer):
            self.walk.void_lookups += 1
        if len(records) != 1:
            what = "no SPF record" if not records else f"{len(records)} SPF records"
            self.walk.problems.append(f"{term.name} target {name} has {what}")
            return
        child = parse_spf(records[0])
        if child.errors:
            self.walk.problems.append(f"the SPF record of {name} is invalid: {child.errors[0]}")
            return
        self.walk.records[name] = child
        await self.visit(name, child, (*stack, name))


async def walk_spf(resolver: Resolver, domain: str, record: SpfRecord) -> SpfWalk:
    """Walk ``record`` (the valid top-level SPF record of ``domain``)."""
    walker = _Walker(resolver)
    walker.walk.records[domain] = record
    await walker.visit(domain, record, (domain,))
    return walker.walk


def final_all(walk: SpfWalk, domain: str) -> tuple[bool, Term | None]:
    """The ``all`` that applies to ``domain``, through redirects: (known, term).

    ``known`` is False when a redirect target could not be read, or the redirects loop (a
    permerror, reported as the loop), so "no all" is not claimed.
    """
    current = walk.records[domain]
    seen = {domain}
    while current.all_term is None and current.redirect is not None:
        target = normalize_name(current.redirect)
        if target in seen:
            return False, None
        if target not in walk.records:
            return not any(f.name == target for f in walk.failures), None
        seen.add(target)
        current = walk.records[target]
    return True, current.all_term

"""The one way the dns check asks DNS: concurrent, retried, and honest about failures.

Every lookup is an ``asyncio`` task, memoized per (name, type), so a run issues each question
once and all of them at the same time. A question goes to the configured nameservers in turn
(each tried twice); a truncated UDP answer is retried over TCP. NOERROR and NXDOMAIN are answers.
SERVFAIL, REFUSED, timeouts, network errors, a TCP answer still truncated, a TCP connection closed
before the answer and malformed replies raise :class:`LookupFailed`
with the reason: the callers turn that into "could not check", never into "record missing".

CNAMEs are followed by the resolver itself, so the same code works against a recursive resolver
(which sends the whole chain) and an authoritative server (which stops at its zone's edge).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdatatype
import dns.resolver
import dns.rrset

MAX_CHAIN = 8
TRIES_PER_SERVER = 2
MAX_IN_FLIGHT = 64
OUT_OF_TIME = "not asked: the dns check's time budget (checks.dns.timeout_s) ran out"

Status = Literal["ok", "nxdomain", "nodata", "cname-loop"]


@dataclass(frozen=True)
class Nameserver:
    host: str
    port: int = 53

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def parse_nameserver(text: str) -> Nameserver:
    """``IP``, ``IP:PORT``, ``[IPv6]:PORT``, ``HOST`` or ``HOST:PORT``; ValueError when not."""
    raw = text.strip()
    host, port_text = raw, ""
    if raw.startswith("["):
        host, _, rest = raw[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else rest
    elif raw.count(":") == 1:
        host, port_text = raw.split(":")
    if not host:
        raise ValueError(f"nameserver {text!r} has no host")
    port = 53
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(f"nameserver {text!r}: port must be a number from 1 to 65535")
        port = int(port_text)
    try:
        return Nameserver(str(ipaddress.ip_address(host)), port)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
    except OSError as exc:
        raise ValueError(f"nameserver {text!r}: cannot resolve {host!r} ({exc})") from None
    return Nameserver(str(infos[0][4][0]), port)


def system_nameservers() -> list[Nameserver]:
    """The machine's resolvers (resolv.conf); ValueError when there are none."""
    try:
        found = dns.resolver.Resolver(configure=True).nameservers
    except dns.exception.DNSException as exc:
        raise ValueError(f"no system resolver configured ({exc})") from None
    servers = [parse_nameserver(str(ns)) for ns in found]
    if not servers:
        raise ValueError("no system resolver configured; pass --nameserver")
    return servers


class LookupFailed(Exception):
    """The question got no usable answer: SERVFAIL, REFUSED, timeout, network or format error."""

    def __init__(self, name: str, rdtype: str, reason: str) -> None:
        super().__init__(f"{name} {rdtype}: {reason}")
        self.name = name
        self.rdtype = rdtype
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    """A definitive answer. ``records`` are normalized texts of the final RRset (see below)."""

    name: str
    rdtype: str
    status: Status
    records: tuple[str, ...] = ()
    ttl: int | None = None
    chain: tuple[str, ...] = ()  # CNAME targets followed from ``name``, in order

    @property
    def target(self) -> str:
        """The name the records belong to (the end of the CNAME chain)."""
        return self.chain[-1] if self.chain else self.name


def without_loop(answer: Answer) -> Answer:
    """The answer, or LookupFailed when its CNAME chain loops: a resolver answers SERVFAIL
    there, so nothing (neither "missing" nor a record) can be judged from it."""
    if answer.status == "cname-loop":
        path = " -> ".join((answer.name, *answer.chain))
        raise LookupFailed(answer.name, answer.rdtype, f"its CNAME chain loops ({path})")
    return answer


def normalize_name(name: str) -> str:
    return name.strip().rstrip(".").lower()


def record_text(rdata: dns.rdata.Rdata) -> str:
    """Comparable text: TXT strings joined, names lower-case without the final dot."""
    rdtype = rdata.rdtype
    if rdtype in (dns.rdatatype.TXT, dns.rdatatype.SPF):
        return b"".join(rdata.strings).decode("utf-8", "replace")  # type: ignore[attr-defined]
    if rdtype in (dns.rdatatype.CNAME, dns.rdatatype.NS, dns.rdatatype.PTR):
        return normalize_name(rdata.target.to_text())  # type: ignore[attr-defined]
    if rdtype == dns.rdatatype.MX:
        exchange = normalize_name(rdata.exchange.to_text()) or "."  # type: ignore[attr-defined]
        return f"{rdata.preference} {exchange}"  # type: ignore[attr-defined]
    return rdata.to_text()


class Resolver:
    """Asks the configured nameservers; one instance per run (its cache is the run's view)."""

    def __init__(
        self,
        nameservers: Sequence[Nameserver],
        timeout_s: float = 3.0,
        deadline: float | None = None,
    ) -> None:
        """``deadline`` (``time.monotonic()``): no question is asked, nor waited for, past it,
        so a server that answers slowly, or only every second try, cannot hold the check past
        its own timeout: what is left fails at once with the reason."""
        if not nameservers:
            raise ValueError("at least one nameserver is needed")
        self.nameservers = tuple(nameservers)
        self.timeout_s = timeout_s
        self.deadline = deadline
        self._cache: dict[tuple[str, str], asyncio.Future[Answer]] = {}
        self._slots: asyncio.Semaphore | None = None

    async def query(self, name: str, rdtype: str) -> Answer:
        """The answer for ``name``/``rdtype`` (CNAMEs followed); LookupFailed when none came."""
        key = (normalize_name(name), rdtype.upper())
        future = self._cache.get(key)
        if future is None:
            future = asyncio.ensure_future(self._lookup(*key))
            self._cache[key] = future
        return await asyncio.shield(future)

    async def _lookup(self, name: str, rdtype: str) -> Answer:
        wanted = dns.rdatatype.from_text(rdtype)
        chain: list[str] = []
        current = name
        for _hop in range(MAX_CHAIN + 1):
            reply = await self._exchange(current, rdtype)
            seen = {name, *chain}
            # Follow the chain inside this reply (a recursive resolver sends all of it).
            while wanted != dns.rdatatype.CNAME:
                link = _rrset(reply, current, dns.rdatatype.CNAME)
                if link is None:
                    break
                target = record_text(link[0])
                if target in seen:
                    return Answer(name, rdtype, "cname-loop", chain=(*chain, target))
                if len(chain) == MAX_CHAIN:  # one reply can carry a chain of any length
                    raise LookupFailed(name, rdtype, f"CNAME chain longer than {MAX_CHAIN} names")
                chain.append(target)
                seen.add(target)
                current = target
            final = _rrset(reply, current, wanted)
            if final is not None:
                records = tuple(sorted({record_text(r) for r in final}))
                return Answer(name, rdtype, "ok", records, final.ttl, tuple(chain))
            if reply.rcode() == dns.rcode.NXDOMAIN:
                return Answer(name, rdtype, "nxdomain", chain=tuple(chain))
            if current in _asked(reply):  # the server had nothing more to say about it
                return Answer(name, rdtype, "nodata", chain=tuple(chain))
        raise LookupFailed(name, rdtype, f"CNAME chain longer than {MAX_CHAIN} names")

    async def _exchange(self, name: str, rdtype: str) -> dns.message.Message:
        try:
            qname = dns.name.from_text(name)
        except dns.exception.DNSException as exc:
            raise LookupFailed(name, rdtype, f"not a valid DNS name ({exc})") from None
        query = dns.message.make_query(qname, rdtype, use_edns=0, payload=1232)
        if self._slots is None:
            self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        reasons: list[str] = []
        async with self._slots:
            for server in self.nameservers * TRIES_PER_SERVER:
                left = self.timeout_s
                if self.deadline is not None:
                    left = min(left, self.deadline - time.monotonic())
                if left <= 0:
                    reasons.append(OUT_OF_TIME)
                    break
                reason = await self._ask(query, server, left)
                if isinstance(reason, dns.message.Message):
                    return reason
                if reason not in reasons:
                    reasons.append(reason)
        raise LookupFailed(name, rdtype, "; ".join(reasons))

    async def _ask(
        self, query: dns.message.Message, server: Nameserver, timeout_s: float
    ) -> dns.message.Message | str:
        """The reply if it is an answer (NOERROR/NXDOMAIN), otherwise why not."""
        try:
            reply, _tcp = await dns.asyncquery.udp_with_fallback(
                query, server.host, timeout=timeout_s, port=server.port
            )
        except dns.exception.Timeout:
            return f"no answer from {server} within {round(timeout_s * 1000)} ms"
        except EOFError:  # asyncio's IncompleteReadError: the TCP stream ended mid-answer
            return f"{server} closed the TCP connection before answering"
        except OSError as exc:
            return f"network error talking to {server} ({exc.strerror or exc})"
        except dns.exception.DNSException as exc:
            return f"malformed answer from {server} ({exc})"
        except ValueError as exc:  # dnspython raises it for some undecodable replies
            return f"malformed answer from {server} ({exc})"
        rcode = reply.rcode()
        if reply.flags & dns.flags.TC:  # a cut answer over TCP: its records cannot be trusted
            return f"{server} sent a truncated answer even over TCP"
        if rcode in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            return reply
        return f"{server} answered {dns.rcode.to_text(rcode)}"


def _rrset(reply: dns.message.Message, owner: str, rdtype: int) -> dns.rrset.RRset | None:
    for rrset in reply.answer:
        if rrset.rdtype == rdtype and normalize_name(rrset.name.to_text()) == owner:
            return rrset
    return None


def _asked(reply: dns.message.Message) -> set[str]:
    return {normalize_name(q.name.to_text()) for q in reply.question}

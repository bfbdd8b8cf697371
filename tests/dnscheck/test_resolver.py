"""The resolver against a real NSD and a misbehaving server: answers, chains, honest failures."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import dns.flags
import dns.message
import dns.rcode
import pytest

from launchgate.dnscheck.resolver import (
    MAX_CHAIN,
    Answer,
    LookupFailed,
    Nameserver,
    Resolver,
    parse_nameserver,
    without_loop,
)
from tests.fixtures.dnsresponder import reply, with_records

ZONES = {
    "site.test": """
@ IN A 192.0.2.10
@ IN TXT "v=spf1 " "-all"
www IN CNAME @
app IN CNAME shop.provider.test.
loop1 IN CNAME loop2
loop2 IN CNAME loop1
gone IN CNAME nothing.provider.test.
""",
    "provider.test": "shop IN A 192.0.2.20\n",
}


def ask(server: str, name: str, rdtype: str, timeout: float = 1.0) -> Answer:
    resolver = Resolver([parse_nameserver(server)], timeout_s=timeout)
    return asyncio.run(resolver.query(name, rdtype))


def test_answers_chains_and_nonexistence_from_nsd(nsd) -> None:
    server = nsd(ZONES).address
    apex = ask(server, "Site.Test.", "A")
    assert (apex.status, apex.records, apex.ttl) == ("ok", ("192.0.2.10",), 300)
    assert ask(server, "site.test", "TXT").records == ("v=spf1 -all",)  # strings joined
    www = ask(server, "www.site.test", "A")
    assert (www.records, www.chain) == (("192.0.2.10",), ("site.test",))
    cross = ask(server, "app.site.test", "A")  # the target lives in another zone
    assert (cross.status, cross.records, cross.chain) == (
        "ok",
        ("192.0.2.20",),
        ("shop.provider.test",),
    )
    assert ask(server, "app.site.test", "CNAME").records == ("shop.provider.test",)
    dangling = ask(server, "gone.site.test", "A")
    assert (dangling.status, dangling.target) == ("nxdomain", "nothing.provider.test")
    assert ask(server, "missing.site.test", "A").status == "nxdomain"
    assert ask(server, "site.test", "MX").status == "nodata"
    assert ask(server, "loop1.site.test", "A").status == "cname-loop"


def test_refused_outside_the_served_zones_is_a_failure_not_a_missing_record(nsd) -> None:
    server = nsd(ZONES).address
    with pytest.raises(LookupFailed, match="REFUSED"):
        ask(server, "elsewhere.example", "TXT")


def test_servfail_and_silence_are_failures_with_the_reason(responder) -> None:
    servfail = responder(lambda q, _t: reply(q, dns.rcode.SERVFAIL))
    with pytest.raises(LookupFailed, match="SERVFAIL"):
        ask(servfail.address, "a.test", "A")
    assert len(servfail.seen) == 2  # tried twice before giving up

    silent = responder(lambda _q, _t: None)
    started = time.monotonic()
    with pytest.raises(LookupFailed, match=r"no answer .* within 200 ms"):
        ask(silent.address, "a.test", "A", timeout=0.2)
    assert time.monotonic() - started < 5  # bounded: two tries of 200 ms, with slack

    garbage = responder(lambda _q, _t: b"\x00\x01garbage")
    with pytest.raises(LookupFailed):
        ask(garbage.address, "a.test", "A", timeout=0.3)


def test_truncated_udp_answer_is_retried_over_tcp(responder) -> None:
    def handler(query: dns.message.Message, transport: str) -> dns.message.Message:
        if transport == "udp":
            cut = reply(query)
            cut.flags |= dns.flags.TC
            return cut
        return with_records(query, 'big.test. 60 IN TXT "v=spf1 ip4:192.0.2.1 -all"')

    server = responder(handler)
    answer = ask(server.address, "big.test", "TXT")
    assert answer.records == ("v=spf1 ip4:192.0.2.1 -all",)
    assert [t for t, _n, _r in server.seen] == ["udp", "tcp"]


def test_next_nameserver_is_tried_when_one_fails(nsd, responder) -> None:
    broken = responder(lambda q, _t: reply(q, dns.rcode.SERVFAIL))
    good = nsd(ZONES)
    servers = [parse_nameserver(broken.address), parse_nameserver(good.address)]
    answer = asyncio.run(Resolver(servers, timeout_s=1).query("site.test", "A"))
    assert answer.records == ("192.0.2.10",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1", Nameserver("127.0.0.1", 53)),
        ("127.0.0.1:5353", Nameserver("127.0.0.1", 5353)),
        ("::1", Nameserver("::1", 53)),
        ("[::1]:5353", Nameserver("::1", 5353)),
        ("localhost:54", Nameserver("127.0.0.1", 54)),
    ],
)
def test_nameserver_forms(text: str, expected: Nameserver) -> None:
    assert parse_nameserver(text) == expected


@pytest.mark.parametrize("text", ["", ":53", "127.0.0.1:0", "127.0.0.1:x", "[::1]:70000"])
def test_bad_nameservers_are_clear_errors(text: str) -> None:
    with pytest.raises(ValueError, match=r"nameserver|port"):
        parse_nameserver(text)


def test_a_tcp_connection_closed_before_the_answer_is_a_failure_not_a_crash(responder) -> None:
    def handler(query: dns.message.Message, transport: str) -> dns.message.Message | None:
        if transport == "udp":
            cut = reply(query)
            cut.flags |= dns.flags.TC
            return cut
        return None  # the responder closes the connection without a word

    server = responder(handler)
    with pytest.raises(LookupFailed, match="closed the TCP connection before answering"):
        ask(server.address, "a.test", "TXT")


def test_an_answer_still_truncated_over_tcp_is_a_failure_not_nodata(responder) -> None:
    def handler(query: dns.message.Message, _transport: str) -> dns.message.Message:
        cut = reply(query)
        cut.flags |= dns.flags.TC
        return cut

    server = responder(handler)
    with pytest.raises(LookupFailed, match="truncated answer even over TCP"):
        ask(server.address, "a.test", "TXT")


def test_a_chain_in_one_reply_is_capped_like_a_chain_of_hops(responder) -> None:
    def chain(length: int) -> Callable[[dns.message.Message, str], dns.message.Message]:
        def handler(query: dns.message.Message, _transport: str) -> dns.message.Message:
            links = ["a.test. 60 IN CNAME c1.test."]
            links += [f"c{i}.test. 60 IN CNAME c{i + 1}.test." for i in range(1, length)]
            return with_records(query, *links, f"c{length}.test. 60 IN A 192.0.2.1")

        return handler

    eight = ask(responder(chain(MAX_CHAIN)).address, "a.test", "A")
    assert (eight.records, len(eight.chain)) == (("192.0.2.1",), MAX_CHAIN)
    with pytest.raises(LookupFailed, match="CNAME chain longer than 8 names"):
        ask(responder(chain(MAX_CHAIN + 1)).address, "a.test", "A")


def test_a_cname_loop_is_a_failure_where_nothing_can_be_judged_from_it() -> None:
    loop = Answer("a.test", "TXT", "cname-loop", chain=("b.test", "a.test"))
    with pytest.raises(
        LookupFailed, match=r"^a.test TXT: its CNAME chain loops \(a.test -> b.test -> a.test\)$"
    ):
        without_loop(loop)
    fine = Answer("a.test", "TXT", "nodata")
    assert without_loop(fine) is fine


def test_no_question_is_asked_past_the_deadline(responder) -> None:
    server = responder(lambda q, _t: reply(q))
    late = Resolver([parse_nameserver(server.address)], timeout_s=1, deadline=time.monotonic())
    with pytest.raises(LookupFailed, match=r"time budget \(checks.dns.timeout_s\) ran out"):
        asyncio.run(late.query("a.test", "A"))
    assert server.seen == []

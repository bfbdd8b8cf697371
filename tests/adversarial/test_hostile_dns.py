"""Hostile DNS: servers that fail, lie, truncate, send garbage or huge answers, and zones built to
trap a checker (SPF include loops and deep chains, void lookups, CNAME loops and long chains,
garbage DMARC, DKIM and MTA-STS records).

Every case runs the real dns check through the runner against a real NSD (the well-behaved zones)
behind a small misbehaving responder on loopback that forwards what it does not sabotage. Each
case must give a clear finding about the hostile domain (never "missing" when a lookup failed,
never a pass) well within the check's deadline, and the calm neighbour in the same run must still
be checked: its one planted problem (a DMARC policy of none) is reported every time.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from launchgate.dnscheck.resolver import OUT_OF_TIME
from launchgate.findings import Finding, Report
from launchgate.manifest import parse_manifest
from launchgate.registry import load_builtin_checks
from launchgate.runner import RunOptions, run_gate
from tests.dnscheck.scenario import ed25519_key, txt
from tests.fixtures.dnsresponder import Handler, Responder, reply, with_records
from tests.fixtures.nsd import Nsd, start_nsd

HOSTILE = "hostile.test"
CALM = "calm.test"
DEADLINE_S = 30  # checks.dns.timeout_s: the runner's backstop, never reached in these cases
WITHIN_S = 20  # what every case must finish within, even on a loaded 2-core machine
LOOKUP_MS = 1500  # per question: answers through the forwarding front are slow under load
FAILED = "dns.lookup-failed"
# A verdict of absence: never allowed on a name whose lookup failed.
ABSENCE = {
    "dns.unresolved",
    "email.spf-missing",
    "email.dmarc-missing",
    "email.dkim-missing",
    "email.mx-missing",
    "email.mta-sts-missing",
    "email.mta-sts-policy-unavailable",
    "email.tls-rpt-missing",
    "dns.caa-missing",
}
# The verdicts of absence that come from questions about the name itself (DKIM, DMARC, MTA-STS
# and TLS-RPT live at other names, which may well be missing).
NAME_ABSENCE = frozenset(
    {"dns.unresolved", "email.spf-missing", "email.mx-missing", "dns.caa-missing"}
)


def mail_zone(origin: str, dmarc_policy: str = "reject") -> str:
    """A sending domain that is right in every respect but its DMARC policy and its MTA-STS
    policy, which no host serves (its _mta-sts record is valid, mta-sts.ORIGIN has no address:
    no HTTPS server is needed here)."""
    return f"""
@ IN A 192.0.2.10
@ IN MX 10 mx.{origin}.
mx IN A 192.0.2.11
@ IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc IN TXT "v=DMARC1; p={dmarc_policy}; rua=mailto:dmarc@{origin}"
_mta-sts IN TXT "v=STSv1; id=20261129"
_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:tls@{origin}"
s1._domainkey IN TXT {txt("v=DKIM1; k=ed25519; p=" + ed25519_key())}
@ IN CAA 0 issue "letsencrypt.org"
"""


def chain(origin: str, depth: int) -> str:
    """SPF includes nested ``depth`` deep: each record includes the next."""
    lines = [f'i{i} IN TXT "v=spf1 include:i{i + 1}.{origin} -all"' for i in range(depth)]
    return "\n".join([*lines, f'i{depth} IN TXT "v=spf1 ip4:192.0.2.1 -all"'])


def with_spf(origin: str, spf: str) -> str:
    return mail_zone(origin).replace('"v=spf1 ip4:192.0.2.0/24 -all"', txt(spf))


# Zones NSD serves: the calm neighbour, and hostile content (as a real server would serve it).
ZONES = {
    CALM: mail_zone(CALM, dmarc_policy="none"),
    HOSTILE: mail_zone(HOSTILE),
    "selfloop.test": with_spf("selfloop.test", "v=spf1 include:selfloop.test -all"),
    "redirloop.test": with_spf("redirloop.test", "v=spf1 redirect=_r.redirloop.test")
    + '_r IN TXT "v=spf1 redirect=redirloop.test"\n',
    "deep.test": with_spf("deep.test", "v=spf1 include:i0.deep.test -all") + chain("deep.test", 60),
    "wide.test": with_spf(
        "wide.test",
        "v=spf1 " + " ".join(f"include:w{i}.wide.test" for i in range(300)) + " -all",
    )
    + "\n".join(
        f"w{i} IN TXT "
        + txt("v=spf1 " + " ".join(f"a:x{j}.w{i}.wide.test" for j in range(20)) + " -all")
        for i in range(300)
    ),
    "voids.test": with_spf(
        "voids.test",
        "v=spf1 " + " ".join(f"a:nx{i}.voids.test mx:nx{i}.voids.test" for i in range(4)) + " -all",
    ),
    "cnloop.test": mail_zone("cnloop.test").replace("@ IN A 192.0.2.10\n", "")
    + "www IN CNAME www2\nwww2 IN CNAME www\n_dmarc.mail IN CNAME _dmarc.mail2\n"
    "_dmarc.mail2 IN CNAME _dmarc.mail\nmail IN A 192.0.2.1\nmail IN MX 0 .\n"
    'mail IN TXT "v=spf1 -all"\n',
    "longcname.test": "\n".join(f"c{i} IN CNAME c{i + 1}" for i in range(30))
    + "\nc30 IN A 192.0.2.1",
    "garbage.test": mail_zone("garbage.test")
    .replace(
        '"v=DMARC1; p=reject; rua=mailto:dmarc@garbage.test"',
        '"v=DMARC1; p=\\255\\000x; rua=javascript:alert(1); pct=999"',
    )
    .replace("v=STSv1; id=20261129", "v=STSv1; id=\\000<script>; extra")
    .replace("v=TLSRPTv1; rua=mailto:tls@garbage.test", "v=TLSRPTv1; rua=ftp://x")
    .split("s1._domainkey")[0]
    + 's1._domainkey IN TXT "v=DKIM1; k=rsa; p=!!!not-base64\\007\\033[31m"\n',
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nsd]:
    nsd = start_nsd(tmp_path_factory.mktemp("nsd"), ZONES)
    yield nsd
    nsd.stop()


def forwarding(nsd: Nsd, sabotage: Handler | None, only: str | None, domain: str) -> Handler:
    """Questions about ``domain`` (of type ``only``, when given) go to ``sabotage``; the rest
    are NSD's answers."""

    def handle(query: dns.message.Message, transport: str) -> dns.message.Message | bytes | None:
        question = query.question[0]
        name = question.name.to_text().rstrip(".").lower()
        hostile = name == domain or name.endswith("." + domain)
        if only is not None:
            hostile = name == domain and dns.rdatatype.to_text(question.rdtype) == only
        if sabotage is not None and hostile:
            return sabotage(query, transport)
        return ask_nsd(nsd, query)

    return handle


def ask_nsd(nsd: Nsd, query: dns.message.Message) -> dns.message.Message:
    return dns.query.tcp(query, nsd.host, port=nsd.port, timeout=5)


Front = Callable[..., Responder]


@pytest.fixture
def front(server: Nsd) -> Iterator[Front]:
    """Start the misbehaving front server with a sabotage (None: forward everything)."""
    started: list[Responder] = []

    def start(
        sabotage: Handler | None = None, only: str | None = None, domain: str = HOSTILE
    ) -> Responder:
        started.append(Responder(forwarding(server, sabotage, only, domain)).start())
        return started[-1]

    yield start
    for responder in started:
        responder.stop()


@dataclass
class Run:
    report: Report
    seconds: float

    def about(self, domain: str) -> list[Finding]:
        """Findings about ``domain`` and the names below it."""
        return [
            f
            for f in self.report.findings
            if (f.location.domain or "") == domain
            or (f.location.domain or "").endswith("." + domain)
        ]

    def on(self, domain: str) -> set[str]:
        return {f.rule for f in self.about(domain)}

    def messages(self, domain: str) -> str:
        return "\n".join(f.message for f in self.about(domain))


def gate(
    tmp_path: Path,
    resolver: str,
    domain: str,
    timeout_ms: int = LOOKUP_MS,
    deadline_s: float = DEADLINE_S,
) -> Run:
    domains = f"  - {{name: {domain}, https: false}}\n"
    text = f"""version: 1
domains:
{domains}  - {{name: {CALM}, https: false}}
email:
  domains: [{domain}, {CALM}]
  dkim_selectors: [s1]
dns: {{resolvers: ["{resolver}"], timeout_ms: {timeout_ms}}}
checks: {{dns: {{timeout_s: {deadline_s}}}}}
"""
    path = tmp_path / "launchready.yml"
    path.write_text(text)
    manifest = parse_manifest(text, path)
    options = RunOptions(only=("dns",), state_dir=tmp_path / "state")
    started = time.monotonic()
    report = run_gate(manifest, tmp_path, options, load_builtin_checks())
    return Run(report, time.monotonic() - started)


def assert_neighbour_checked_and_in_time(run: Run) -> None:
    expected = {"email.dmarc-weak-policy", "email.mta-sts-policy-unavailable"}
    assert run.on(CALM) == expected, run.report.findings
    assert run.seconds < WITHIN_S
    assert "timed out" not in (run.report.checks[0].error or "")


def assert_could_not_check(run: Run, reason: str) -> None:
    """A failure with its reason, no verdict of absence, and never a pass."""
    rules = run.on(HOSTILE)
    assert FAILED in rules
    assert not rules & ABSENCE, rules
    assert reason in run.messages(HOSTILE)
    assert run.report.status == "error"
    assert run.report.checks[0].error is not None
    assert_neighbour_checked_and_in_time(run)


def truncated(query: dns.message.Message) -> dns.message.Message:
    cut = reply(query)
    cut.flags |= dns.flags.TC
    return cut


def mismatched_id(query: dns.message.Message, _transport: str) -> dns.message.Message:
    answer = reply(query)
    answer.id = (query.id + 1) % 65536
    return answer


def other_question(query: dns.message.Message, _transport: str) -> dns.message.Message:
    answer = dns.message.make_response(dns.message.make_query("calm.test", "TXT"))
    answer.id = query.id
    return answer


def cut_wire(query: dns.message.Message, _transport: str) -> bytes:
    name = query.question[0].name.to_text()
    return with_records(query, f'{name} 60 IN TXT "v=spf1 -all"').to_wire()[:-4]


# (case id, sabotage, reason the finding must give)
FAILURES: list[tuple[str, Handler, str]] = [
    ("servfail", lambda q, _t: reply(q, dns.rcode.SERVFAIL), "answered SERVFAIL"),
    ("refused", lambda q, _t: reply(q, dns.rcode.REFUSED), "answered REFUSED"),
    ("formerr", lambda q, _t: reply(q, dns.rcode.FORMERR), "answered FORMERR"),
    ("silence", lambda _q, _t: None, f"within {LOOKUP_MS} ms"),
    ("garbage", lambda _q, _t: b"\x13\x37garbage" * 3, "malformed answer"),
    ("cut-packet", cut_wire, "malformed answer"),
    ("mismatched-id", mismatched_id, "malformed answer"),
    ("answer-to-another-question", other_question, "malformed answer"),
    ("truncated-then-tcp-silent", lambda q, t: truncated(q) if t == "udp" else None, "closed"),
    ("truncated-even-over-tcp", lambda q, _t: truncated(q), "truncated"),
]


@pytest.mark.parametrize(("case", "sabotage", "reason"), FAILURES, ids=[c[0] for c in FAILURES])
def test_a_server_that_fails_is_could_not_check_never_missing(
    front: Front, tmp_path: Path, case: str, sabotage: Handler, reason: str
) -> None:
    run = gate(tmp_path, front(sabotage).address, HOSTILE)
    assert_could_not_check(run, reason)


@dataclass(frozen=True)
class Case:
    """A hostile zone served as a real server would serve it: what must and must not be said."""

    domain: str
    expected: frozenset[str]
    forbidden: frozenset[str] = frozenset()
    said: str = ""  # a phrase the findings about the domain must contain


CONTENT = {
    "spf-includes-itself": Case("selfloop.test", frozenset({"email.spf-loop"})),
    "spf-redirect-loop": Case(
        "redirloop.test", frozenset({"email.spf-loop"}), frozenset({"email.spf-no-all"})
    ),
    "spf-chain-60-deep": Case(
        "deep.test", frozenset({"email.spf-too-many-lookups"}), said="needs at least 41 DNS"
    ),
    "spf-300-includes-of-20-lookups": Case(
        "wide.test", frozenset({"email.spf-too-many-lookups"}), said="needs at least 1100 DNS"
    ),
    "spf-8-void-lookups": Case(
        "voids.test", frozenset({"email.spf-void-lookups"}), said="has 8 lookups that find"
    ),
    "cname-loop-on-a-web-and-mail-name": Case(
        "www.cnloop.test",
        frozenset({"dns.cname-loop", FAILED}),
        NAME_ABSENCE,
        said="its CNAME chain loops (www.cnloop.test -> www2.cnloop.test -> www.cnloop.test)",
    ),
    "cname-loop-at-the-dmarc-name": Case(
        "mail.cnloop.test",
        frozenset({FAILED}),
        frozenset({"email.dmarc-missing", "email.dmarc-weak-policy"}),
        said="_dmarc.mail.cnloop.test TXT: its CNAME chain loops",
    ),
    "cname-chain-of-30": Case(
        "c0.longcname.test",
        frozenset({FAILED}),
        NAME_ABSENCE,
        said="CNAME chain longer than 8 names",
    ),
    "garbage-dmarc-dkim-mta-sts-tls-rpt": Case(
        "garbage.test",
        frozenset(
            {
                "email.dmarc-syntax",
                "email.dkim-weak-key",
                "email.mta-sts-invalid",
                "email.tls-rpt-invalid",
            }
        ),
        said="not valid base64",
    ),
}


@pytest.mark.parametrize("case", CONTENT.values(), ids=CONTENT.keys())
def test_a_hostile_zone_gets_clear_findings_in_bounded_time(
    front: Front, tmp_path: Path, case: Case
) -> None:
    forwarder = front()
    assert_judged(gate(tmp_path, forwarder.address, case.domain), case, forwarder)


def assert_judged(run: Run, case: Case, server: Responder) -> None:
    """The case's findings and none of its forbidden ones, readable, with the neighbour's, in
    bounded time and with a bounded number of questions whatever the zone holds."""
    rules = run.on(case.domain)
    assert case.expected <= rules, run.report.findings
    assert not case.forbidden & rules, rules
    assert case.said in run.messages(case.domain)
    assert all(len(f.message) < 1100 for f in run.report.findings)
    assert not any("\x1b" in f.message or "\x00" in f.message for f in run.report.findings)
    assert_neighbour_checked_and_in_time(run)
    assert len(server.seen) < 400


def unlimited(answer: dns.message.Message) -> bytes:
    """The answer as sent whatever size the client asked for (a hostile server may)."""
    return answer.to_wire(max_size=65535)


def txt_reply(query: dns.message.Message, *strings: bytes) -> dns.message.Message:
    """One TXT record made of ``strings`` (each at most 255 bytes) for the question's name."""
    answer = reply(query)
    rdata = dns.rdata.from_wire(
        dns.rdataclass.IN,
        dns.rdatatype.TXT,
        b"".join(bytes([len(s)]) + s for s in strings),
        0,
        sum(len(s) + 1 for s in strings),
    )
    answer.answer.append(dns.rrset.from_rdata(query.question[0].name, 60, rdata))
    return answer


def tcp_only(answer: Callable[[dns.message.Message], dns.message.Message]) -> Handler:
    """Truncated over UDP, ``answer`` over TCP: the client must retry over TCP to see it."""
    return lambda q, t: truncated(q) if t == "udp" else unlimited(answer(q))


def spf_in_64k(query: dns.message.Message) -> dns.message.Message:
    """A valid SPF record of about 60 KB: thousands of a: terms, ending in +all."""
    terms = " ".join(f"a:h{i}.{HOSTILE}" for i in range(2900))
    text = f"v=spf1 {terms} +all".encode()
    return txt_reply(query, *(text[i : i + 255] for i in range(0, len(text), 255)))


def garbage_spf_in_strings(query: dns.message.Message, _transport: str) -> bytes:
    """Twelve 250-byte strings over UDP (past the 1232 bytes asked for) of bad SPF terms."""
    text = ("v=spf1 " + "bogus:x " * 400)[:3000].encode()
    return unlimited(txt_reply(query, *(text[i : i + 250] for i in range(0, len(text), 250))))


def binary_spf(query: dns.message.Message, _transport: str) -> dns.message.Message:
    return txt_reply(query, b"v=spf1 \x1b[31m\xff\xfe\x00 ip4:192.0.2.1 -all")


def chain_in_one_reply(query: dns.message.Message, _transport: str) -> bytes:
    """What a recursive resolver would send for a 200-name CNAME chain."""
    name = query.question[0].name.to_text()
    links = [f"{name} 60 IN CNAME c0.{HOSTILE}."]
    links += [f"c{i}.{HOSTILE}. 60 IN CNAME c{i + 1}.{HOSTILE}." for i in range(200)]
    return unlimited(with_records(query, *links))


def loop_in_one_reply(query: dns.message.Message, _transport: str) -> dns.message.Message:
    name = query.question[0].name.to_text()
    return with_records(
        query, f"{name} 60 IN CNAME x.{HOSTILE}.", f"x.{HOSTILE}. 60 IN CNAME {name}"
    )


# (case id, sabotage, the only question type sabotaged (None: all of the domain), what is said)
ANSWERS: list[tuple[str, Handler, str | None, Case]] = [
    (
        "64kb-spf-over-tcp",
        tcp_only(spf_in_64k),
        "TXT",
        Case(
            HOSTILE,
            frozenset({"email.spf-plus-all", "email.spf-too-many-lookups"}),
            frozenset({FAILED}),
            said="needs at least 2900 DNS",
        ),
    ),
    (
        "3kb-of-bad-spf-in-12-strings-over-udp",
        garbage_spf_in_strings,
        "TXT",
        Case(HOSTILE, frozenset({"email.spf-syntax"}), frozenset({FAILED}), "not shown"),
    ),
    (
        "control-bytes-and-invalid-utf8",
        binary_spf,
        "TXT",
        Case(HOSTILE, frozenset({"email.spf-syntax"}), frozenset({FAILED}), "\\x1b[31m"),
    ),
    (
        "200-cname-chain-in-one-reply",
        chain_in_one_reply,
        "A",
        Case(HOSTILE, frozenset({FAILED}), NAME_ABSENCE, "CNAME chain longer than 8 names"),
    ),
    (
        "cname-loop-in-one-reply",
        loop_in_one_reply,
        None,
        Case(HOSTILE, frozenset({"dns.cname-loop", FAILED}), NAME_ABSENCE, "chain loops"),
    ),
]


@pytest.mark.parametrize(
    ("case_id", "sabotage", "only", "case"), ANSWERS, ids=[a[0] for a in ANSWERS]
)
def test_huge_binary_and_chained_answers_are_judged_in_bounded_time(
    front: Front, tmp_path: Path, case_id: str, sabotage: Handler, only: str | None, case: Case
) -> None:
    server = front(sabotage, only)
    assert_judged(gate(tmp_path, server.address, case.domain), case, server)


def test_a_server_that_answers_only_retries_cannot_hold_the_check_past_its_deadline(
    server: Nsd, front: Front, tmp_path: Path
) -> None:
    """Each question of the 60-deep SPF chain costs a full timeout (1 s) before its retry is
    answered: walked to the end that is over 40 s. The check stops asking at its budget (3/4
    of timeout_s) and reports what it could not ask; the runner never has to cut it off."""
    tries: Counter[tuple[str, int]] = Counter()

    def second_try_only(query: dns.message.Message, _transport: str) -> dns.message.Message | None:
        question = query.question[0]
        tries[(question.name.to_text(), question.rdtype)] += 1
        return (
            ask_nsd(server, query)
            if tries[(question.name.to_text(), question.rdtype)] > 1
            else None
        )

    slow = front(second_try_only, domain="deep.test")
    run = gate(tmp_path, slow.address, "deep.test", timeout_ms=1000, deadline_s=10)
    rules = run.on("deep.test")
    assert FAILED in rules
    assert "email.spf-too-many-lookups" not in rules  # not walked far enough to know
    assert OUT_OF_TIME in run.messages("deep.test")
    assert run.report.checks[0].error is not None  # an error, with the neighbour's findings
    assert run.seconds < 10
    assert_neighbour_checked_and_in_time(run)

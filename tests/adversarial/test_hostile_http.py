"""Hostile web servers against the smoke and perf checks: every case a clear finding, in time,
in bounded memory, while the healthy route of the same run is still judged.

All servers are real sockets on loopback (tests/fixtures/hostile_web.py): endless bodies, one
byte at a time in the headers and in the body, 200 KB of headers, ten thousand redirects and a
loop, redirects to file:/ftp:/javascript:, a redirect to another host with user:password in it,
resets, gzip/deflate/gzip-of-gzip bombs, a body in a coding nobody asked for, invalid TLS
(expired, wrong host, self-signed, garbage instead of a handshake) and invalid encodings.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from launchgate.checkapi import CheckContext, CheckSpec, Masker
from launchgate.findings import CheckResult, Finding
from launchgate.manifest import parse_manifest
from launchgate.perf.check import SPEC as PERF
from launchgate.smoke.check import SPEC as SMOKE
from launchgate.store import Store
from tests.fixtures import hostile_web as hw
from tests.fixtures.https import HOST, PKI, pki

__all__ = ["pki"]

BOMB = 300 << 20  # what each bomb inflates to: far over the 5 MiB body cap
MEMORY_BOUND_MIB = 150  # generous (several capped bodies at once), far below what bombs cost
TRICKLE_S = 0.2  # a byte every 0.2 s: always within a read timeout, never finished
TRICKLE_TIMEOUT_MS = 800  # the routes' own timeout, which must end them
TOKEN = "hostile-bearer-5c1d9e0f7a"  # pragma: allowlist secret
COOKIE = "session=hostile-cookie-81ab2c"


def plain_routes() -> dict[str, hw.Behaviour]:
    """Path -> behaviour of the plain HTTP server."""
    page = hw.OK_PAGE
    return {
        "/ok": hw.answer(),
        "/endless": hw.endless(),
        "/trickle-head": hw.trickle(b"HTTP/1.1 200 OK\r\n", TRICKLE_S),
        "/trickle-body": hw.trickle(hw.head(200, length=100_000) + page, TRICKLE_S),
        "/huge-header": hw.raw(hw.head(200, {"X-Huge": "h" * 200_000}, length=2) + b"ok"),
        "/hop/": hw.numbered_redirects(),
        "/loop": hw.redirect("/loop-b"),
        "/loop-b": hw.redirect("/loop"),
        "/to-file": hw.redirect("file:///etc/passwd"),
        "/to-ftp": hw.redirect("ftp://127.0.0.1/pub"),
        "/to-js": hw.redirect("javascript:alert(document.cookie)"),
        "/reset": hw.reset_after(hw.head(200, length=100_000) + page),
        "/gzip-bomb": hw.answer(hw.gzip_bomb(BOMB), headers={"Content-Encoding": "gzip"}),
        "/deflate-bomb": hw.answer(hw.deflate_bomb(BOMB), headers={"Content-Encoding": "deflate"}),
        "/nested-bomb": hw.answer(
            hw.nested_gzip_bomb(BOMB), headers={"Content-Encoding": "gzip, gzip"}
        ),
        "/brotli": hw.answer(b"\x1b\xff\xff\x8f" * 5000, headers={"Content-Encoding": "br"}),
        "/corrupt-gzip": hw.answer(
            b"\x1f\x8b\x08\x00" + b"\xee" * 500, headers={"Content-Encoding": "gzip"}
        ),
        "/bad-charset": hw.answer(
            b"caf\xe9 launch ready", headers={"Content-Type": "text/html; charset=x-no-such"}
        ),
        "/bad-utf8-body": hw.answer(b"<html>\xff\xfe<img src='/i\xff.png'> launch ready</html>"),
        "/bad-utf8-header": hw.raw(
            b"HTTP/1.1 200 OK\r\nX-Bad: \xff\xfe\xc3\r\nSet-Cookie: sid=\xff\xfe; Path=/\r\n"
            b"Content-Length: 12\r\nConnection: close\r\n\r\nlaunch ready"
        ),
        "/bad-utf8-location": hw.raw(
            b"HTTP/1.1 302 Found\r\nLocation: /caf\xe9\xff\r\nContent-Length: 0\r\n"
            b"Connection: close\r\n\r\n"
        ),
        "/nul-header": hw.raw(b"HTTP/1.1 200 OK\r\nX-Nul: a\x00b\r\nContent-Length: 0\r\n\r\n"),
        "/cross-host": hw.redirect("PLACEHOLDER"),  # set once the port is known
        "/landing": hw.answer(),
    }


@dataclass(frozen=True)
class Expected:
    rule: str
    words: str  # in the finding's message ("a|b": either)

    def said(self, message: str) -> bool:
        return any(words in message for words in self.words.split("|"))


SMOKE_EXPECTED: dict[str, Expected] = {
    "ok": Expected("smoke.body-missing-text", "never-on-this-page"),  # judged, not skipped
    "endless": Expected("smoke.body-too-large", "larger than the 5242880 bytes"),
    "trickle-head": Expected("smoke.timeout", "no complete answer in time"),
    "trickle-body": Expected("smoke.timeout", "no complete answer in time"),
    "huge-header": Expected("smoke.unreachable", "broke HTTP"),
    "hop": Expected("smoke.too-many-redirects", "after 10 hops"),
    "loop": Expected("smoke.redirect-loop", "in a loop"),
    "to-file": Expected("smoke.unreachable", "a file: URL that is not a web page"),
    "to-ftp": Expected("smoke.unreachable", "a ftp: URL that is not a web page"),
    "to-js": Expected("smoke.unreachable", "a javascript: URL that is not a web page"),
    # The reset reaches the client before or after it read what came first: either is right.
    "reset": Expected(
        "smoke.unreachable", "closed connection without sending complete|connection was reset"
    ),
    "gzip-bomb": Expected("smoke.body-too-large", "larger than the 5242880 bytes"),
    "deflate-bomb": Expected("smoke.body-too-large", "larger than the 5242880 bytes"),
    "nested-bomb": Expected("smoke.body-too-large", "larger than the 5242880 bytes"),
    "brotli": Expected("smoke.body-not-decoded", "Content-Encoding: br"),
    "corrupt-gzip": Expected("smoke.unreachable", "gzip body is corrupt"),
    "bad-utf8-location": Expected("smoke.unexpected-status", "answered 404"),
    "nul-header": Expected("smoke.unreachable", "broke HTTP"),
    "tls-expired": Expected("smoke.unreachable", "certificate has expired"),
    "tls-wrong-host": Expected("smoke.unreachable", "Hostname mismatch"),
    "tls-self-signed": Expected("smoke.unreachable", "unable to get local issuer"),
    "tls-garbage": Expected("smoke.unreachable", "TLS failed"),
}
# Served in a broken encoding but otherwise fine: judged like any page, "launch ready" found.
JUDGED_FINE = ("bad-charset", "bad-utf8-body", "bad-utf8-header")


@dataclass
class Sites:
    plain: hw.HostileServer
    tls: dict[str, hw.HostileServer]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.plain.port}"

    def tls_url(self, kind: str) -> str:
        return f"https://{HOST}:{self.tls[kind].port}/"

    def resolve(self) -> list[str]:
        return [f"{HOST}:{s.port}:127.0.0.1" for s in self.tls.values()]

    def url(self, name: str) -> str:
        if name.startswith("tls-"):
            return self.tls_url(name)
        return f"{self.base}/{name}" + ("/0" if name == "hop" else "")


def _garbage(conn: socket.socket) -> None:
    conn.recv(4096)  # the ClientHello
    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n" + bytes(range(256)) * 4)


@pytest.fixture
def sites(pki: PKI, tmp_path: Path) -> Iterator[Sites]:
    stranger = trustme.CA().issue_cert(HOST)  # from a CA nobody trusts: "self-signed"
    stranger_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    stranger.configure_cert(stranger_context)
    routes = plain_routes()
    with ExitStack() as stack:
        plain = stack.enter_context(hw.serve(routes))
        routes["/cross-host"] = hw.redirect(f"http://intruder:pw@localhost:{plain.port}/landing")
        tls = {
            "tls-expired": stack.enter_context(
                hw.serve({"/": hw.answer()}, tls=pki.leaf("expired").server_context())
            ),
            "tls-wrong-host": stack.enter_context(
                hw.serve({"/": hw.answer()}, tls=pki.leaf("wrong-host").server_context())
            ),
            "tls-self-signed": stack.enter_context(
                hw.serve({"/": hw.answer()}, tls=stranger_context)
            ),
            "tls-garbage": stack.enter_context(hw.serve({}, before_tls=_garbage)),
        }
        yield Sites(plain, tls)


def run_check(
    spec: CheckSpec, tmp: Path, manifest: Mapping[str, Any], **params: Any
) -> tuple[CheckResult, float, float]:
    """The check's result, its wall time (s) and its peak RSS growth (MiB)."""
    path = tmp / "launchready.yml"
    path.write_text(yaml.safe_dump({"version": 1, **manifest}))
    ctx = CheckContext(
        root=tmp,
        manifest=parse_manifest(path.read_text(), path),
        store=Store(tmp / ".lg"),
        params=params,
        masker=Masker(),
    )
    started = time.monotonic()
    with hw.PeakRSS() as rss:
        result = spec.run(ctx)
    assert isinstance(result, CheckResult)
    return result, time.monotonic() - started, rss.growth_mib


def by_route(result: CheckResult) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in result.findings:
        out.setdefault(str(f.location.route), []).append(f)
    return out


def about(result: CheckResult, name: str, sites: Sites) -> list[Finding]:
    """Findings of a route, and those of its origin (a TLS failure is reported per origin)."""
    origin = sites.url(name).rstrip("/") if name.startswith("tls-") else None
    return [
        f
        for f in result.findings
        if f.location.route == name or (origin and f.location.url == origin)
    ]


def test_smoke_gives_every_hostile_route_a_clear_finding_in_time_and_memory(
    sites: Sites, pki: PKI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LG_HOSTILE_TOKEN", TOKEN)
    names = [*SMOKE_EXPECTED, *JUDGED_FINE]
    routes: list[dict[str, Any]] = [
        {"name": n, "url": sites.url(n), "expect": {"contains": "launch ready"}} for n in names
    ]
    routes[0]["expect"] = {"contains": "never-on-this-page"}
    for route in routes:  # short limits where the server never finishes; generous elsewhere
        if route["name"].startswith("trickle"):
            route["timeout_ms"] = TRICKLE_TIMEOUT_MS
    routes.append(
        {
            "name": "cross-host",
            "url": f"{sites.base}/cross-host",
            "auth": {"bearer_env": "LG_HOSTILE_TOKEN"},
            "headers": {"Cookie": COOKIE, "X-Trace": "kept"},
        }
    )
    deadline_s = 30  # generous on a loaded machine; only a hang comes near it
    manifest = {
        "routes": routes,
        "smoke": {"timeout_ms": 5000, "deadline_s": deadline_s, "wait": {"timeout_s": 1}},
    }
    hw.nested_gzip_bomb(BOMB)  # built before measuring (cached)
    result, took, growth = run_check(
        SMOKE, tmp_path, manifest, ca_bundle=str(pki.ca_file), resolve=sites.resolve()
    )

    assert took < deadline_s + 3, f"smoke took {took:.1f} s"
    assert growth < MEMORY_BOUND_MIB, f"peak RSS grew {growth:.0f} MiB"
    found = by_route(result)
    for name, expected in SMOKE_EXPECTED.items():
        messages = [f.message for f in about(result, name, sites) if f.rule == expected.rule]
        assert any(expected.said(m) for m in messages), (name, about(result, name, sites))
    for name in JUDGED_FINE:  # judged: the expected text was found despite the encoding
        assert not [f for f in found.get(name, []) if f.rule.startswith("smoke.body")], name
    assert not [f for f in result.findings if "Traceback" in f.message]
    assert "unfinished" not in result.summary

    # Credentials went to the declared host only: not across the redirect to another host.
    sent = [r.headers for r in sites.plain.seen if r.path == "/cross-host"]
    landed = [r.headers for r in sites.plain.seen if r.path == "/landing"]
    assert {h.get("authorization") for h in sent} >= {f"Bearer {TOKEN}"}
    assert {h.get("cookie") for h in sent} == {COOKIE}
    assert landed
    assert not [h for h in landed if "authorization" in h or "cookie" in h]
    assert {h.get("x-trace") for h in landed} == {"kept"}
    # No request ever left for file:, ftp: or javascript: (nor a path made of them).
    paths = [r.path for r in sites.plain.seen]
    assert not [p for p in paths if "passwd" in p or "alert" in p or "pub" in p]


NO_SAMPLES = "perf.no-samples"
PERF_EXPECTED: dict[str, str] = {
    "endless": "body over 5120 KiB",
    "trickle-head": "timeout",
    "trickle-body": "timeout",
    "huge-header": "broken HTTP",
    "reset": "broken HTTP|connection reset",
    "nul-header": "broken HTTP",
    "tls-expired": "TLS certificate refused",
    "tls-garbage": "TLS failed",
}
# Timed as sent (perf does not decode bodies, follow redirects or read text): measured.
PERF_MEASURED = ("ok", "gzip-bomb", "nested-bomb", "brotli", "to-js", "bad-utf8-header")


def test_perf_times_what_it_can_and_names_why_it_cannot_in_time_and_memory(
    sites: Sites, pki: PKI, tmp_path: Path
) -> None:
    names = [*PERF_EXPECTED, *PERF_MEASURED]
    manifest = {
        "routes": [
            {"name": n, "url": sites.url(n)}
            | ({"timeout_ms": TRICKLE_TIMEOUT_MS} if n.startswith("trickle") else {})
            for n in names
        ],
        "perf": {"samples": 1, "warmup": 0, "concurrency": 1, "timeout_ms": 5000},
    }
    hw.nested_gzip_bomb(BOMB)
    result, took, growth = run_check(
        PERF, tmp_path, manifest, ca_bundle=str(pki.ca_file), resolve=sites.resolve()
    )

    # Trickling routes are measured twice (confirmation), each request cut at its timeout;
    # without a deadline that includes the body, either would hang for hours.
    assert took < 60, f"perf took {took:.1f} s"  # ~3 s alone; generous for a loaded machine
    assert growth < MEMORY_BOUND_MIB, f"peak RSS grew {growth:.0f} MiB"
    found = by_route(result)
    for name, words in PERF_EXPECTED.items():
        no_samples = [f for f in found.get(name, []) if f.rule == NO_SAMPLES]
        said = Expected(NO_SAMPLES, words).said(no_samples[0].message) if no_samples else False
        assert said, (name, found.get(name))
    measured = {m.route for m in result.routes}
    assert measured == set(PERF_MEASURED)

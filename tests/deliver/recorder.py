"""Record ``tests/deliver/reports/{smoke,perf,dns}.json`` by running the real checks.

The Shop of ``conftest.MANIFEST`` is served on loopback by real HTTPS servers (pytest-httpserver,
certificates from a trustme CA made for www.shop.test, api.shop.test and shop.test), with these
problems planted:

* www.shop.test: the certificate expires in 5 days; no security header at all; the session cookie
  lacks Secure, HttpOnly and SameSite; ``/login`` answers 500; the private ``/api/me`` is publicly
  cacheable; the home page takes 450 ms (budget 400 ms);
* api.shop.test: ``/api/health`` echoes any Origin with credentials (CORS) and misses one header;
* shop.test: http -> https -> http, a redirect loop;
* DNS, served by a real NSD on loopback (:func:`shop_zones`): SPF of shop.test needs more than ten
  lookups, no DMARC record, and old.shop.test is a CNAME to a Heroku app that no longer exists;
  the dns check also reads the certificates at the addresses DNS gives (the servers above).

The smoke, perf and dns checks run through the runner and the JSON report contract exactly as
``launchgate smoke``/``perf --report json:...`` would, with ``--resolve`` and ``--ca-bundle``.
Ports are chosen by the OS, so a recording is made port-free afterwards: ``host:PORT`` becomes
``host`` everywhere, and fingerprints (made from the ported URLs) are derived again from the
port-free finding; certificate facts get port 443. The manifest is ``conftest.MANIFEST`` with
the ports in its URLs; its ``domains`` are left out for smoke and perf (smoke would probe them
on ports 80 and 443), and the routes other than the slow home page get a 2 s budget, so that
only the planted slowness can be over budget; for dns, each domain's ``tls.port`` is its
server's port and the resolver is NSD.

Regenerate (then review the diff and update the expected outputs of the deliverable tests)::

    .venv/bin/python -m tests.deliver.recorder

``test_recorded_reports.py`` records again on every test run and compares the stable parts
(checks, rules, severities, places, messages with numbers masked, route metrics' names), so the
files cannot drift from what the checks really produce.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import ssl
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trustme
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from launchgate import registry
from launchgate.checkapi import Masker
from launchgate.deliver.evidence import report_dict
from launchgate.findings import fingerprint_of
from launchgate.manifest import load_manifest
from launchgate.runner import RunOptions, run_gate
from tests.deliver.conftest import MANIFEST, REPORTS
from tests.dnscheck.scenario import TRUSTME_PACK, rsa_key, txt
from tests.fixtures.nsd import start_nsd

WWW, API, APEX = "www.shop.test", "api.shop.test", "shop.test"
SMOKE_TOKEN = "rec-" + "token-7c1d9e2f4a6b8c0d"  # the private route's bearer (masked in reports)
SLOW_HOME_S = 0.45  # the home page's latency: over its 400 ms p95 budget on any machine
# The fast routes answer in milliseconds; a loaded 2-core machine must never put them over.
FAST_ROUTE_BUDGET_MS = 2000
PERF = {"samples": 60, "concurrency": 10, "warmup": 1}
SECURE_HEADERS = {
    "Strict-Transport-Security": "max-age=63072000",
    "Content-Security-Policy": "default-src 'self'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


@dataclass(frozen=True)
class Shop:
    """The running servers: ``ports`` maps each (host, port) to the loopback address."""

    ca_file: Path
    www: HTTPServer
    api: HTTPServer
    apex_https: HTTPServer
    apex_http: HTTPServer

    def ports(self) -> dict[str, list[int]]:
        return {
            WWW: [self.www.port],
            API: [self.api.port],
            APEX: [self.apex_https.port, self.apex_http.port],
        }

    def resolve(self) -> list[str]:
        return [
            f"{host}:{port}:127.0.0.1" for host, ports in self.ports().items() for port in ports
        ]


def _leaf_context(ca: trustme.CA, host: str, days: int, directory: Path) -> ssl.SSLContext:
    now = dt.datetime.now(dt.UTC)
    cert = ca.issue_cert(
        host, not_before=now - dt.timedelta(days=80), not_after=now + dt.timedelta(days=days)
    )
    chain, key = directory / f"{host}.pem", directory / f"{host}.key"
    chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    cert.private_key_pem.write_to_path(str(key))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(chain), str(key))
    return context


def _www(server: HTTPServer) -> None:
    def home(_request: Request) -> Response:
        time.sleep(SLOW_HOME_S)
        return Response(
            "<!doctype html><title>Shop</title><h1>Welcome to Shop</h1>",
            content_type="text/html",
            headers={"Set-Cookie": "session=abc123; Path=/", "Cache-Control": "no-cache"},
        )

    def account(request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {SMOKE_TOKEN}":
            return Response('{"error": "sign in"}', 401, content_type="application/json")
        return Response(
            '{"email": "ana@shop.test"}',
            content_type="application/json",
            headers={"Cache-Control": "public, max-age=600"},
        )

    server.expect_request("/").respond_with_handler(home)
    server.expect_request("/login").respond_with_data("Internal Server Error", 500)
    server.expect_request("/api/me").respond_with_handler(account)
    server.expect_request("/api/checkout", method="POST").respond_with_json({"ok": True})


def _api(server: HTTPServer) -> None:
    def health(request: Request) -> Response:
        headers = dict(SECURE_HEADERS)
        origin = request.headers.get("Origin")
        if origin:
            headers["Access-Control-Allow-Origin"] = origin
            headers["Access-Control-Allow-Credentials"] = "true"
        return Response('{"status": "ok"}', content_type="application/json", headers=headers)

    server.expect_request("/api/health").respond_with_handler(health)
    server.expect_request("/").respond_with_json({"service": "shop api"}, headers=SECURE_HEADERS)


@contextlib.contextmanager
def serve_shop(directory: Path) -> Iterator[Shop]:
    """The Shop's servers with their planted problems, stopped on exit."""
    ca = trustme.CA()
    ca_file = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    servers = [
        HTTPServer(
            host="127.0.0.1",
            port=0,
            ssl_context=_leaf_context(ca, host, days, directory),
            threaded=True,
        )
        for host, days in ((WWW, 5), (API, 365), (APEX, 365))
    ]
    servers.append(HTTPServer(host="127.0.0.1", port=0, threaded=True))
    for server in servers:
        server.start()
    shop = Shop(ca_file, *servers)
    try:
        _www(shop.www)
        _api(shop.api)
        apex_http = f"http://{APEX}:{shop.apex_http.port}/"
        apex_https = f"https://{APEX}:{shop.apex_https.port}/"
        shop.apex_http.expect_request("/").respond_with_data(
            "", 301, headers={"Location": apex_https}
        )
        shop.apex_https.expect_request("/").respond_with_data(
            "", 301, headers={"Location": apex_http}
        )
        yield shop
    finally:
        for server in servers:
            server.clear()
            if server.is_running():
                server.stop()


def recording_manifest(shop: Shop) -> str:
    """``conftest.MANIFEST`` pointed at the servers' ports, without ``domains``."""
    data = yaml.safe_load(MANIFEST)
    data.pop("domains")
    data["environments"]["production"]["base_url"] = f"https://{WWW}:{shop.www.port}"
    for route in data["routes"]:
        if "url" in route:
            route["url"] = route["url"].replace(f"//{API}/", f"//{API}:{shop.api.port}/")
        if route["name"] != "home" and route.get("kind") != "write":
            route["budget"] = {"p95_ms": FAST_ROUTE_BUDGET_MS}
    data["perf"] = PERF
    return yaml.safe_dump(data, sort_keys=False)


def shop_zones() -> dict[str, str]:
    """The Shop's DNS with its planted problems, and the provider zones its names point into."""
    spf = "v=spf1 a mx include:i1.shop.test include:i2.shop.test include:_spf.mailer.test -all"
    hosts = "\n".join(f"h{i} IN A 192.0.2.{i}" for i in range(1, 5))
    return {
        APEX: f"""
@ IN A 127.0.0.1
@ IN MX 10 mx.{APEX}.
mx IN A 127.0.0.1
@ IN TXT {txt(spf)}
i1 IN TXT "v=spf1 a:h1.{APEX} a:h2.{APEX} a:h3.{APEX} mx -all"
i2 IN TXT "v=spf1 a:h4.{APEX} include:i1.{APEX} mx:{APEX} -all"
{hosts}
google._domainkey IN TXT {txt("v=DKIM1; k=rsa; p=" + rsa_key(2048))}
_mta-sts IN TXT "v=STSv1; id=1"
_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:tls@{APEX}"
@ IN CAA 0 issue "trustme.test"
www IN CNAME shop.fly.dev.
api IN A 127.0.0.1
old IN CNAME shop-old.herokuapp.com.
""",
        "fly.dev": "shop IN A 127.0.0.1\n",
        "herokuapp.com": "real-shop IN A 192.0.2.80\n",
        "mailer.test": '_spf IN TXT "v=spf1 ip4:198.51.100.0/24 ~all"\n',
    }


def dns_manifest(shop: Shop, nameserver: str) -> str:
    """``conftest.MANIFEST`` with each domain's certificate read on its server's port (a
    domain without HTTPS has none), and NSD as the resolver."""
    data = yaml.safe_load(MANIFEST)
    for domain in data["domains"]:
        if domain.get("https", True):
            domain["tls"] = {**domain.get("tls", {}), "port": shop.ports()[domain["name"]][0]}
    data["rules"] = {"packs": ["trustme.yml"]}
    data["dns"] = {"resolvers": [nameserver], "timeout_ms": 2000}
    return yaml.safe_dump(data, sort_keys=False)


@contextlib.contextmanager
def environment_variable(name: str, value: str) -> Iterator[None]:
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def _portless(value: Any, ports: Mapping[str, list[int]]) -> Any:
    if isinstance(value, str):
        for host, numbers in ports.items():
            for port in numbers:
                value = value.replace(f"{host}:{port}", host)
        return value
    if isinstance(value, list):
        return [_portless(v, ports) for v in value]
    if isinstance(value, dict):
        return {k: _portless(v, ports) for k, v in value.items()}
    return value


def portless_report(report: Mapping[str, Any], ports: Mapping[str, list[int]]) -> dict[str, Any]:
    """The report with every ``host:PORT`` of the Shop's servers written as ``host``, and each
    finding's fingerprint derived again from what identifies it without the port."""
    out: dict[str, Any] = _portless(dict(report), ports)
    for finding in out["findings"]:
        finding["fingerprint"] = fingerprint_of(
            "recorded",
            finding["check"],
            finding["rule"],
            json.dumps(finding["location"], sort_keys=True),
            _masked(finding["message"]),
        )
    for cert in out["metrics"].get("certificates", ()):
        cert["port"] = 443  # the port the Shop's servers stand for, as host:PORT became host
    fingerprints = [f["fingerprint"] for f in out["findings"]]
    assert len(set(fingerprints)) == len(fingerprints), "two recorded findings look alike"
    return out


def _masked(text: str) -> str:
    """Numbers (days, milliseconds, dates, counts) as N: what may differ between recordings."""
    return re.sub(r"\d+(?:\.\d+)?", "N", text)


def _run(
    check: str, root: Path, manifest_text: str, params: Mapping[str, Any], shop: Shop
) -> dict[str, Any]:
    """One check through the runner and the JSON contract, as ``launchgate CHECK`` would."""
    root.mkdir(exist_ok=True)
    (root / "launchready.yml").write_text(manifest_text)
    manifest = load_manifest(root / "launchready.yml")
    options = RunOptions(only=(check,), params=params, state_dir=root / ".lg")
    report = run_gate(manifest, root, options, registry.load_builtin_checks(), Masker())
    return portless_report(report_dict(report), shop.ports())


def record(directory: Path) -> dict[str, dict[str, Any]]:
    """``{"smoke": report, "perf": report, "dns": report}``: the checks against a fresh Shop."""
    with serve_shop(directory) as shop, environment_variable("SMOKE_TOKEN", SMOKE_TOKEN):
        web = directory / "web"
        params = {"resolve": shop.resolve(), "ca_bundle": str(shop.ca_file)}
        loop = f"http://{APEX}:{shop.apex_http.port}/"  # an ad hoc URL: smoke's `urls`
        reports = {
            "smoke": _run("smoke", web, recording_manifest(shop), {**params, "urls": [loop]}, shop),
            "perf": _run("perf", web, recording_manifest(shop), params, shop),
        }
        nsd = start_nsd(directory / "nsd", shop_zones())
        try:
            (directory / "dns").mkdir()
            (directory / "dns" / "trustme.yml").write_text(TRUSTME_PACK)  # the test CA for CAA
            manifest = dns_manifest(shop, nsd.address)
            reports["dns"] = _run("dns", directory / "dns", manifest, params, shop)
        finally:
            nsd.stop()
        return reports


def _pageless(text: str) -> str:
    """URLs cut to their origin: a host-wide finding (a missing header) names whichever of the
    host's pages answered first, and the concurrent smoke check answers in no fixed order."""
    return re.sub(r"(https?://[^/\s]+)/[^\s:;,]*", r"\1/...", text)


def stable_parts(report: Mapping[str, Any]) -> dict[str, Any]:
    """What a recording must reproduce; timings, dates and counts of days are masked."""
    return {
        "status": report["status"],
        "checks": sorted((c["id"], c["status"]) for c in report["checks"]),
        "findings": sorted(
            (
                f["check"],
                f["rule"],
                f["severity"],
                json.dumps(f["location"], sort_keys=True),
                _masked(_pageless(f["message"])),
                sorted((f.get("details") or {}).keys()),
            )
            for f in report["findings"]
        ),
        "routes": sorted(
            (m["route"], m.get("budget_p95_ms"), m["samples"] > 0)
            for m in report["metrics"]["routes"]
        ),
        "certificates": sorted(
            (c["check"], c["host"], c["port"], _masked(c["issuer"].rpartition("O=")[2]))
            + (tuple(c["names"]), c["chain_verified"], c["hostname_match"])
            for c in report["metrics"].get("certificates", ())
        ),
    }


def write(reports: Mapping[str, Mapping[str, Any]], directory: Path = REPORTS) -> list[Path]:
    written = []
    for check, report in reports.items():
        path = directory / f"{check}.json"
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
        written.append(path)
    return written


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    with tempfile.TemporaryDirectory() as scratch:
        for path in write(record(Path(scratch))):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the whole smoke check for 20 routes on a healthy local HTTPS site.

Target (issue #8): well under 2 seconds. Starts a threaded HTTPS server on loopback with a
test-CA certificate (trustme) for ``app.test``, reached through ``--resolve``; serves an HTML home
page with three assets and 19 JSON/HTML routes, all correctly configured (security headers,
compressed and cacheable assets). Then runs the registered smoke check in this process, as
``launchgate smoke`` does after loading the manifest (readiness probe, 20 routes with their
CORS probes, page assets, the edge and certificate), and prints the wall time of each run.

Each run is a fresh check: new client, new connection pool (the SSL context is built once per
process, as in a real run). Other engineers' load on a shared machine disturbs the numbers: read
the minimum and the median, and repeat.

Usage: python benchmarks/smoke_check.py [--routes 20] [--runs 7]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import trustme
import yaml
from pytest_httpserver import HTTPServer

from launchgate.checkapi import CheckContext
from launchgate.manifest import parse_manifest
from launchgate.smoke.check import SPEC
from launchgate.store import Store

HOST = "app.test"
HEADERS = {
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": "default-src 'self'",
}
STATIC = {**HEADERS, "Cache-Control": "public, max-age=31536000, immutable"}
PAGE = (
    "<!doctype html><html><head><title>Shop</title>"
    '<link rel="stylesheet" href="/static/app.css"><script src="/static/app.js"></script>'
    '</head><body><h1>Welcome</h1><img src="/static/logo.png"></body></html>'
)


def start_server(directory: Path, routes: int) -> HTTPServer:
    ca = trustme.CA()
    (directory / "ca.pem").write_bytes(ca.cert_pem.bytes())
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST).configure_cert(context)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context, threaded=True)
    server.start()
    server.expect_request("/").respond_with_data(PAGE, headers=HEADERS, content_type="text/html")
    script = gzip.compress(b"console.log('ready');\n" * 400)
    server.expect_request("/static/app.js").respond_with_data(
        script,
        headers={**STATIC, "Content-Encoding": "gzip"},
        content_type="application/javascript",
    )
    server.expect_request("/static/app.css").respond_with_data(
        "body{margin:0}", headers=STATIC, content_type="text/css"
    )
    server.expect_request("/static/logo.png").respond_with_data(
        b"\x89PNG", headers=STATIC, content_type="image/png"
    )
    for i in range(1, routes):
        server.expect_request(f"/api/item/{i}").respond_with_data(
            json.dumps({"id": i, "status": "ok"}), headers=HEADERS, content_type="application/json"
        )
    return server


def manifest_text(base_url: str, routes: int) -> str:
    entries = [{"name": "home", "path": "/", "expect": {"status": 200, "contains": "Welcome"}}]
    entries += [
        {"name": f"item{i}", "path": f"/api/item/{i}", "expect": {"json": {"$.id": i}}}
        for i in range(1, routes)
    ]
    data = {
        "version": 1,
        "environments": {"production": {"base_url": base_url}},
        "routes": entries,
    }
    return yaml.safe_dump(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--routes", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        server = start_server(directory, args.routes)
        try:
            base_url = f"https://{HOST}:{server.port}"
            path = directory / "launchready.yml"
            path.write_text(manifest_text(base_url, args.routes))
            manifest = parse_manifest(path.read_text(), path)
            params = {
                "resolve": [f"{HOST}:{server.port}:127.0.0.1"],
                "ca_bundle": str(directory / "ca.pem"),
            }
            times = []
            for _ in range(args.runs):
                ctx = CheckContext(
                    root=directory, manifest=manifest, store=Store(directory / ".lg"), params=params
                )
                started = time.perf_counter()
                result = SPEC.run(ctx)
                times.append(time.perf_counter() - started)
                if result.findings:
                    for finding in result.findings:
                        print(f"unexpected finding: {finding.rule}: {finding.message}")
                    return 1
            print(f"smoke check, {args.routes} routes on a healthy local HTTPS site")
            print(f"  runs: {', '.join(f'{t:.3f}' for t in times)} s")
            print(f"  min {min(times):.3f} s, median {statistics.median(times):.3f} s")
            print("  target: well under 2 s")
            print(f"  last summary: {result.summary}")
        finally:
            server.clear()
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``launchgate perf URL --resolve HOST:PORT:ADDRESS --ca-bundle FILE``: time an origin before DNS
points at it, over real HTTPS with the name kept for TLS, as ``launchgate smoke`` does."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_cli_subprocess import launchgate
from tests.fixtures.https import NAMES, PKI, HttpsServerFactory, https_server, pki

__all__ = ["https_server", "pki"]  # fixtures


def test_perf_times_an_https_origin_through_resolve_and_a_ca_bundle(
    https_server: HttpsServerFactory, pki: PKI, tmp_path: Path
) -> None:
    server = https_server("good")
    server.expect_request("/").respond_with_data("ok")
    host = NAMES[0]
    url = f"https://{host}:{server.port}/"
    result = launchgate(
        "perf",
        url,
        "--resolve",
        f"{host}:{server.port}:127.0.0.1",
        "--ca-bundle",
        str(pki.ca_file),
        "--samples",
        "20",
        "--concurrency",
        "2",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(result.stdout)
    (route,) = report["metrics"]["routes"]
    assert route["samples"] == 20
    assert not [f for f in report["findings"] if f["rule"].startswith("perf.error")]


def test_perf_without_the_ca_bundle_cannot_trust_the_origin(
    https_server: HttpsServerFactory, pki: PKI, tmp_path: Path
) -> None:
    server = https_server("good")
    server.expect_request("/").respond_with_data("ok")
    host = NAMES[0]
    result = launchgate(
        "perf",
        f"https://{host}:{server.port}/",
        "--resolve",
        f"{host}:{server.port}:127.0.0.1",
        "--samples",
        "5",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr

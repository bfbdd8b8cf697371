"""``launchgate smoke URL...`` as a new user runs it: a subprocess, ad hoc URLs, ``--resolve`` and
``--ca-bundle`` onto real loopback sites, every report format. The broken site must show its ten
problems; its correctly configured twin must have no finding above low and pass the gate."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.e2e.test_cli_subprocess import launchgate
from tests.fixtures.https import PKI, HttpsServerFactory, https_server, pki
from tests.fixtures.sites import PROBLEMS, Site, start_site

__all__ = ["https_server", "pki"]  # fixtures


def smoke(site: Site, pki: PKI, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    args = ["smoke", *site.urls()]
    for entry in site.resolve():
        args += ["--resolve", entry]
    args += [
        "--ca-bundle",
        str(pki.ca_file),
        "--format",
        "json",
        "--output",
        str(tmp_path / "report.json"),
        "--report",
        f"sarif:{tmp_path / 'report.sarif'}",
        "--report",
        f"junit:{tmp_path / 'report.xml'}",
        "--report",
        f"text:{tmp_path / 'report.txt'}",
    ]
    return launchgate(*args, cwd=tmp_path)


def test_broken_site_fails_with_its_ten_problems(
    https_server: HttpsServerFactory, httpserver: HTTPServer, pki: PKI, tmp_path: Path
) -> None:
    site = start_site(https_server, httpserver, broken=True)
    result = smoke(site, pki, tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["status"] == "fail"
    found = {f["rule"] for f in report["findings"]}
    assert {p: r for p, r in PROBLEMS.items() if r not in found} == {}
    loop = next(f for f in report["findings"] if f["rule"] == "smoke.redirect-loop")
    assert "hop 1:" in loop["message"] and "hop 2:" in loop["message"]
    sarif = json.loads((tmp_path / "report.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == found
    junit = ET.parse(tmp_path / "report.xml").getroot()
    assert junit.iter("failure") is not None
    assert "smoke.tls-expired" in (tmp_path / "report.txt").read_text()


def test_correct_twin_passes_with_nothing_above_low(
    https_server: HttpsServerFactory, httpserver: HTTPServer, pki: PKI, tmp_path: Path
) -> None:
    site = start_site(https_server, httpserver, broken=False)
    result = smoke(site, pki, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["status"] == "pass"
    assert [f for f in report["findings"] if f["severity"] not in ("low", "info")] == []
    assert report["checks"][0]["id"] == "smoke" and report["checks"][0]["status"] == "pass"
    assert "GO" in (tmp_path / "report.txt").read_text()


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    for args, message in (
        (["smoke", "ftp://x.test/"], "is not an http:// or https:// URL"),
        (["smoke", "https://x.test/", "--resolve", "x.test:443"], "HOST:PORT:ADDRESS"),
        (["smoke", "https://x.test/", "--private", "https://y.test/"], "not one of the URLs"),
    ):
        result = launchgate(*args, cwd=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr
        assert "Traceback" not in result.stderr

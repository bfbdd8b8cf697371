"""`launchgate dns` as a user runs it: a subprocess against a real NSD, every report format."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_cli_subprocess import launchgate
from tests.fixtures.nsd import nsd  # noqa: F401  (fixture)

ZONES = {
    "mail.test": """
@ IN MX 10 mx.mail.test.
mx IN A 127.0.0.1
@ IN TXT "v=spf1 +all"
_dmarc IN TXT "v=DMARC1; p=none"
""",
}


def test_adhoc_domain_in_every_format(nsd, tmp_path: Path) -> None:  # noqa: F811
    server = nsd(ZONES)
    reports = [f"{fmt}:{tmp_path / ('out.' + fmt)}" for fmt in ("sarif", "junit", "markdown")]
    done = launchgate(
        "dns",
        "mail.test",
        "--selector",
        "s1",
        "--nameserver",
        server.address,
        "--format",
        "json",
        "--state-dir",
        str(tmp_path / "state"),
        *(a for r in reports for a in ("--report", r)),
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    rules = {(f["check"], f["rule"]) for f in report["findings"]}
    assert {
        ("email", "email.spf-plus-all"),
        ("email", "email.dmarc-weak-policy"),
        ("email", "email.dkim-missing"),
        ("dns", "dns.unresolved"),
    } <= rules
    assert [c["id"] for c in report["checks"]] == ["dns"]
    for fmt in ("sarif", "junit", "markdown"):
        assert "email.spf-plus-all" in (tmp_path / f"out.{fmt}").read_text()
    text = launchgate(
        "dns",
        "mail.test",
        "-n",
        server.address,
        "--state-dir",
        str(tmp_path / "state"),
        cwd=tmp_path,
    )
    assert "SPF of mail.test ends in +all" in text.stdout and "Traceback" not in text.stderr


def test_refused_domain_is_an_error_not_missing(nsd, tmp_path: Path) -> None:  # noqa: F811
    server = nsd(ZONES)
    done = launchgate(
        "dns", "elsewhere.example", "-n", server.address, "--format", "json", cwd=tmp_path
    )
    assert done.returncode == 2
    report = json.loads(done.stdout)
    assert report["status"] == "error"
    assert {f["rule"] for f in report["findings"]} == {"dns.lookup-failed"}
    assert "REFUSED" in report["checks"][0].get("error", "") + json.dumps(report["findings"])


def test_usage_errors_are_clear(tmp_path: Path) -> None:
    bad = launchgate("dns", "x.test", "--nameserver", "127.0.0.1:99999", cwd=tmp_path)
    assert bad.returncode == 2
    assert "port must be a number from 1 to 65535" in bad.stdout + bad.stderr
    assert "Traceback" not in bad.stderr
    none = launchgate("dns", cwd=tmp_path)
    assert none.returncode == 2 and "launchready.yml" in none.stderr

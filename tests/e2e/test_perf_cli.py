"""`launchgate perf` as a user runs it: ad hoc URLs, every report format, k6 files, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from tests.e2e.test_cli_subprocess import REPO, launchgate
from tests.fixtures.delay_server import configure, serve


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve() as base:
        configure(base, {"/fast": {"delay_ms": 2}, "/slow": {"delay_ms": 200}})
        yield base


def test_ad_hoc_urls_write_every_report(server: str, tmp_path: Path) -> None:
    result = launchgate(
        "perf",
        f"{server}/fast",
        "/slow",
        "--base-url",
        server,
        "--samples",
        "60",
        "--concurrency",
        "5",
        "--budget-p95",
        "100",
        "--state-dir",
        str(tmp_path / "state"),
        "--report",
        f"json:{tmp_path / 'r.json'}",
        "--report",
        f"sarif:{tmp_path / 'r.sarif'}",
        "--report",
        f"junit:{tmp_path / 'r.xml'}",
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    assert "latency, total time per request (ms)" in result.stdout
    assert "perf.over-budget" in result.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text())
    jsonschema.validate(report, schema)
    routes = {r["route"].split("/")[-1]: r for r in report["metrics"]["routes"]}
    assert routes["fast"]["verdict"] == "ok"
    assert routes["slow"]["verdict"] == "over budget"
    assert routes["slow"]["samples"] == 60
    assert routes["slow"]["budget_p95_ms"] == 100
    assert "p95_low_ms" in routes["slow"]
    # total time includes the server's 200 ms; first byte comes just before the (tiny) body ends
    assert 200 <= routes["slow"]["ttfb_p95_ms"] <= routes["slow"]["p95_ms"]
    assert routes["slow"]["connect_p95_ms"] == 0  # warm-up opened every worker's connection
    assert (tmp_path / "r.sarif").is_file()
    assert "perf.over-budget" in (tmp_path / "r.xml").read_text()
    # only the passing route went into the history
    saved = json.loads((tmp_path / "state" / "perf-history.json").read_text())
    assert [name.split("/")[-1] for name in saved["routes"]] == ["fast"]


def test_from_k6(tmp_path: Path) -> None:
    summary = {
        "metrics": {
            "http_req_duration": {
                "avg": 1,
                "min": 1,
                "med": 90,
                "max": 900,
                "p(90)": 700,
                "p(95)": 800,
            },
            "http_reqs": {"count": 500, "rate": 10},
        }
    }
    (tmp_path / "k6.json").write_text(json.dumps(summary))
    result = launchgate(
        "perf", "--from-k6", "k6.json", "--state-dir", "s", "-f", "json", cwd=tmp_path
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [f["rule"] for f in report["findings"]] == ["perf.over-budget"]
    assert report["metrics"]["routes"][0]["budget_default"] is True

    summary["metrics"]["http_req_duration"] = {"type": "trend", "values": {"count": 0}}
    (tmp_path / "k6.json").write_text(json.dumps(summary))
    empty = launchgate("perf", "--from-k6", "k6.json", cwd=tmp_path)
    assert empty.returncode == 2
    assert "has no samples" in empty.stdout + empty.stderr
    assert "Traceback" not in empty.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ftp://x"], "not an http(s) URL or a /path"),
        (["/x"], "pass --base-url"),
        (["http://127.0.0.1:9/", "--from-k6", "f.json"], "not both"),
        (["http://127.0.0.1:9/", "--concurrency", "0"], "0 is not in the range 1<=x<=100"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = launchgate("perf", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_host_is_not_a_pass(tmp_path: Path) -> None:
    result = launchgate("perf", "http://127.0.0.1:9/", "-n", "5", "-f", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [f["rule"] for f in report["findings"]] == ["perf.no-samples"]

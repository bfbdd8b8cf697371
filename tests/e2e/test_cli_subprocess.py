"""The installed CLI as a user runs it: a subprocess, real files, exit codes, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def launchgate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "launchgate", *args],
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_validate_examples_and_own_manifest() -> None:
    examples = sorted(str(p) for p in (REPO / "examples").glob("*.yml"))
    result = launchgate("validate", *examples, str(REPO / "launchready.yml"), cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": valid") == len(examples) + 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "version: 1\nrotues: []\n",
            "launchready.yml:2:1: rotues: unknown key (did you mean 'routes'?)",
        ),
        (
            "version: 1\nperf: {samples: -3}\n",
            "launchready.yml:2:17: perf.samples: got -3; expected at least 1",
        ),
        ("version: 1\nversion: 1\n", "launchready.yml:2:1: version: duplicate key 'version'"),
        ("version: 1\nroutes: [\n", "launchready.yml:3:1: invalid YAML"),
        ("", "launchready.yml: is empty"),
    ],
)
def test_validate_broken_manifests(tmp_path: Path, content: str, expected: str) -> None:
    (tmp_path / "launchready.yml").write_text(content)
    result = launchgate("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_validate_a_directory(tmp_path: Path) -> None:
    result = launchgate("validate", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "is a directory" in result.stderr


def test_several_errors_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "launchready.yml").write_text(
        "version: 1\nfail_on: hgh\nperf: {samples: x}\nroutes:\n  - {name: a, path: nope}\n"
    )
    result = launchgate("validate", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert [line.split(":")[1] for line in lines] == ["2", "3", "5"]


def test_run_without_manifest_is_clear(tmp_path: Path) -> None:
    result = launchgate("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "launchgate init" in result.stderr


HANGING_CHECK = r"""
import threading, sys
import launchgate.cli as cli
from launchgate.checkapi import CheckSpec
from launchgate.registry import REGISTRY

REGISTRY["env"] = CheckSpec(id="env", title="hangs", run=lambda ctx: threading.Event().wait())
sys.argv = ["launchgate", "run", "--only", "env"]
cli.main()
"""


def test_a_hanging_check_times_out_and_the_process_exits(tmp_path: Path) -> None:
    """The check never returns; its timeout must end the run, and the process must not wait."""
    (tmp_path / "launchready.yml").write_text("version: 1\nchecks: {env: {timeout_s: 0.5}}\n")
    result = subprocess.run(
        [sys.executable, "-c", HANGING_CHECK],
        cwd=tmp_path,
        text=True,
        capture_output=True,
        # Not a measurement: only a bound so a process that waits for its stuck check fails
        # instead of hanging the suite. Generous, so a loaded machine cannot make it flake.
        timeout=300,
        check=False,
    )
    assert result.returncode == 2
    assert "timed out after 0.5 s (checks.env.timeout_s)" in result.stdout


def test_rules_lists_every_check_and_survives_a_closed_pipe(tmp_path: Path) -> None:
    result = launchgate("rules", cwd=tmp_path)
    assert result.returncode == 0
    ids = [line.split()[0] for line in result.stdout.splitlines()]
    assert "env.missing" in ids
    assert "secrets.github-token" in ids
    assert len(ids) == len(set(ids))
    head = subprocess.run(
        f"{sys.executable} -m launchgate rules | head -1",
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert head.stdout.startswith("env.")
    assert "Error" not in head.stderr

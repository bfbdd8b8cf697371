"""The CLI in-process (click's runner) with a stub check registered through the real registry."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from launchgate.cli import main
from launchgate.resources import schema_path
from tests.fixtures.stubcheck import finding, stub_check

REPORT_SCHEMA = json.loads(schema_path("report.schema.json").read_text())


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "launchready.yml").write_text("version: 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_exit_codes_pass_fail_error(project: Path) -> None:
    with stub_check(finding("low")):
        assert invoke("run", "--only", "stub").exit_code == 0
    with stub_check(finding("blocker")):
        result = invoke("run", "--only", "stub")
    assert result.exit_code == 1
    assert "NO-GO: 1 launch blocker" in result.output
    with stub_check(error="cannot reach 127.0.0.1:1"):
        result = invoke("run", "--only", "stub")
    assert result.exit_code == 2
    assert "error: cannot reach 127.0.0.1:1" in result.output


def test_several_reports_in_one_run(project: Path) -> None:
    with stub_check(finding("high"), finding("medium", rule="stub.other")):
        result = invoke(
            "run",
            "--only",
            "stub",
            "-r",
            "json:out/r.json",
            "-r",
            "junit:out/r.xml",
            "--report",
            "sarif:out/r.sarif",
        )
    assert result.exit_code == 1
    data = json.loads((project / "out/r.json").read_text())
    jsonschema.validate(data, REPORT_SCHEMA)
    assert data["counts"]["high"] == 1 and data["counts"]["medium"] == 1
    assert (project / "out/r.xml").read_text().startswith("<?xml")
    assert json.loads((project / "out/r.sarif").read_text())["version"] == "2.1.0"
    assert "NO-GO" in result.output  # the text report still goes to the terminal


def test_options_from_environment_variables(project: Path) -> None:
    with stub_check(finding("medium")):
        result = invoke(
            "run",
            env={
                "LAUNCHGATE_ONLY": "stub",
                "LAUNCHGATE_FAIL_ON": "medium",
                "LAUNCHGATE_REPORTS": "json:a.json",
            },
        )
    assert result.exit_code == 1
    assert json.loads((project / "a.json").read_text())["fail_on"] == "medium"


def test_quiet_prints_only_the_verdict(project: Path) -> None:
    with stub_check(finding("high")):
        result = invoke("run", "--only", "stub", "-q")
    assert result.output == "NO-GO: 1 high\n"


def test_json_to_stdout(project: Path) -> None:
    with stub_check(finding("high")):
        result = invoke("run", "--only", "stub", "--format", "json")
    data = json.loads(result.stdout)
    jsonschema.validate(data, REPORT_SCHEMA)
    assert result.stderr == "NO-GO: 1 high\n"  # the verdict stays out of the JSON document
    assert result.exit_code == 1
    assert data["status"] == "fail"
    assert [(c["id"], c["status"]) for c in data["checks"]] == [("stub", "fail")]
    assert [(f["rule"], f["severity"]) for f in data["findings"]] == [("stub.problem", "high")]


def test_bad_usage_is_exit_2(project: Path) -> None:
    result = CliRunner().invoke(main, ["run", "--fail-on", "severe"])
    assert result.exit_code == 2
    assert "unknown severity 'severe'" in result.output
    result = CliRunner().invoke(main, ["run", "-r", "pdf:x.pdf"])
    assert result.exit_code == 2
    assert "unknown format 'pdf'" in result.output
    with stub_check(finding()):
        result = CliRunner().invoke(main, ["run", "--only", "stbu"])
    assert result.exit_code == 2
    assert "did you mean 'stub'" in result.output


def test_manifest_problems_are_exit_2_with_position(project: Path) -> None:
    (project / "launchready.yml").write_text("version: 1\nfail_on: hihg\n")
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code == 2
    assert "launchready.yml:2:10: fail_on:" in result.output
    assert "Traceback" not in result.output


def test_missing_manifest_says_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code == 2
    assert "launchgate init" in result.output


def test_github_mode_masks_first_and_writes_summary_and_outputs(project: Path) -> None:
    secret = "s3cr3t-value-that-must-not-print"
    summary, outputs = project / "summary.md", project / "outputs.txt"
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
    }
    with stub_check(finding("high", title=f"leaked {secret}"), mask=secret):
        result = invoke("run", "--only", "stub", "-r", "json:r.json", env=env)
    assert result.exit_code == 1
    first, rest = result.output.split("\n", 1)
    assert first == f"::add-mask::{secret}"
    assert secret not in rest
    assert "::error " in rest
    assert "NO-GO" in summary.read_text()
    out = outputs.read_text()
    assert "status=fail" in out
    assert "json-file=r.json" in out


def test_init_writes_a_valid_manifest_prefilled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dist").mkdir()
    (tmp_path / ".env.production").write_text("A=1\n")
    (tmp_path / ".env.staging").write_text("A=2\n")
    (tmp_path / ".env.example").write_text("A=\n")
    (tmp_path / "CNAME").write_text("www.coach.example\n")
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "deploy.yml").write_text(
        "jobs:\n  d:\n    environment:\n      name: production\n"
        "      url: https://www.coach.example\n"
    )
    result = invoke("init")
    assert result.exit_code == 0
    assert invoke("validate").exit_code == 0
    text = (tmp_path / "launchready.yml").read_text()
    assert "base_url: https://www.coach.example" in text
    assert "bundles: [dist/]" in text
    assert "- name: www.coach.example" in text
    assert "env_files: [.env.production]" in text
    assert "  staging:\n    env_files: [.env.staging]" in text
    assert "example:" not in text
    again = CliRunner().invoke(main, ["init"])
    assert again.exit_code == 2
    assert "--force" in again.output


def test_version() -> None:
    result = invoke("--version")
    assert result.output.startswith("launchgate, version ")


def test_github_format_in_actions_annotates_once(project: Path) -> None:
    env = {"GITHUB_ACTIONS": "true"}
    with stub_check(finding("high")):
        result = invoke("run", "--only", "stub", "--format", "github", env=env)
    assert result.output.count("::error ") == 1


def test_progress_line_fits_a_narrow_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib

    execute_module = importlib.import_module("launchgate.cli.execute")

    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    show = execute_module._progress_printer(quiet=False)
    assert show is not None
    show("scanning history: " + "x" * 100)
    line = capsys.readouterr().err
    assert line.startswith("\r") and len(line) == 1 + 39  # never wraps a 40-column terminal

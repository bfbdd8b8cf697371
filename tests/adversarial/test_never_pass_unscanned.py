"""What could not be read is never a pass: a broken baseline must not throw findings away."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from launchgate.cli import main
from launchgate.secretscan.baseline import DEFAULT_BASELINE
from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import github_token


@pytest.mark.parametrize("broken", ["{not json", "[]", '{"format": "other", "version": 99}'])
def test_a_broken_baseline_with_allow_errors_still_fails_on_the_secrets_it_hides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    repo = GitRepo(tmp_path / "repo")
    token = github_token()
    repo.commit("leak", {"app.py": f"TOKEN = '{token}'\n", DEFAULT_BASELINE: broken})
    monkeypatch.chdir(repo.path)
    result = CliRunner().invoke(
        main, ["secrets", "--allow-errors", "--format", "json"], catch_exceptions=False
    )
    report = json.loads(result.stdout)
    assert result.exit_code == 1, result.output
    assert report["status"] == "fail"
    rules = sorted({f["rule"] for f in report["findings"]})
    assert "secrets.baseline-unreadable" in rules
    assert "secrets.github-token" in rules
    assert token not in result.stdout + result.stderr


def test_a_broken_baseline_alone_fails_the_gate_at_the_default_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("clean", {"app.py": "print('hello')\n", DEFAULT_BASELINE: "{"})
    monkeypatch.chdir(repo.path)
    result = CliRunner().invoke(main, ["secrets", "--allow-errors"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "baseline cannot be read" in result.stdout.lower()


def test_a_secret_hidden_past_the_size_cap_is_medium_and_an_override_makes_it_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull request can pad a file past the cap to hide a secret: the skip is medium (shown,
    and failing at fail_on: medium), and the severity override makes it fail the default gate."""
    repo = GitRepo(tmp_path / "repo")
    token = github_token()
    manifest = "version: 1\nsecrets:\n  max_file_bytes: 1024\n"
    repo.commit(
        "pad", {"notes.txt": f"t={token}\n" + "x" * 4000 + "\n", "launchready.yml": manifest}
    )
    monkeypatch.chdir(repo.path)

    def run(*extra: str) -> tuple[int, dict]:
        result = CliRunner().invoke(
            main, ["secrets", "--format", "json", *extra], catch_exceptions=False
        )
        assert token not in result.stdout + result.stderr
        return result.exit_code, json.loads(result.stdout)

    code, report = run()
    (skip,) = [f for f in report["findings"] if f["rule"] == "secrets.file-too-large"]
    assert (code, skip["severity"], skip["location"]["path"]) == (0, "medium", "notes.txt")
    assert run("--fail-on", "medium")[0] == 1
    override = '\nchecks:\n  secrets:\n    severity: {"secrets.file-too-large": high}\n'
    (repo.path / "launchready.yml").write_text(manifest + override)
    code, report = run()
    assert code == 1
    assert [f["severity"] for f in report["findings"]] == ["high"]

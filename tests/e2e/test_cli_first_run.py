"""A new user's first runs of the CLI (issue 14): one consistent CLI, one document on stdout,
never GO on nothing, and paths that are right in a monorepo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.gitrepo import GitRepo

BACKEND_MANIFEST = (
    "version: 1\nenv:\n  sources: [.env]\n  required:\n    - {name: DATABASE_URL, format: url}\n"
)


def launchgate(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("LAUNCHGATE_", "GITHUB_"))}
    full_env.pop("NO_COLOR", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "launchgate", *args],
        cwd=cwd,
        env=full_env,
        text=True,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A repository whose only manifest is backend/launchready.yml, with a placeholder in .env."""
    repo = GitRepo(tmp_path / "mono")
    repo.write("backend/launchready.yml", BACKEND_MANIFEST)
    repo.write("backend/.env", "DATABASE_URL=postgres://app:changeme@db.internal/app\n")
    repo.write("backend/app.py", "import os\nos.environ['DATABASE_URL']\n")
    repo.write("frontend/index.js", "const k = process.env.FRONTEND_ONLY_KEY\n")
    repo.git("add", "-A")
    repo.git("commit", "-qm", "init")
    return repo.path


# --- never GO on nothing ------------------------------------------------------------------------


def test_selecting_nothing_is_a_usage_error_that_names_the_selection(monorepo: Path) -> None:
    result = launchgate("run", "--only", "env", "--skip", "env", cwd=monorepo / "backend")
    assert result.returncode == 2
    assert "--only env --skip env leaves no check to run" in result.stderr
    assert "GO" not in result.stdout


def test_readme_skip_of_a_check_this_version_may_lack_does_not_error(monorepo: Path) -> None:
    """`launchgate run --skip perf` from the README: a skip with a notice, never 'unknown check'."""
    result = launchgate("run", "--skip", "perf", "--only", "env", cwd=monorepo / "backend")
    assert "unknown check" not in result.stderr
    assert result.returncode == 1, result.stderr  # env finds the placeholder


# --- one consistent CLI -------------------------------------------------------------------------


def test_validate_takes_manifest_option_and_variable(monorepo: Path) -> None:
    by_option = launchgate("validate", "-m", "backend/launchready.yml", cwd=monorepo)
    assert (by_option.returncode, by_option.stdout) == (0, "backend/launchready.yml: valid\n")
    by_variable = launchgate(
        "validate", cwd=monorepo, env={"LAUNCHGATE_MANIFEST": "backend/launchready.yml"}
    )
    assert (by_variable.returncode, by_variable.stdout) == (0, "backend/launchready.yml: valid\n")


def test_init_writes_where_manifest_says_and_keeps_path_as_an_alias(tmp_path: Path) -> None:
    GitRepo(tmp_path / "r")
    made = launchgate("init", "--manifest", "svc/launchready.yml", cwd=tmp_path / "r")
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "r/svc/launchready.yml").is_file()
    old = launchgate("init", "--path", "old/launchready.yml", cwd=tmp_path / "r")
    assert old.returncode == 0 and (tmp_path / "r/old/launchready.yml").is_file()
    assert "--path" not in launchgate("init", "--help", cwd=tmp_path).stdout


def test_a_subdirectory_finds_the_manifest_in_a_parent(monorepo: Path) -> None:
    deep = monorepo / "backend" / "src" / "api"
    deep.mkdir(parents=True)
    result = launchgate("run", "--only", "env", "-q", cwd=deep)
    assert result.returncode == 1, result.stderr  # the placeholder in backend/.env was checked
    assert launchgate("validate", cwd=deep).stdout == "../../launchready.yml: valid\n"


def test_discovery_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "launchready.yml").write_text("version: 1\n")  # above the repository: not ours
    GitRepo(tmp_path / "repo")
    result = launchgate("run", cwd=tmp_path / "repo")
    assert result.returncode == 2
    assert "launchready.yml: does not exist" in result.stderr


def test_a_manifest_variable_naming_no_file_says_it_does_not_exist(tmp_path: Path) -> None:
    result = launchgate("run", cwd=tmp_path, env={"LAUNCHGATE_MANIFEST": "nope.yml"})
    assert result.returncode == 2
    assert "nope.yml: does not exist" in result.stderr
    assert "invalid manifest" not in result.stderr


# --- standard output carries exactly one document -----------------------------------------------


def test_quiet_json_report_on_stdout_is_one_json_document(monorepo: Path) -> None:
    result = launchgate("run", "-q", "--report", "json", "--only", "env", cwd=monorepo / "backend")
    assert json.loads(result.stdout)["status"] == "fail"  # nothing after the document
    assert result.stderr.strip() == "NO-GO: 1 high"


def test_format_json_with_quiet_still_prints_the_json(monorepo: Path) -> None:
    result = launchgate("run", "--format", "json", "-q", "--only", "env", cwd=monorepo / "backend")
    assert json.loads(result.stdout)["findings"][0]["rule"] == "env.placeholder"


def test_quiet_with_output_file_prints_the_verdict(monorepo: Path) -> None:
    result = launchgate(
        "run", "-q", "-f", "sarif", "-o", "out.sarif", "--only", "env", cwd=monorepo / "backend"
    )
    assert result.stdout == "NO-GO: 1 high\n"
    assert json.loads((monorepo / "backend/out.sarif").read_text())["version"] == "2.1.0"


def test_quiet_never_hides_why_a_check_could_not_run(monorepo: Path) -> None:
    result = launchgate("secrets", "--since", "nosuchref", "-q", "--no-history", cwd=monorepo)
    assert result.returncode == 2
    assert "nosuchref" in result.stderr and "is not a commit" in result.stderr


def test_two_reports_on_stdout_are_refused(monorepo: Path) -> None:
    result = launchgate("run", "-r", "json", "-r", "sarif", cwd=monorepo / "backend")
    assert result.returncode == 2
    assert "only one report can go to standard output" in result.stderr


@pytest.mark.parametrize("no_color", [None, "1"])
def test_color_always_wins_over_a_pipe_and_no_color(monorepo: Path, no_color: str | None) -> None:
    env = {"NO_COLOR": no_color} if no_color else {}
    result = launchgate(
        "run", "--color", "always", "--only", "env", cwd=monorepo / "backend", env=env
    )
    assert "\x1b[1;31m" in result.stdout
    plain = launchgate("run", "--only", "env", cwd=monorepo / "backend", env=env)
    assert "\x1b[" not in plain.stdout


# --- paths in monorepos -------------------------------------------------------------------------


def test_monorepo_paths_text_relative_to_manifest_github_and_sarif_to_the_repository(
    monorepo: Path,
) -> None:
    manifest = "backend/launchready.yml"
    text = launchgate("run", "-m", manifest, "--only", "env", cwd=monorepo)
    assert "at .env:1" in text.stdout
    github = launchgate("run", "-m", manifest, "--only", "env", "-f", "github", cwd=monorepo)
    files = {line.split("file=")[1].split(",")[0] for line in github.stdout.splitlines()}
    assert files == {"backend/.env"}, github.stdout
    sarif = launchgate("run", "-m", manifest, "--only", "env", "-f", "sarif", cwd=monorepo)
    results = json.loads(sarif.stdout)["runs"][0]["results"]
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in results
        for loc in result["locations"]
    }
    assert uris == {"backend/.env"}


def test_the_manifest_directory_bounds_the_code_scan(monorepo: Path) -> None:
    """From the root with -m, the code scanned is backend's, as when run inside backend."""
    from_root = launchgate("run", "-m", "backend/launchready.yml", "--only", "env", cwd=monorepo)
    assert "FRONTEND_ONLY_KEY" not in from_root.stdout
    assert "1 code file(s) scanned" in from_root.stdout


def test_actions_masks_secrets_not_words_placeholders_or_public_keys(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "app")
    repo.write(
        "launchready.yml",
        "version: 1\nenv:\n  sources: [.env]\n  required:\n"
        "    - {name: DATABASE_URL}\n    - {name: ADMIN_PASSWORD}\n"
        "    - {name: STRIPE_PUBLISHABLE_KEY}\n    - {name: SESSION_SECRET}\n",
    )
    public = "pk_live_51H8aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
    real = "Zq8vN3-long-session-secret-4TfW"
    repo.write(
        ".env",
        "DATABASE_URL=postgres://admin:changeme@db.internal/app\nADMIN_PASSWORD=admin\n"
        f"STRIPE_PUBLISHABLE_KEY={public}\nSESSION_SECRET={real}\n",
    )
    result = launchgate("env", cwd=repo.path, env={"GITHUB_ACTIONS": "true"})
    masks = {
        line[len("::add-mask::") :] for line in result.stdout.splitlines() if "add-mask" in line
    }
    assert masks == {real}


def test_a_stripe_test_key_in_production_dotenv_is_one_finding(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "app")
    repo.write(
        "launchready.yml",
        "version: 1\nenvironments:\n  production: {env_files: [.env.production]}\n"
        "env:\n  required:\n    - {name: STRIPE_SECRET_KEY}\n",
    )
    key = "sk" + "_test_51HfzXq2eZvKYlo2CqRsTuVwZ8aB"  # split: this file passes the gate
    repo.write(".env.production", f"STRIPE_SECRET_KEY={key}\n")
    repo.write("pay.py", "import os\nos.environ['STRIPE_SECRET_KEY']\n")
    result = launchgate("run", "-q", "-r", "json:r.json", cwd=repo.path)
    report = json.loads((repo.path / "r.json").read_text())
    on_line = [f for f in report["findings"] if f["location"].get("path") == ".env.production"]
    assert [f["rule"] for f in on_line] == ["env.test-value-in-production"], result.stderr
    assert "secrets.stripe-test-secret-key" in on_line[0]["message"]
    secrets = next(c for c in report["checks"] if c["id"] == "secrets")
    assert "reported once under env.test-value-in-production" in secrets["summary"]


def test_an_undecodable_file_name_is_never_annotated_at_another_path(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "app")
    repo.write("launchready.yml", "version: 1\n")
    token = "ghp" + "_Qw8eRt5yUi2oPa7sDf4gHj1kLz9xCv3bNm6A"  # split: this file passes the gate
    repo.write(b"bad/\xff\xfe.env", f"GITHUB_TOKEN={token}\n")
    result = launchgate("secrets", "--no-history", "-f", "github", cwd=repo.path)
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("::error")]
    assert "file=" not in line  # not bad/xff/xfe.env, a file that does not exist
    assert "bad/\\xff\\xfe.env" in line  # the message names the file, escaped


def test_rules_of_a_check_this_version_may_lack_is_not_an_unknown_check(tmp_path: Path) -> None:
    from launchgate.registry import BUILTIN_CHECKS, known_check_ids

    for check_id in known_check_ids():
        result = launchgate("rules", "--check", check_id, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        if check_id not in BUILTIN_CHECKS:
            assert "not in this version of launchgate" in result.stderr
    assert launchgate("rules", "--check", "smok", cwd=tmp_path).returncode == 2

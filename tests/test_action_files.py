"""action.yml, the workflows, the lock and the pre-commit hooks agree with the code they drive."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchgate.findings import Report
from launchgate.report import github

REPO = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((REPO / "action.yml").read_text())
WORKFLOWS = sorted([*REPO.glob(".github/workflows/*.yml"), *REPO.glob("examples/workflows/*.yml")])
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [s for job in workflow["jobs"].values() for s in job.get("steps", [])]


def test_every_input_is_mapped_explicitly_to_a_launchgate_variable() -> None:
    env = ACTION["runs"]["env"]
    assert ACTION["runs"]["using"] == "docker" and ACTION["runs"]["image"] == "Dockerfile"
    required = {
        "manifest",
        "checks",
        "environment",
        "base-url",
        "fail-on",
        "since",
        "sarif-file",
        "json-file",
        "junit-file",
        "summary",
        "working-directory",
    }
    assert required <= set(ACTION["inputs"])
    for name, spec in ACTION["inputs"].items():
        variable = "LAUNCHGATE_" + name.upper().replace("-", "_")
        assert env[variable] == f"${{{{ inputs.{name} }}}}", name
        assert spec.get("description"), name
    assert set(env) == {"LAUNCHGATE_" + n.upper().replace("-", "_") for n in ACTION["inputs"]}
    assert "args" not in ACTION["runs"]  # nothing reaches a shell or argv


def test_the_code_reads_every_mapped_variable() -> None:
    code = "".join(p.read_text() for p in (REPO / "launchgate/action").glob("*.py"))
    code += "".join(p.read_text() for p in (REPO / "launchgate/cli").glob("*.py"))
    for variable in ACTION["runs"]["env"]:
        assert f'"{variable}"' in code, variable


def test_outputs_are_the_ones_written() -> None:
    report = Report(tool_version="0", fail_on=github.Severity.HIGH, checks=(), findings=())
    written = {
        line.split("=")[0].split("<<")[0]
        for line in github.outputs(
            report, {"sarif-file": "a", "json-file": "b", "junit-file": "c"}
        ).splitlines()
    }
    assert written == set(ACTION["outputs"])
    for spec in ACTION["outputs"].values():
        assert spec["description"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_workflows_pin_by_sha_and_grant_least_privilege(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {}, "grant per job, nothing by default"
    assert "concurrency" in workflow
    for step in steps(workflow):
        uses = step.get("uses", "")
        if uses and not uses.startswith("./") and not uses.startswith("launchgate/launchgate@"):
            assert SHA_PIN.match(uses), uses
        if uses.startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
    for name, job in workflow["jobs"].items():
        perms = job.get("permissions", {})
        uploads = any(
            s.get("uses", "").startswith("github/codeql-action/upload-sarif@")
            for s in job.get("steps", [])
        )
        assert (perms.get("security-events") == "write") == uploads, name
        assert set(perms.values()) <= {"read", "write"} and perms.get("contents") == "read"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_history_is_fetched_where_it_is_scanned(path: Path) -> None:
    workflow = load(path)
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as True
    scans_history = bool({"pull_request", "push", "schedule"} & set(triggers))
    for job in workflow["jobs"].values():
        job_steps = job.get("steps", [])
        runs_gate = any(s.get("uses", "").startswith(("launchgate/", "./")) for s in job_steps)
        if runs_gate and scans_history:
            checkout = next(
                s for s in job_steps if s.get("uses", "").startswith("actions/checkout@")
            )
            assert checkout["with"]["fetch-depth"] == 0


def test_sarif_uploads_have_a_category_and_skip_forks_on_pull_requests() -> None:
    for path in WORKFLOWS:
        workflow = load(path)
        triggers = workflow[True] if True in workflow else workflow["on"]
        for step in steps(workflow):
            if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"):
                assert step["with"]["category"]
                if "pull_request" in triggers:
                    assert "head.repo.fork" in step["if"], path


def test_examples_keep_state_between_runs() -> None:
    for name in ("post-deploy.yml", "nightly.yml"):
        workflow = load(REPO / "examples/workflows" / name)
        uses = [s.get("uses", "") for s in steps(workflow)]
        assert any(u.startswith("actions/cache@") for u in uses), name
        gate = next(s for s in steps(workflow) if s.get("uses", "").startswith("launchgate/"))
        cache = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/cache@"))
        assert gate["with"]["state-dir"] == cache["with"]["path"]


def test_lock_covers_every_dependency_with_hashes() -> None:
    lock = (REPO / "requirements/action.txt").read_text()
    pinned = {
        m.group(1).lower().replace("_", "-")
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==", lock, re.M)
    }
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement)
        assert name and name.group(0).lower().replace("_", "-") in pinned, requirement
    assert "hatchling" in pinned  # the image builds launchgate without an unpinned backend
    for block in re.split(r"\n(?=[A-Za-z])", lock.split("\n\n", 1)[-1]):
        if "==" in block:
            assert "--hash=sha256:" in block, block.splitlines()[0]


def test_pre_commit_hooks_run_real_commands() -> None:
    from click.testing import CliRunner

    from launchgate.cli import main

    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"launchgate-secrets", "launchgate-validate"}
    assert re.search(hooks["launchgate-validate"]["files"], "sub/launchready.yml")
    for hook in hooks.values():
        program, *args = hook["entry"].split()
        assert program == "launchgate"
        result = CliRunner().invoke(main, [*args, "--help"])
        assert result.exit_code == 0, result.output

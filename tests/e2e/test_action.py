"""``launchgate action`` end to end, as the runner starts it: every trigger, in a real workspace.

Most tests register stub checks (see ``tests/fixtures/actions_runtime.py``) that record what they
were asked, so the plan is observed through the real process without depending on the checks
still being written; one test runs the build's real registry.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from launchgate.registry import load_builtin_checks
from tests.fixtures.actions_runtime import ZERO, ActionRun, Workspace, git_env, run_action

SECRET = {
    "rule": "secrets.github-token",
    "severity": "high",
    "title": "GitHub token",
    "message": "a GitHub token is committed",
    "path": "app/settings.py",
    "line": 4,
}
CLEAN: dict[str, Any] = {"findings": []}
MANIFEST = "version: 1\nenvironments:\n  production: {base_url: https://www.example.com}\n"


class Runtime:
    """One simulated job: a workspace repository, the runner's files, the image's git config."""

    def __init__(self, tmp_path: Path, trust_all: bool = True) -> None:
        self.tmp = tmp_path
        self.env = git_env(tmp_path / "git", trust_all=True)
        self.job_env = git_env(tmp_path / "git-job", trust_all=trust_all)
        self.ws = Workspace.init(tmp_path / "workspace", self.env)
        self.runs = 0

    def run(self, event: str, payload: dict[str, Any], **kwargs: Any) -> ActionRun:
        self.ws.give_away()
        self.runs += 1
        return run_action(
            self.ws.path, self.tmp / f"runner{self.runs}", event, payload, self.job_env, **kwargs
        )


@pytest.fixture
def rt(tmp_path: Path) -> Runtime:
    return Runtime(tmp_path)


def pr_event(base: str, head: str, number: int = 5) -> dict[str, Any]:
    return {
        "action": "synchronize",
        "number": number,
        "pull_request": {
            "number": number,
            "base": {"sha": base, "ref": "main"},
            "head": {"sha": head, "ref": "fix"},
        },
    }


def push_event(
    before: str, after: str, ref: str = "refs/heads/feature", **extra: Any
) -> dict[str, Any]:
    return {
        "ref": ref,
        "before": before,
        "after": after,
        "repository": {"default_branch": "main"},
        **extra,
    }


def assert_no_traceback(run: ActionRun) -> None:
    assert "Traceback" not in run.stdout + run.stderr, run.stderr


# --- pull_request ---------------------------------------------------------------------------------


def test_pull_request_gate_fails_with_annotations_summary_outputs_and_sarif(rt: Runtime) -> None:
    base = rt.ws.commit("base", {"launchready.yml": MANIFEST})
    rt.ws.set_remote_ref("main", base)
    head = rt.ws.commit("change", {"app/settings.py": "x = 1\n"})
    run = rt.run(
        "pull_request",
        pr_event(base, head),
        inputs={
            "LAUNCHGATE_SARIF_FILE": "reports/launchgate.sarif",
            "LAUNCHGATE_JSON_FILE": "reports/launchgate.json",
        },
        stubs={"env": CLEAN, "secrets": {"findings": [SECRET]}},
    )
    assert_no_traceback(run)
    assert run.returncode == 1
    assert run.ran() == {
        "env": {"environment": None, "base_url": None, "since": f"{base}..{head}", "history": None},
        "secrets": {
            "environment": None,
            "base_url": None,
            "since": f"{base}..{head}",
            "history": None,
        },
    }
    ((props, message),) = run.commands("error")
    assert (props["file"], props["line"]) == ("app/settings.py", "4")
    assert "committed" in message
    assert run.outputs["status"] == "fail" and run.outputs["high"] == "1"
    assert run.outputs["sarif-file"] == "reports/launchgate.sarif"
    assert run.outputs["json-file"] == "reports/launchgate.json"
    sarif = json.loads((rt.ws.path / "reports/launchgate.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    report = json.loads((rt.ws.path / "reports/launchgate.json").read_text())
    assert report["status"] == "fail" and report["findings"][0]["rule"] == "secrets.github-token"
    assert "NO-GO" in run.summary and "GitHub token" in run.summary


def test_pull_request_without_system_safe_directory_trusts_the_workspace(tmp_path: Path) -> None:
    rt = Runtime(tmp_path, trust_all=False)
    base = rt.ws.commit("base", {"launchready.yml": MANIFEST})
    head = rt.ws.commit("change")
    run = rt.run("pull_request", pr_event(base, head), stubs={"env": CLEAN, "secrets": CLEAN})
    assert_no_traceback(run)
    assert run.returncode == 0, run.stdout
    assert run.ran()["secrets"]["since"] == f"{base}..{head}"
    assert run.outputs["status"] == "pass" and run.outputs["findings"] == "0"
    if rt.ws.give_away():
        assert f"trusting {rt.ws.path} for git" in run.stdout


def test_invalid_manifest_is_annotated_at_its_line(rt: Runtime) -> None:
    base = rt.ws.commit("base")
    head = rt.ws.commit("bad manifest", {"launchready.yml": "version: 1\nfail_onn: high\n"})
    run = rt.run("pull_request", pr_event(base, head), stubs={"env": CLEAN, "secrets": CLEAN})
    assert_no_traceback(run)
    assert run.returncode == 2
    assert run.records == []
    errors = run.commands("error")
    assert errors and errors[0][0]["file"] == "launchready.yml" and errors[0][0]["line"] == "2"
    assert "fail_on" in errors[0][1]  # the "did you mean"
    assert run.outputs["status"] == "error"
    assert "invalid manifest" in run.summary


def test_missing_manifest_runs_with_defaults(rt: Runtime) -> None:
    base = rt.ws.commit("base")
    head = rt.ws.commit("change")
    run = rt.run(
        "pull_request",
        pr_event(base, head),
        stubs={"env": {**CLEAN, "configured_if": "env"}, "secrets": CLEAN},
    )
    assert run.returncode == 0
    assert set(run.ran()) == {"secrets"}  # env is not configured without a manifest
    assert any("no launchready.yml" in m for m in run.messages("notice"))


def test_shallow_clone_is_an_error_that_says_fetch_depth(rt: Runtime, tmp_path: Path) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    head = rt.ws.commit("two")
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{rt.ws.path}", str(shallow)],
        env=rt.env,
        check=True,
        capture_output=True,
    )
    rt.ws = Workspace(shallow, rt.env)
    run = rt.run("push", push_event(ZERO, head, ref="refs/heads/main"), stubs={"secrets": CLEAN})
    assert_no_traceback(run)
    assert run.returncode == 2 and run.records == []
    ((_props, message),) = run.commands("error")
    assert "shallow clone" in message and "fetch-depth: 0" in message
    assert run.outputs["status"] == "error"
    assert "fetch-depth: 0" in run.summary


# --- push -----------------------------------------------------------------------------------------


def test_push_scans_before_to_after(rt: Runtime) -> None:
    before = rt.ws.commit("one", {"launchready.yml": MANIFEST})
    after = rt.ws.commit("two")
    run = rt.run(
        "push",
        push_event(before, after, ref="refs/heads/main"),
        stubs={"secrets": CLEAN, "env": CLEAN},
    )
    assert run.returncode == 0
    assert run.ran() == {
        "secrets": {
            "environment": None,
            "base_url": None,
            "since": f"{before}..{after}",
            "history": None,
        }
    }


def test_push_of_a_new_branch_scans_from_the_default_branch(rt: Runtime) -> None:
    main = rt.ws.commit("main", {"launchready.yml": MANIFEST})
    rt.ws.set_remote_ref("main", main)
    rt.ws.git("checkout", "-q", "-b", "feature")
    rt.ws.commit("f1")
    after = rt.ws.commit("f2")
    run = rt.run("push", push_event(ZERO, after, created=True), stubs={"secrets": CLEAN})
    assert run.returncode == 0
    assert run.ran()["secrets"]["since"] == f"{main}..{after}"
    assert any("new branch" in m for m in run.messages("notice"))


def test_force_push_with_the_old_tip_gone(rt: Runtime) -> None:
    root = rt.ws.commit("root", {"launchready.yml": MANIFEST})
    rt.ws.set_remote_ref("main", root)
    rt.ws.git("checkout", "-q", "-b", "feature")
    old = rt.ws.commit("old", {"leak.txt": "old\n"})
    rt.ws.git("reset", "-q", "--hard", root)
    new = rt.ws.commit("rewritten")
    rt.ws.forget(old)
    run = rt.run("push", push_event(old, new, forced=True), stubs={"secrets": CLEAN})
    assert_no_traceback(run)
    assert run.returncode == 0
    assert run.ran()["secrets"]["since"] == f"{root}..{new}"
    notices = " ".join(run.messages("notice"))
    assert "force-push" in notices and "not in the checkout" in notices


def test_force_push_with_the_old_tip_present(rt: Runtime) -> None:
    root = rt.ws.commit("root", {"launchready.yml": MANIFEST})
    old = rt.ws.commit("old")
    rt.ws.git("reset", "-q", "--hard", root)
    new = rt.ws.commit("rewritten")
    run = rt.run("push", push_event(old, new, forced=True), stubs={"secrets": CLEAN})
    assert run.ran()["secrets"]["since"] == f"{old}..{new}"
    assert any("not an ancestor" in m for m in run.messages("notice"))


def test_first_push_of_a_repository_scans_from_the_root_commit(rt: Runtime) -> None:
    after = rt.ws.commit("initial commit", {"launchready.yml": MANIFEST})
    run = rt.run(
        "push",
        push_event(ZERO, after, ref="refs/heads/main", created=True),
        stubs={"secrets": CLEAN},
    )
    assert run.returncode == 0
    assert run.ran()["secrets"] == {
        "environment": None,
        "base_url": None,
        "since": f"..{after}",
        "history": None,
    }
    assert any("root commit" in m for m in run.messages("notice"))


def test_branch_deletion_runs_nothing(rt: Runtime) -> None:
    before = rt.ws.commit("one")
    run = rt.run("push", push_event(before, ZERO, deleted=True), stubs={"secrets": CLEAN})
    assert run.returncode == 0 and run.records == []
    assert run.outputs["status"] == "skipped"


# --- schedule -------------------------------------------------------------------------------------


def test_schedule_runs_dns_and_a_full_history_scan(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    run = rt.run("schedule", {"schedule": "17 3 * * *"}, stubs={"dns": CLEAN, "secrets": CLEAN})
    assert run.returncode == 0
    assert run.ran()["secrets"]["history"] is True and run.ran()["secrets"]["since"] is None
    assert "dns" in run.ran()


def test_schedule_skips_checks_this_build_lacks(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    run = rt.run("schedule", {"schedule": "17 3 * * *"}, stubs={"secrets": CLEAN})
    assert set(run.ran()) == {"secrets"}
    assert "check 'dns' is not in this version of launchgate; skipped" in run.messages("notice")
    # ... and the job summary has a row for it that says why, not only a notice in the log.
    assert "| dns | ⏭️ skipped |" in run.summary
    assert "not in this version of launchgate" in run.summary


# --- deployment_status ----------------------------------------------------------------------------


def deployment(state: str, url: str | None = "https://release-42.example.dev") -> dict[str, Any]:
    status: dict[str, Any] = {"state": state, "environment": "production"}
    if url:
        status["environment_url"] = url
    return {"deployment_status": status, "deployment": {"environment": "production"}}


def test_successful_deployment_smokes_and_measures_its_url(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    run = rt.run(
        "deployment_status",
        deployment("success"),
        stubs={"smoke": CLEAN, "perf": CLEAN, "secrets": CLEAN},
    )
    assert run.returncode == 0
    expected = {
        "environment": "production",
        "base_url": "https://release-42.example.dev",
        "since": None,
        "history": None,
    }
    assert run.ran() == {"smoke": expected, "perf": expected}


def test_base_url_input_wins_over_the_event(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    run = rt.run(
        "deployment_status",
        deployment("success"),
        inputs={"LAUNCHGATE_BASE_URL": "http://127.0.0.1:9"},
        stubs={"smoke": CLEAN},
    )
    assert run.ran()["smoke"]["base_url"] == "http://127.0.0.1:9"


def test_failed_deployment_is_skipped(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    run = rt.run("deployment_status", deployment("failure"), stubs={"smoke": CLEAN, "perf": CLEAN})
    assert_no_traceback(run)
    assert run.returncode == 0 and run.records == []
    assert run.outputs["status"] == "skipped" and run.outputs["findings"] == "0"
    assert "failure" in run.summary
    assert any("nothing to check" in m for m in run.messages("notice"))


# --- workflow_dispatch ----------------------------------------------------------------------------


def test_workflow_dispatch_runs_its_inputs(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    payload = {
        "inputs": {
            "checks": "smoke",
            "environment": "staging",
            "base-url": "https://staging.example.com",
        }
    }
    run = rt.run("workflow_dispatch", payload, stubs={"smoke": CLEAN, "secrets": CLEAN})
    assert run.ran() == {
        "smoke": {
            "environment": "staging",
            "base_url": "https://staging.example.com",
            "since": None,
            "history": None,
        }
    }


def test_fail_on_input_sets_the_threshold(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    medium = {**SECRET, "severity": "medium"}
    payload = {"inputs": {"checks": "secrets"}}
    default = rt.run("workflow_dispatch", payload, stubs={"secrets": {"findings": [medium]}})
    assert default.returncode == 0 and default.outputs["medium"] == "1"
    assert default.commands("warning")
    strict = rt.run(
        "workflow_dispatch",
        payload,
        stubs={"secrets": {"findings": [medium]}},
        inputs={"LAUNCHGATE_FAIL_ON": "medium"},
    )
    assert strict.returncode == 1 and strict.outputs["status"] == "fail"
    wrong = rt.run(
        "workflow_dispatch",
        payload,
        stubs={"secrets": CLEAN},
        inputs={"LAUNCHGATE_FAIL_ON": "severe"},
    )
    assert wrong.returncode == 2 and wrong.outputs["status"] == "error"
    assert "fail-on" in wrong.messages("error")[0]


def test_working_directory_and_summary_inputs(rt: Runtime) -> None:
    rt.ws.commit("one", {"site/launchready.yml": MANIFEST})
    run = rt.run(
        "workflow_dispatch",
        {"inputs": {"checks": "smoke"}},
        stubs={"smoke": CLEAN},
        inputs={"LAUNCHGATE_WORKING_DIRECTORY": "site", "LAUNCHGATE_SUMMARY": "false"},
    )
    assert run.returncode == 0
    assert run.records[0]["root"] == str(rt.ws.path / "site")
    assert run.summary == ""
    missing = rt.run(
        "workflow_dispatch",
        {"inputs": {}},
        stubs={"smoke": CLEAN},
        inputs={"LAUNCHGATE_WORKING_DIRECTORY": "nope"},
    )
    assert missing.returncode == 2 and "working-directory" in missing.messages("error")[0]


# --- hostile input, a missing event, and the real registry ------------------------------------


def test_event_text_cannot_inject_workflow_commands(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    hostile = "failure\n::error::pwned\r\n::error::again"
    payload = {"deployment_status": {"state": hostile, "environment": "x\n::error::pwned"}}
    run = rt.run("deployment_status", payload, stubs={"smoke": CLEAN})
    assert run.returncode == 0
    assert not any(line.startswith("::error") for line in run.stdout.splitlines())
    assert run.outputs["status"] == "skipped"
    assert "\n" not in run.outputs["verdict"]  # one line: it cannot start another output
    assert "pwned" in run.stdout  # shown, but only inside other lines


def test_unreadable_event_is_a_clear_error(rt: Runtime) -> None:
    rt.ws.commit("one")
    run = rt.run(
        "push",
        {},
        inputs={"GITHUB_EVENT_PATH": str(rt.tmp / "missing.json")},
        stubs={"secrets": CLEAN},
    )
    assert_no_traceback(run)
    assert run.returncode == 2 and "cannot read the event payload" in run.messages("error")[0]


@pytest.mark.parametrize("image_config", [True, False], ids=["image-safe-directory", "self-trust"])
def test_real_registry_runs_what_this_build_has(tmp_path: Path, image_config: bool) -> None:
    """The build's own checks; without the image's config the git they start must still work."""
    rt = Runtime(tmp_path, trust_all=image_config)
    base = rt.ws.commit("base", {"launchready.yml": MANIFEST})
    head = rt.ws.commit("change", {"README.md": "hello\n"})
    run = rt.run(
        "pull_request", pr_event(base, head), inputs={"LAUNCHGATE_JSON_FILE": "launchgate.json"}
    )
    assert_no_traceback(run)
    available = set(load_builtin_checks())
    notices = run.messages("notice")
    for check_id in ("env", "secrets"):
        missing = f"check {check_id!r} is not in this version of launchgate; skipped"
        assert (missing in notices) == (check_id not in available)
    assert run.returncode in (0, 1)
    assert run.outputs["status"] in ("pass", "fail", "skipped")
    assert run.summary.startswith("#") or run.summary.startswith("<")
    if run.outputs["status"] != "skipped":
        report = json.loads((rt.ws.path / "launchgate.json").read_text())
        assert {c["id"] for c in report["checks"]} <= {"env", "secrets"}


def test_working_directory_paths_are_reported_from_the_repository_root(rt: Runtime) -> None:
    """Checks see paths under the subfolder; annotations and SARIF need them from the top."""
    rt.ws.commit("one", {"site/launchready.yml": MANIFEST})
    run = rt.run(
        "workflow_dispatch",
        {"inputs": {"checks": "secrets"}},
        stubs={"secrets": {"findings": [SECRET]}},
        inputs={"LAUNCHGATE_WORKING_DIRECTORY": "site", "LAUNCHGATE_SARIF_FILE": "lg.sarif"},
    )
    assert run.returncode == 1
    ((props, _message),) = run.commands("error")
    assert props["file"] == "site/app/settings.py"
    sarif = json.loads((rt.ws.path / "lg.sarif").read_text())
    (result,) = sarif["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "site/app/settings.py"


def test_a_typo_in_the_checks_input_is_an_error_not_a_green_skip(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    run = rt.run(
        "workflow_dispatch",
        {"inputs": {}},
        stubs={"secrets": CLEAN},
        inputs={"LAUNCHGATE_CHECKS": "secret"},
    )
    assert run.returncode == 2
    assert run.outputs["status"] == "error"
    assert "did you mean 'secrets'?" in run.messages("error")[0]


def test_working_directory_cannot_leave_the_workspace(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    run = rt.run(
        "workflow_dispatch",
        {"inputs": {}},
        stubs={"secrets": CLEAN},
        inputs={"LAUNCHGATE_WORKING_DIRECTORY": "../.."},
    )
    assert run.returncode == 2
    assert "outside the workspace" in run.messages("error")[0]


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"LAUNCHGATE_SUMMARY": "maybe"}, "input summary: expected true or false"),
        ({"LAUNCHGATE_SARIF_FILE": "../out.sarif"}, "input sarif-file"),
        ({"LAUNCHGATE_JSON_FILE": "/tmp/out.json"}, "input json-file"),
    ],
)
def test_inputs_are_checked(rt: Runtime, inputs: dict[str, str], message: str) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    run = rt.run("workflow_dispatch", {"inputs": {}}, stubs={"secrets": CLEAN}, inputs=inputs)
    assert run.returncode == 2
    assert message in run.messages("error")[0]


def test_successful_deployment_runs_the_real_smoke_check_on_its_url(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """Post-deploy for real: the deployment's environment_url is smoked, not the manifest's."""
    httpserver.expect_request("/").respond_with_data(
        "Welcome", headers={"X-Content-Type-Options": "nosniff"}
    )
    httpserver.expect_request("/api/health").respond_with_data(
        '{"status": "ok"}', content_type="application/json"
    )
    manifest = MANIFEST + (
        "routes:\n"
        "  - {name: health, path: /api/health, expect: {json: {$.status: ok}}}\n"
        "smoke: {wait: {timeout_s: 5, interval_s: 0.2}}\n"
    )
    rt = Runtime(tmp_path)
    rt.ws.commit("one", {"launchready.yml": manifest})
    url = httpserver.url_for("/").rstrip("/")
    run = rt.run(
        "deployment_status",
        deployment("success", url=url),
        inputs={"LAUNCHGATE_JSON_FILE": "launchgate.json"},
    )
    assert_no_traceback(run)
    assert run.returncode == 0, run.stdout
    report = json.loads((rt.ws.path / "launchgate.json").read_text())
    smoke = next(c for c in report["checks"] if c["id"] == "smoke")
    assert smoke["status"] == "pass" and "1 route(s)" in smoke["summary"]
    assert [r.path for r, _ in httpserver.log if r.path == "/api/health"]

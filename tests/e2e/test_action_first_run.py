"""The action replayed under every event as a new user meets it (issue 14): a PR gate that cannot
read its event fails, monorepos are pointed at their manifests, and every notice tells the truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.test_action import CLEAN, MANIFEST, SECRET, Runtime, assert_no_traceback, push_event
from tests.e2e.test_action import rt as rt
from tests.fixtures.actions_runtime import ZERO


def test_pull_request_without_an_event_file_is_an_error(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    run = rt.run("pull_request", {}, stubs={"secrets": CLEAN}, inputs={"GITHUB_EVENT_PATH": ""})
    assert_no_traceback(run)
    assert run.returncode == 2 and run.outputs["status"] == "error"
    assert "GITHUB_EVENT_PATH is not set" in run.messages("error")[0]


def test_pull_request_with_an_empty_payload_is_an_error(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    run = rt.run("pull_request", {}, stubs={"secrets": CLEAN, "env": CLEAN})
    assert run.returncode == 2 and run.outputs["status"] == "error"
    assert "pull_request.head.sha" in run.messages("error")[0]
    assert run.records == []


def test_monorepo_without_a_root_manifest_names_the_ones_below(rt: Runtime) -> None:
    rt.ws.commit("one", {"backend/launchready.yml": MANIFEST, "web/launchready.yml": MANIFEST})
    run = rt.run("workflow_dispatch", {"inputs": {}}, stubs={"secrets": CLEAN})
    assert run.returncode == 2
    (message,) = run.messages("error")
    assert "backend/launchready.yml, web/launchready.yml exist below it" in message
    assert "manifest: backend/launchready.yml" in message
    assert "GO" not in run.outputs["verdict"].replace("NO-GO", "")


def test_a_manifest_input_naming_no_file_says_it_does_not_exist(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    run = rt.run(
        "workflow_dispatch",
        {"inputs": {}},
        stubs={"secrets": CLEAN},
        inputs={"LAUNCHGATE_MANIFEST": "nope.yml"},
    )
    assert run.returncode == 2
    assert run.messages("error") == ["input manifest: nope.yml does not exist"]


def test_manifest_input_runs_checks_in_the_manifest_directory(rt: Runtime) -> None:
    """Same manifest, same files as the CLI; annotations still land on repository paths."""
    rt.ws.commit("one", {"backend/launchready.yml": MANIFEST, "frontend/index.js": "x\n"})
    run = rt.run(
        "workflow_dispatch",
        {"inputs": {"checks": "secrets"}},
        stubs={"secrets": {"findings": [SECRET]}},
        inputs={"LAUNCHGATE_MANIFEST": "backend/launchready.yml"},
    )
    assert run.returncode == 1
    assert run.records[0]["root"] == str(rt.ws.path / "backend")
    ((props, _message),) = run.commands("error")
    assert props["file"] == "backend/app/settings.py"


def test_checks_input_is_what_the_log_says_runs(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    run = rt.run(
        "workflow_dispatch",
        {"inputs": {}},
        stubs={"secrets": CLEAN, "env": CLEAN},
        inputs={"LAUNCHGATE_CHECKS": "secrets"},
    )
    assert "launchgate: manual run: secrets (the checks input)" in run.stdout
    assert "every configured check" not in run.stdout


def test_push_without_default_branch_does_not_blame_the_default_branch(rt: Runtime) -> None:
    main = rt.ws.commit("main", {"launchready.yml": MANIFEST})
    rt.ws.set_remote_ref("main", main)
    rt.ws.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
    rt.ws.git("checkout", "-q", "-b", "feature")
    after = rt.ws.commit("f1")
    payload: dict[str, Any] = {"ref": "refs/heads/feature", "before": ZERO, "after": after}
    run = rt.run("push", payload, stubs={"secrets": CLEAN})
    assert run.returncode == 0
    assert run.ran()["secrets"]["since"] == f"{main}..{after}"
    notices = " ".join(run.messages("notice"))
    assert "no common ancestor" not in notices and "full history" not in notices


def test_force_push_gives_one_notice(rt: Runtime) -> None:
    root = rt.ws.commit("root", {"launchready.yml": MANIFEST})
    rt.ws.set_remote_ref("main", root)
    rt.ws.git("checkout", "-q", "-b", "feature")
    old = rt.ws.commit("old", {"leak.txt": "old\n"})
    rt.ws.git("reset", "-q", "--hard", root)
    new = rt.ws.commit("rewritten")
    rt.ws.forget(old)
    run = rt.run("push", push_event(old, new, forced=True), stubs={"secrets": CLEAN})
    about_range = [m for m in run.messages("notice") if "force" in m or "scanning" in m]
    assert about_range == [
        f"force-push: the previous head {old[:12]} is not in the checkout: "
        "scanning from the merge base with origin/main"
    ]


def test_nothing_to_run_after_a_deployment_names_why(rt: Runtime) -> None:
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    deployment = {
        "deployment_status": {"state": "success", "environment": "production"},
        "deployment": {"environment": "production"},
    }
    run = rt.run("deployment_status", deployment, stubs={"secrets": CLEAN})
    assert run.returncode == 0 and run.outputs["status"] == "skipped"
    reason = "not in this version of launchgate"
    assert f"| smoke | ⏭️ skipped | {reason} |" in run.summary
    assert f"| perf | ⏭️ skipped | {reason} |" in run.summary
    assert f"smoke: {reason}; perf: {reason}" in run.outputs["verdict"]


def test_workspace_path_is_shown_for_a_manifest_error_in_a_subfolder(tmp_path: Path) -> None:
    rt = Runtime(tmp_path)
    rt.ws.commit("one", {"backend/launchready.yml": "version: 1\nenv:\n\trequired: []\n"})
    run = rt.run(
        "workflow_dispatch",
        {"inputs": {}},
        stubs={"secrets": CLEAN},
        inputs={"LAUNCHGATE_MANIFEST": "backend/launchready.yml"},
    )
    assert run.returncode == 2
    ((props, message),) = run.commands("error")
    assert props["file"] == "backend/launchready.yml" and props["line"] == "3"
    assert "tabs are not allowed for indentation" in message

"""The Action's plan per trigger (pure), and commit ranges resolved against real repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from launchgate.action import choose_checks
from launchgate.action.gitrepo import ActionError, Git, require_history, resolve_range
from launchgate.action.plan import CommitRange, Inputs, Plan, is_zero_sha, plan_for, split_checks
from launchgate.checkapi import CheckSpec
from launchgate.manifest import parse_manifest
from launchgate.registry import NOT_IN_THIS_VERSION
from tests.fixtures.actions_runtime import ZERO, Workspace, git_env

BASE, HEAD = "a" * 40, "b" * 40


def pr_payload(**pr: object) -> dict[str, object]:
    body = {"number": 7, "base": {"sha": BASE, "ref": "main"}, "head": {"sha": HEAD, "ref": "fix"}}
    body.update(pr)
    return {"action": "synchronize", "number": 7, "pull_request": body}


def push_payload(before: str = BASE, after: str = HEAD, **extra: object) -> dict[str, object]:
    return {
        "ref": "refs/heads/feature",
        "before": before,
        "after": after,
        "repository": {"default_branch": "main"},
        **extra,
    }


# --- the plan per trigger -----------------------------------------------------------------------


def test_pull_request_scans_its_own_commits_and_validates() -> None:
    plan = plan_for("pull_request", pr_payload(), Inputs())
    assert plan.checks == ("env", "secrets")
    assert plan.commits == CommitRange(BASE, HEAD, ("refs/remotes/origin/main",))
    assert plan.needs_history and not plan.full_history and plan.skip is None
    assert "#7" in plan.description


def test_pull_request_target_is_planned_like_pull_request() -> None:
    assert plan_for("pull_request_target", pr_payload(), Inputs()).checks == ("env", "secrets")


@pytest.mark.parametrize("payload", [{}, {"pull_request": {"base": {"sha": BASE}}}])
def test_pull_request_without_head_is_an_error_not_a_skip(payload: dict[str, Any]) -> None:
    # A PR gate that cannot read its event must not report "skipped" with exit 0.
    plan = plan_for("pull_request", payload, Inputs(checks=("env",)))
    assert plan.skip is None and plan.error is not None
    assert "pull_request.head.sha" in plan.error


def test_push_scans_before_to_after() -> None:
    plan = plan_for("push", push_payload(), Inputs())
    assert plan.checks == ("secrets",)
    assert plan.commits == CommitRange(BASE, HEAD, ("refs/remotes/origin/main",))


def test_push_of_new_branch_has_no_base() -> None:
    plan = plan_for("push", push_payload(before=ZERO, created=True), Inputs())
    assert plan.commits is not None and plan.commits.base is None


def test_push_to_default_branch_has_no_fallback_to_itself() -> None:
    plan = plan_for("push", {**push_payload(), "ref": "refs/heads/main"}, Inputs())
    assert plan.commits is not None and plan.commits.fallback_refs == ()


def test_force_push_is_passed_to_the_range_not_noted_twice() -> None:
    plan = plan_for("push", push_payload(forced=True), Inputs())
    assert plan.commits is not None and plan.commits.forced
    assert plan.notes == ()  # the range resolver says what happened, once


def test_push_without_default_branch_falls_back_on_the_remote_head() -> None:
    payload = {k: v for k, v in push_payload().items() if k != "repository"}
    plan = plan_for("push", payload, Inputs())
    assert plan.commits is not None
    assert plan.commits.fallback_refs == ("refs/remotes/origin/HEAD",)


def test_checks_input_is_named_in_the_description() -> None:
    plan = plan_for("workflow_dispatch", {"inputs": {}}, Inputs(checks=("secrets",)))
    assert plan.description == "manual run: secrets (the checks input)"


def test_deleted_branch_is_skipped() -> None:
    plan = plan_for("push", push_payload(after=ZERO, deleted=True), Inputs(checks=("secrets",)))
    assert plan.skip is not None and "deleted" in plan.skip


def test_schedule_runs_dns_and_full_history_secrets() -> None:
    plan = plan_for("schedule", {"schedule": "0 3 * * *"}, Inputs())
    assert plan.checks == ("dns", "secrets")
    assert plan.full_history and plan.commits is None and plan.needs_history


def test_deployment_success_smokes_the_deployed_url() -> None:
    payload = {
        "deployment_status": {
            "state": "success",
            "environment": "production",
            "environment_url": "https://pr-1.example.dev",
        },
        "deployment": {"environment": "production"},
    }
    plan = plan_for("deployment_status", payload, Inputs())
    assert plan.checks == ("smoke", "perf")
    assert (plan.environment, plan.base_url) == ("production", "https://pr-1.example.dev")
    assert not plan.needs_history


@pytest.mark.parametrize("state", ["failure", "error", "pending", "in_progress"])
def test_deployment_not_successful_is_skipped_even_with_checks_input(state: str) -> None:
    payload = {"deployment_status": {"state": state}, "deployment": {"environment": "staging"}}
    plan = plan_for("deployment_status", payload, Inputs(checks=("smoke",)))
    assert plan.skip is not None and state in plan.skip
    assert plan.environment == "staging"


def test_deployment_without_url_leaves_it_to_the_manifest() -> None:
    payload = {"deployment_status": {"state": "success"}, "deployment": {"environment": "staging"}}
    plan = plan_for("deployment_status", payload, Inputs())
    assert plan.base_url is None and plan.environment == "staging"


def test_workflow_dispatch_takes_its_inputs() -> None:
    payload = {
        "inputs": {
            "checks": "smoke, perf",
            "environment": "staging",
            "base-url": "https://staging.example.com",
        }
    }
    plan = plan_for("workflow_dispatch", payload, Inputs())
    assert plan.checks == ("smoke", "perf") and plan.explicit
    assert (plan.environment, plan.base_url) == ("staging", "https://staging.example.com")


def test_workflow_dispatch_without_checks_runs_everything_configured() -> None:
    plan = plan_for("workflow_dispatch", {"inputs": {}}, Inputs())
    assert plan.checks is None and not plan.explicit and plan.full_history


def test_merge_group_scans_the_queued_commits() -> None:
    plan = plan_for("merge_group", {"merge_group": {"base_sha": BASE, "head_sha": HEAD}}, Inputs())
    assert plan.checks == ("env", "secrets") and plan.commits == CommitRange(BASE, HEAD)


def test_other_events_run_everything_configured() -> None:
    plan = plan_for("release", {}, Inputs())
    assert plan.checks is None and plan.skip is None


def test_inputs_override_the_event() -> None:
    inputs = Inputs(
        checks=("secrets",), environment="staging", base_url="https://x.test", since="v1.0..HEAD"
    )
    plan = plan_for("pull_request", pr_payload(), inputs)
    assert plan.checks == ("secrets",) and plan.explicit
    assert (plan.environment, plan.base_url, plan.since) == (
        "staging",
        "https://x.test",
        "v1.0..HEAD",
    )
    assert plan.commits is None and not plan.full_history


def test_hostile_payload_types_do_not_crash() -> None:
    for payload in ({"pull_request": "x"}, {"pull_request": {"head": ["x"]}}, {"inputs": 3}):
        plan_for("pull_request", payload, Inputs())
        plan_for("workflow_dispatch", payload, Inputs())
    assert plan_for("push", {"after": True}, Inputs()).skip is not None


def test_helpers() -> None:
    assert is_zero_sha(ZERO) and is_zero_sha("0" * 64) and is_zero_sha(None)
    assert not is_zero_sha(BASE)
    assert split_checks(" Env,secrets  env ") == ("env", "secrets")
    assert split_checks(None) == ()


# --- choosing among the checks this build has -------------------------------------------------


def _spec(check_id: str, section: str | None = None) -> CheckSpec:
    return CheckSpec(
        id=check_id,
        title=check_id,
        run=lambda _ctx: None,
        configured=(lambda m: m.has(section)) if section else (lambda _m: True),
    )


def test_choose_skips_missing_checks_with_a_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = parse_manifest("version: 1\n", tmp_path / "launchready.yml")
    registry = {"secrets": _spec("secrets"), "env": _spec("env", section="env")}
    plan = Plan("schedule", "x", ("dns", "secrets", "env"))
    chosen, skipped = choose_checks(plan, registry, manifest)
    assert chosen == ["secrets"]
    assert skipped == {"dns": NOT_IN_THIS_VERSION, "env": "not configured in the manifest"}
    out = capsys.readouterr().out
    assert "::notice title=launchgate::check 'dns' is not in this version of launchgate" in out
    assert "env: not configured" in out
    explicit = Plan("workflow_dispatch", "x", ("env",), explicit=True)
    assert choose_checks(explicit, registry, manifest) == (["env"], {})
    assert choose_checks(Plan("release", "x", None), registry, manifest)[0] == ["secrets"]


def test_checks_input_naming_a_check_of_a_later_version_is_skipped_not_an_error(
    tmp_path: Path,
) -> None:
    manifest = parse_manifest("version: 1\n", tmp_path / "launchready.yml")
    registry = {"secrets": _spec("secrets")}
    explicit = Plan("workflow_dispatch", "x", ("smoke", "secrets"), explicit=True)
    assert choose_checks(explicit, registry, manifest) == (
        ["secrets"],
        {"smoke": NOT_IN_THIS_VERSION},
    )
    with pytest.raises(ActionError, match="unknown check 'smok'"):
        choose_checks(Plan("x", "x", ("smok",), explicit=True), registry, manifest)


# --- commit ranges against real repositories ----------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Workspace:
    return Workspace.init(tmp_path / "ws", git_env(tmp_path / "home"))


def test_linear_push_range(repo: Workspace) -> None:
    first = repo.commit("one")
    second = repo.commit("two")
    resolved = resolve_range(Git(repo.path, repo.env), CommitRange(first, second))
    assert (resolved.since, resolved.history, resolved.note) == (f"{first}..{second}", None, None)


def test_new_branch_starts_at_the_merge_base_with_the_default_branch(repo: Workspace) -> None:
    base = repo.commit("on main")
    repo.set_remote_ref("main", base)
    repo.git("checkout", "-q", "-b", "feature")
    head = repo.commit("on feature")
    commits = CommitRange(None, head, ("refs/remotes/origin/main",))
    resolved = resolve_range(Git(repo.path, repo.env), commits)
    assert resolved.since == f"{base}..{head}"
    assert resolved.note is not None and "new branch" in resolved.note


def test_force_push_with_old_commit_present(repo: Workspace) -> None:
    root = repo.commit("root")
    old = repo.commit("old tip")
    repo.git("reset", "-q", "--hard", root)
    new = repo.commit("rewritten")
    resolved = resolve_range(Git(repo.path, repo.env), CommitRange(old, new))
    assert resolved.since == f"{old}..{new}"
    assert resolved.note is not None and "force-push" in resolved.note
    listed = repo.git("rev-list", resolved.since).split()
    assert listed == [new]


def test_force_push_with_old_commit_gone_falls_back(repo: Workspace) -> None:
    root = repo.commit("root")
    repo.set_remote_ref("main", root)
    repo.git("checkout", "-q", "-b", "feature")
    old = repo.commit("old tip")
    repo.git("reset", "-q", "--hard", root)
    new = repo.commit("rewritten")
    repo.forget(old)
    resolved = resolve_range(
        Git(repo.path, repo.env), CommitRange(old, new, ("refs/remotes/origin/main",))
    )
    assert resolved.since == f"{root}..{new}"
    assert resolved.note is not None and "not in the checkout" in resolved.note


def test_first_push_scans_down_to_the_root_commit(repo: Workspace) -> None:
    head = repo.commit("root")
    commits = CommitRange(None, head, ("refs/remotes/origin/main",))  # no such ref yet
    resolved = resolve_range(Git(repo.path, repo.env), commits)
    assert (resolved.since, resolved.history) == (f"..{head}", None)
    assert resolved.note is not None and "root commit" in resolved.note


def test_orphan_branch_has_no_common_ancestor(repo: Workspace) -> None:
    """Only the orphan branch's own commits are scanned, not the unrelated main branch."""
    from launchgate.checkapi import CheckContext
    from launchgate.manifest import Manifest
    from launchgate.secretscan.check import run as scan_secrets
    from launchgate.store import Store

    token = "ghp" + "_" + "Qw8eRt5yUi2oPa7sDf4gHj1kLz9xCv3bNm6A"
    repo.set_remote_ref("main", repo.commit("main", {"leak.env": f"T={token}\n"}))
    repo.git("checkout", "-q", "--orphan", "docs")
    repo.git("rm", "-rq", "--cached", ".")
    (repo.path / "leak.env").unlink()
    head = repo.commit("unrelated root", {"docs.md": "hello\n"})
    resolved = resolve_range(
        Git(repo.path, repo.env), CommitRange(None, head, ("refs/remotes/origin/main",))
    )
    assert (resolved.since, resolved.history) == (f"..{head}", None)
    manifest = Manifest.empty(repo.path)
    ctx = CheckContext(
        root=repo.path,
        manifest=manifest,
        store=Store(repo.path / ".s"),
        params={"since": resolved.since, "history": resolved.history},
    )
    result = scan_secrets(ctx)
    assert result.error is None
    assert [f.rule for f in result.findings if f.rule == "secrets.github-token"] == []
    assert "1 commits" in result.summary


def test_missing_head_is_an_error_with_the_fix(repo: Workspace) -> None:
    repo.commit("one")
    with pytest.raises(ActionError, match="fetch-depth: 0"):
        resolve_range(Git(repo.path, repo.env), CommitRange(None, "c" * 40))


def test_shallow_clone_is_refused(repo: Workspace, tmp_path: Path) -> None:
    repo.commit("one")
    repo.commit("two")
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)],
        env=repo.env,
        check=True,
        capture_output=True,
    )
    with pytest.raises(ActionError, match=r"shallow clone.*fetch-depth: 0"):
        require_history(Git(clone, repo.env))
    require_history(Git(repo.path, repo.env))


def test_not_a_repository_is_refused(tmp_path: Path) -> None:
    env = git_env(tmp_path / "home")
    env["GIT_CEILING_DIRECTORIES"] = str(tmp_path)
    (tmp_path / "plain").mkdir()
    with pytest.raises(ActionError, match="not a git repository"):
        require_history(Git(tmp_path / "plain", env))


def test_ownership_is_allowed_for_that_repository_only(repo: Workspace, tmp_path: Path) -> None:
    repo.commit("one")
    env = git_env(tmp_path / "home2", trust_all=False)
    env["GIT_CONFIG_COUNT"] = "1"  # an entry the user already had is kept
    env["GIT_CONFIG_KEY_0"], env["GIT_CONFIG_VALUE_0"] = "core.quotePath", "false"
    git = Git(repo.path, env)
    if repo.give_away():
        assert not git.is_repository()  # the premise: git refuses another user's repository
        assert git.allow_ownership() == str(repo.path)
        assert env["GIT_CONFIG_COUNT"] == "2" and env["GIT_CONFIG_VALUE_1"] == str(repo.path)
    assert git.allow_ownership() is None  # trusted now (or ours all along): nothing to add
    assert git.is_repository() and not git.is_shallow()

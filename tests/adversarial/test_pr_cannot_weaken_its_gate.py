"""A pull request cannot weaken its own gate: the policy comes from the branch it merges into.

Each PR below commits a real GitHub token and, in the same PR, one way of letting it through:
a baseline entry, a suppression, an exclude, an allowlist pack, a severity override, a disabled
check or a lower ``fail_on``. The real checks run in the simulated Actions runtime; every one of
these PRs must still fail, and say that its policy change takes effect after merge. The same
policy already on the base branch is honoured (the control case), so the gate really reads the
base's policy rather than ignoring all policy.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from launchgate.redact import value_hash
from launchgate.secretscan.baseline import DEFAULT_BASELINE, write_baseline
from tests.e2e.test_action import Runtime, pr_event
from tests.secretscan.conftest import github_token

MANIFEST = "version: 1\n"


def _baseline_text(token: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.json"
        write_baseline(path, [("app.py", "secrets.github-token", value_hash(token))])
        return path.read_text()


def _allow_pack(token: str) -> str:
    return (
        "kind: secrets\nallow:\n  - id: allow.ours\n"
        f"    values: [{token}]\n    examples:\n      - {{line: 'T = \"{token}\"'}}\n"
    )


def weakenings(token: str) -> dict[str, dict[str, str]]:
    """Files a PR adds or changes, next to its secret, to let the secret through."""
    return {
        "baseline": {DEFAULT_BASELINE: _baseline_text(token)},
        "suppression": {
            "launchready.yml": MANIFEST
            + "suppress:\n  - {rule: 'secrets.*', reason: 'it is fine, trust me'}\n"
        },
        "exclude": {"launchready.yml": MANIFEST + "secrets:\n  exclude: ['app.py']\n"},
        "allowlist-pack": {
            "launchready.yml": MANIFEST + "rules:\n  packs: [allow.yml]\n",
            "allow.yml": _allow_pack(token),
        },
        "severity-override": {
            "launchready.yml": MANIFEST + "checks:\n  secrets:\n    severity: {'secrets.*': info}\n"
        },
        "disabled-check": {
            "launchready.yml": MANIFEST + "checks:\n  secrets:\n    enabled: false\n"
        },
        # A high (not blocker) secret: with fail_on lowered to blocker it would pass.
        "fail-on": {"launchready.yml": MANIFEST + "fail_on: blocker\n"},
    }


def leak(kind: str, token: str) -> tuple[dict[str, str], str]:
    """The secret the PR commits, and the rule that must still fail it."""
    if kind == "fail-on":
        hook = f"https://hooks.slack.com/services/T0AB12CD3/B0AB12CD3/{token[-24:]}"
        return {"app.py": f'HOOK = "{hook}"\n'}, "secrets.slack-webhook"
    return {"app.py": f'T = "{token}"\n'}, "secrets.github-token"


KINDS = list(weakenings("x"))


def _pr(rt: Runtime, base_files: dict[str, str], pr_files: dict[str, str]) -> Any:
    base = rt.ws.commit("base", {"launchready.yml": MANIFEST, **base_files})
    rt.ws.set_remote_ref("main", base)
    head = rt.ws.commit("change", pr_files)
    return rt.run(
        "pull_request",
        pr_event(base, head),
        inputs={"LAUNCHGATE_JSON_FILE": "launchgate.json", "LAUNCHGATE_CHECKS": "secrets"},
    )


@pytest.mark.parametrize("kind", KINDS)
def test_a_pull_request_that_weakens_its_own_gate_still_fails(tmp_path: Path, kind: str) -> None:
    rt = Runtime(tmp_path)
    token = github_token()
    files, rule = leak(kind, token)
    run = _pr(rt, {}, {**files, **weakenings(token)[kind]})
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-2000:]
    report = json.loads((rt.ws.path / "launchgate.json").read_text())
    assert rule in {f["rule"] for f in report["findings"]}
    assert any("changes the gate's policy" in m for m in run.messages("notice")), run.stdout
    assert token not in run.stdout.replace(f"::add-mask::{token}", "")


@pytest.mark.parametrize("kind", ["baseline", "suppression", "allowlist-pack"])
def test_the_same_policy_already_on_the_base_branch_is_honoured(tmp_path: Path, kind: str) -> None:
    rt = Runtime(tmp_path)
    token = github_token()
    policy = weakenings(token)[kind]
    run = _pr(rt, policy, {"app.py": f'T = "{token}"\n'})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert not any("changes the gate's policy" in m for m in run.messages("notice"))

"""On a pull request, the gate's policy comes from the branch it merges into, not from the PR.

A pull request must not be able to weaken its own gate: lower ``fail_on``, suppress or baseline
its own finding, exclude its own path, disable a check, add an allowlist rule or point smoke and
perf at another host. So for ``pull_request`` and ``merge_group`` the policy keys of the manifest,
and the files it names (baselines, rule packs), are read from the base commit
(``git show BASE:path``); the rest of the manifest (what the app needs) is the PR's. What the PR
changes in its policy takes effect after merge, and a notice says so.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from launchgate.action.gitrepo import FETCH_HINT, ActionError, Git
from launchgate.manifest import Manifest, ManifestError, parse_manifest
from launchgate.secretscan.baseline import DEFAULT_BASELINE, DETECT_SECRETS_BASELINE

# Top-level manifest keys that decide how strict the gate is, rather than what the app needs.
POLICY_KEYS = ("fail_on", "suppress", "checks", "rules", "secrets", "environments", "state_dir")


@dataclass(frozen=True)
class BasePolicy:
    manifest: Manifest  # the PR's manifest with the base's policy keys
    policy_dir: Path  # base versions of the files the policy names, by their manifest paths
    changed: tuple[str, ...]  # policy keys and files the PR changes (effective after merge)


def _show(git: Git, rev: str, path: str) -> str | None:
    """The file at ``rev``, None when it did not exist there; an unreadable base is an error."""
    done = git.run("show", f"{rev}:{path}")
    if done.returncode == 0:
        return done.stdout
    if git.has_commit(rev):
        return None  # the commit is here; the file is not in it
    raise ActionError(
        f"cannot read the base commit {rev[:12]} to take the gate's policy from it; {FETCH_HINT}"
    )


def _repo_path(git: Git, path: Path) -> str:
    top = git.toplevel()
    if top is None:
        raise ActionError(
            "the policy of a pull request is read from git, but this is no repository"
        )
    return PurePosixPath(path.resolve().relative_to(top.resolve())).as_posix()


def base_policy(git: Git, base: str, manifest: Manifest) -> BasePolicy:
    """``manifest`` with the policy of ``base``; the named files materialised in a temp dir."""
    manifest_path = _repo_path(git, manifest.path)
    text = _show(git, base, manifest_path)
    base_data: Mapping[str, Any] = {"version": 1}
    if text is not None:
        # An invalid base manifest has no policy to give: the strict defaults apply.
        with contextlib.suppress(ManifestError):
            base_data = parse_manifest(text, manifest.path, f"{manifest_path} at {base[:12]}").data
    merged = {k: v for k, v in manifest.data.items() if k not in POLICY_KEYS}
    merged.update({k: v for k, v in base_data.items() if k in POLICY_KEYS})
    policy_dir = Path(tempfile.mkdtemp(prefix="launchgate-policy-"))
    atexit.register(shutil.rmtree, policy_dir, ignore_errors=True)
    prefix = PurePosixPath(manifest_path).parent
    changed = [k for k in POLICY_KEYS if manifest.data.get(k) != base_data.get(k)]

    def materialise(relative: str) -> str:
        """The base version of a manifest-relative file, as an absolute path (may not exist)."""
        target = policy_dir / relative
        content = _show(git, base, (prefix / relative).as_posix())
        if content is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        if _read(manifest.root / relative) != content:
            changed.append(relative)
        return str(target)

    secrets = dict(merged.get("secrets") or {})
    secrets["baseline"] = materialise(str(secrets.get("baseline") or DEFAULT_BASELINE))
    materialise(DETECT_SECRETS_BASELINE)
    merged["secrets"] = secrets
    rules = dict(merged.get("rules") or {})
    if rules.get("packs"):
        rules["packs"] = [materialise(str(p)) for p in rules["packs"]]
        merged["rules"] = rules
    return BasePolicy(manifest.with_data(merged), policy_dir, tuple(dict.fromkeys(changed)))


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def describe(policy: BasePolicy, base: str) -> str | None:
    """The notice for a PR that changes the gate's policy, or None."""
    if not policy.changed:
        return None
    return (
        f"this pull request changes the gate's policy ({', '.join(policy.changed)}); the gate "
        f"uses the base branch's ({base[:12]}) until it is merged"
    )

"""The few git questions the Action asks: ownership, shallowness, and which commits an event added.

The Actions workspace belongs to the runner's user, not to the container's root, so git refuses
it ("dubious ownership") unless ``safe.directory`` allows it. The Docker image sets that in the
system config; outside the image we allow the one repository through ``GIT_CONFIG_COUNT`` in our
own environment, which every git the checks start inherits.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

from launchgate.action.plan import CommitRange

FETCH_HINT = "set `fetch-depth: 0` on actions/checkout so the history can be scanned"


class ActionError(Exception):
    """The Action cannot do what the event asks; the message tells the user how to fix it."""


@dataclass(frozen=True)
class Resolved:
    """What the secrets check gets: a ``BASE..HEAD`` range (``..HEAD``: all the head carries)."""

    since: str | None
    history: bool | None
    note: str | None = None


class Git:
    """Runs git in one directory, never prompting and never touching the network."""

    def __init__(self, cwd: Path, env: MutableMapping[str, str] | None = None) -> None:
        self.cwd = cwd
        self.env = os.environ if env is None else env

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**self.env, "GIT_TERMINAL_PROMPT": "0"}
        try:
            return subprocess.run(
                ["git", *args], cwd=self.cwd, env=env, capture_output=True, text=True, check=False
            )
        except FileNotFoundError:
            raise ActionError("git is not installed in this environment") from None

    def ok(self, *args: str) -> bool:
        return self.run(*args).returncode == 0

    def allow_ownership(self) -> str | None:
        """If git refuses the repository for its owner, trust that one path; returns it."""
        probe = self.run("rev-parse", "--is-inside-work-tree")
        if probe.returncode == 0 or "dubious ownership" not in probe.stderr:
            return None
        found = re.search(r"repository at '([^']+)'", probe.stderr)
        path = found.group(1) if found else "*"
        count = int(self.env.get("GIT_CONFIG_COUNT", "0") or "0")
        self.env[f"GIT_CONFIG_KEY_{count}"] = "safe.directory"
        self.env[f"GIT_CONFIG_VALUE_{count}"] = path
        self.env["GIT_CONFIG_COUNT"] = str(count + 1)
        return path

    def is_repository(self) -> bool:
        return self.run("rev-parse", "--is-inside-work-tree").stdout.strip() == "true"

    def toplevel(self) -> Path | None:
        """The repository's top-level directory, or None outside a repository."""
        done = self.run("rev-parse", "--show-toplevel")
        return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository").stdout.strip() == "true"

    def has_commit(self, rev: str) -> bool:
        return self.ok("cat-file", "-e", f"{rev}^{{commit}}")

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.ok("merge-base", "--is-ancestor", older, newer)

    def merge_base(self, a: str, b: str) -> str | None:
        done = self.run("merge-base", a, b)
        if done.returncode != 0:
            return None
        return done.stdout.strip() or None


def require_history(git: Git) -> None:
    """History is needed: refuse a missing repository or a shallow clone with the fix."""
    if not git.is_repository():
        raise ActionError(
            f"{git.cwd} is not a git repository; add actions/checkout before launchgate and "
            + FETCH_HINT
        )
    if git.is_shallow():
        raise ActionError(
            f"the checkout is a shallow clone, so past commits cannot be scanned; {FETCH_HINT}"
        )


def resolve_range(git: Git, commits: CommitRange) -> Resolved:
    """Turn an event's ``base..head`` into a range git can walk.

    A force-push's old ``base`` may be absent or unrelated; a new branch has no base at all. Then
    the merge base with a fallback ref (the default branch) starts the range, and with none (a
    first push, an orphan branch) the head's whole history is scanned down to the root commit.
    """
    head = commits.head
    if not git.has_commit(head):
        raise ActionError(f"commit {head[:12]} is not in the checkout; {FETCH_HINT}")
    base = commits.base
    if base and git.has_commit(base):
        if git.is_ancestor(base, head):
            return Resolved(f"{base}..{head}", None)
        return Resolved(
            f"{base}..{head}",
            None,
            f"{base[:12]} is not an ancestor of {head[:12]} (force-push): scanning the commits "
            f"of {head[:12]} that {base[:12]} does not have",
        )
    if not base:
        why = "no previous commit (new branch)"
    elif commits.forced:
        why = f"force-push: the previous head {base[:12]} is not in the checkout"
    else:
        why = f"{base[:12]} is not in the checkout (an unfetched base)"
    for ref in commits.fallback_refs:
        if not git.has_commit(ref):
            continue
        start = git.merge_base(ref, head)
        if start:
            short = ref.removeprefix("refs/remotes/")
            return Resolved(
                f"{start}..{head}", None, f"{why}: scanning from the merge base with {short}"
            )
    # "..HEAD" (no base): every commit the head carries, down to its root commit, and nothing
    # from unrelated refs that happen to be fetched.
    tried = ", ".join(r.removeprefix("refs/remotes/") for r in commits.fallback_refs)
    because = f" and no common ancestor with {tried}" if tried else ""
    return Resolved(
        f"..{head}",
        None,
        f"{why}{because}: scanning the full history of {head[:12]} down to the root commit",
    )

"""The repository a secrets scan reads: what kind it is, its commits, and git run predictably.

Every git the scan starts goes through :func:`git_prefix` and :func:`git_env`, so the user's
config and environment (pagers, locales, lazy fetches of a partial clone, pathspec magic) never
change what the scan reads.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from launchgate import children


class GitError(Exception):
    """git failed in a way the user must hear about (message is for people)."""


def git_env() -> dict[str, str]:
    """Deterministic git: C locale, no prompts, no pager, no lazy fetch of missing objects."""
    env = dict(os.environ)
    env.update(
        LC_ALL="C",
        LANG="C",
        GIT_TERMINAL_PROMPT="0",
        GIT_PAGER="cat",
        GIT_NO_LAZY_FETCH="1",
        GIT_OPTIONAL_LOCKS="0",
    )
    for name in ("GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS"):
        env.pop(name, None)  # our exclude pathspecs use magic; the user's env must not disable it
    env.pop("GIT_ICASE_PATHSPECS", None)
    return env


def git_prefix(promisor: str | None = None) -> list[str]:
    """``git`` plus config that makes output parseable whatever the user's config says."""
    args = [
        "git",
        "-c",
        "core.quotePath=true",
        "-c",
        "diff.noprefix=false",
        "-c",
        "log.showSignature=false",
        "-c",
        "diff.external=",
    ]
    if promisor:
        # Partial clone: never fetch missing objects during a scan; they are skipped and counted.
        args += ["-c", f"remote.{promisor}.url=file:///nonexistent/launchgate-no-lazy-fetch"]
    return args


def exclude_pathspecs(patterns: Sequence[str]) -> list[str]:
    """The manifest's ``exclude`` globs as git pathspecs, so git never even reads those files.

    Each pathspec excludes a subset of what :func:`launchgate.secretscan.tree.excluded` does (a
    git glob's ``*`` stops at ``/``; fnmatch's does not), so filtering the results again in Python
    keeps tree, history and staged scopes in exact agreement.
    """
    out: list[str] = []
    for raw in patterns:
        pattern = raw.strip()
        while pattern.startswith("./"):
            pattern = pattern[2:]
        pattern = pattern.rstrip("/")
        if not pattern or pattern in {"*", "**"}:
            continue  # excluding everything is surely a mistake; the Python filter still applies
        if "/" not in pattern:
            pattern = "**/" + pattern  # a bare name matches at any depth
        out.append(f":(exclude,glob){pattern}")
        if not pattern.endswith("/**"):
            out.append(f":(exclude,glob){pattern}/**")  # and everything under such a directory
    return out


def stream_git(
    root: Path, args: Sequence[str], stdin: bytes | None, read: Callable[[int], None]
) -> str | None:
    """Run ``args`` (a whole git command line) and hand its output pipe to ``read``; git's
    last error line if it failed, else None. ``stdin`` is written whole first: git reads every
    revision from stdin before it writes anything, so that cannot block."""
    with tempfile.TemporaryFile() as err:
        proc = children.spawn(
            args,
            cwd=root,
            env=git_env(),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
        )
        assert proc.stdout is not None
        if proc.stdin is not None:
            proc.stdin.write(stdin or b"")
            proc.stdin.close()
        try:
            read(proc.stdout.fileno())
        finally:
            proc.stdout.close()
            code = proc.wait()
            children.release(proc)
        if code == 0:
            return None
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"git exited with {code}"


def run_git(
    root: Path, *args: str, input_: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*git_prefix(), *args],
        cwd=root,
        env=git_env(),
        input=input_,
        capture_output=True,
        check=False,
    )


@dataclass(frozen=True)
class RepoInfo:
    """What kind of repository we are scanning."""

    toplevel: Path
    shallow: bool
    promisor: str | None  # partial clone: the remote that holds the missing objects
    has_commits: bool
    bare: bool = False  # a bare or mirror clone: history only, there is no working tree


def inspect_repo(root: Path) -> RepoInfo | None:
    """None when ``root`` is neither inside a work tree nor a bare repository."""
    proc = run_git(root, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    bare = False
    if proc.returncode == 0:
        lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
        toplevel = Path(lines[0])
    else:
        # A bare or mirror clone (`git clone --mirror`, the usual way to audit a whole remote).
        proc = run_git(root, "rev-parse", "--is-bare-repository", "--is-shallow-repository")
        lines = proc.stdout.decode().splitlines()
        if proc.returncode != 0 or not lines or lines[0].strip() != "true":
            return None
        toplevel, bare = root, True
    shallow = len(lines) > 1 and lines[1].strip() == "true"
    return RepoInfo(toplevel, shallow, promisor_remote(root), _has_commits(root), bare)


def _has_commits(root: Path) -> bool:
    """HEAD is a commit, or some ref leads to one. Asked in that order: ``rev-list -n1 --all``
    sorts every ref's commit by date (0.15 s on a clone with 3,700 refs)."""
    if run_git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").returncode == 0:
        return True
    return bool(run_git(root, "rev-list", "-n1", "--all").stdout.strip())


def promisor_remote(root: Path) -> str | None:
    """The remote a partial clone would fetch missing objects from, if this is one.

    Older clones name it in ``extensions.partialClone``; git 2.2x+ marks the remote itself
    (``remote.origin.promisor=true``, next to its ``partialclonefilter``).
    """
    named = run_git(root, "config", "--get", "extensions.partialClone").stdout.decode().strip()
    if named:
        return named
    marked = run_git(root, "config", "--bool", "--get-regexp", r"^remote\..*\.promisor$")
    for line in marked.stdout.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        if value.strip() == "true":
            return key[len("remote.") : -len(".promisor")]
    return None


def count_missing_objects(root: Path, revs: Sequence[str], promisor: str | None) -> int:
    """Objects reachable from ``revs`` that this clone does not have (never fetches them)."""
    proc = subprocess.run(
        [*git_prefix(promisor), "rev-list", "--objects", "--missing=print", *revs, "--"],
        cwd=root,
        env=git_env(),
        capture_output=True,
        check=False,
    )
    return sum(1 for line in proc.stdout.splitlines() if line.startswith(b"?"))


def list_commits(root: Path, revs: Sequence[str]) -> list[str]:
    """Commits reachable from ``revs`` (e.g. ``--all`` or ``base..head``), newest first.

    ``--all`` reaches only the newest stash entry (``refs/stash``); the older ones live in its
    reflog, and a stashed secret is as present in the clone as a committed one: added too.
    """
    if "--all" in revs:
        revs = [*revs, *stash_entries(root)]
    proc = run_git(root, "rev-list", *revs, "--")
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else "git rev-list failed")
    return proc.stdout.decode().split()


def merge_commits(root: Path, commits: Sequence[str]) -> set[str]:
    """Which of ``commits`` are merges (more than one parent); none if git cannot say."""
    proc = run_git(
        root,
        "rev-list",
        "--no-walk=unsorted",
        "--stdin",
        "--merges",
        input_="".join(f"{c}\n" for c in commits).encode(),
    )
    return set(proc.stdout.decode().split()) if proc.returncode == 0 else set()


def stash_entries(root: Path) -> list[str]:
    """Every stash entry's commit (``git stash list``), newest first; none without a stash."""
    proc = run_git(root, "reflog", "show", "--format=%H", "refs/stash", "--")
    return proc.stdout.decode().split() if proc.returncode == 0 else []

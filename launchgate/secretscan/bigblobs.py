"""History's per-file cap: files over ``secrets.max_file_bytes`` are kept out of ``git log -p``.

git loads both sides of a file into memory to diff it, even to print ``Binary files ... differ``
for a new file, so one 100 MB blob in history cost its size in git and (as text) its size again
through the patch stream. Here the oversized blobs are found first, from object headers alone
(``git cat-file --batch-all-objects --batch-check``: no blob is read), and only when there are
any does one more ``git log --raw --find-object`` pass name the commits and paths that touch
them. Those commits are then scanned with those paths excluded, and each oversized version is
reported (never silently dropped); a small file that replaced an oversized one is read back by
id and scanned whole, since git cannot diff it against what it replaced without loading that.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from launchgate import children
from launchgate.secretscan.gitrepo import git_env, git_prefix
from launchgate.secretscan.gitwalk import RAW_LOG, CommitMeta

_FIND_CHUNK = 2000  # --find-object arguments per git run (the command line has a limit)


@dataclass(frozen=True)
class BigFile:
    """One version of a file over the cap, added in ``commit`` at ``path`` (in history; or
    ``where`` else: staged changes, a tag)."""

    commit: str
    path: str
    blob: str
    size: int
    where: str = "history"


@dataclass
class BigPlan:
    """What the per-file cap changes in a history scan."""

    too_large: list[BigFile] = field(default_factory=list)
    # commit -> raw paths git must leave out of that commit's patch
    skip: dict[str, set[str]] = field(default_factory=dict)
    # (commit, path, blob) of small files that replaced an oversized one: scanned whole, by id
    whole: dict[tuple[str, str, str], None] = field(default_factory=dict)
    # who wrote the commits named here (a commit left with nothing to diff never shows in log)
    metas: dict[str, CommitMeta] = field(default_factory=dict)

    def groups(self) -> Iterator[tuple[list[str], list[str]]]:
        """(commits, paths to exclude): commits that leave out the same paths run together."""
        by_paths: dict[tuple[str, ...], list[str]] = {}
        for commit, skipped in self.skip.items():
            by_paths.setdefault(tuple(sorted(skipped)), []).append(commit)
        for paths, commits in by_paths.items():
            yield commits, list(paths)


def literal_excludes(paths: Iterable[str]) -> list[str]:
    """Pathspecs that leave out exactly these paths (no glob: a name may hold ``*`` or ``[``)."""
    return [f":(exclude,literal){p}" for p in paths]


def oversized_blobs(root: Path, cap: int, promisor: str | None = None) -> dict[str, int]:
    """Every blob in the object store larger than ``cap`` bytes, with its size.

    Streamed line by line: a store of millions of objects costs one line at a time, and only
    object headers are read (a 100 MB blob is never inflated)."""
    args = [
        *git_prefix(promisor),
        "cat-file",
        "--batch-all-objects",
        "--unordered",
        "--batch-check=%(objecttype) %(objectsize) %(objectname)",
    ]
    out: dict[str, int] = {}
    proc = children.spawn(
        args, cwd=root, env=git_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            parts = line.split()  # "<id> missing" for a corrupt object: history reports it
            if len(parts) == 3 and parts[0] == b"blob" and int(parts[1]) > cap:
                out[parts[2].decode()] = int(parts[1])
    finally:
        proc.stdout.close()
        proc.wait()
        children.release(proc)
    return out


def plan_big_files(
    root: Path,
    commits: Sequence[str],
    cap: int,
    promisor: str | None = None,
    pathspecs: Sequence[str] = (),
) -> BigPlan:
    """Which of ``commits`` touch a blob over ``cap``, and what to do about each."""
    plan = BigPlan()
    big = oversized_blobs(root, cap, promisor)
    if not big or not commits:
        return plan
    stdin = "".join(f"{c}\n" for c in commits).encode()
    names = sorted(big)
    for i in range(0, len(names), _FIND_CHUNK):
        finds = [f"--find-object={n}" for n in names[i : i + _FIND_CHUNK]]
        args = [
            *git_prefix(promisor),
            *RAW_LOG,
            "-m",  # a merge is diffed against each parent: what it brings in is named too
            "--no-renames",
            *finds,
            *(["--", *pathspecs] if pathspecs else []),
        ]
        proc = subprocess.run(
            args, cwd=root, env=git_env(), input=stdin, capture_output=True, check=False
        )
        for meta, old, new, path in _raw_entries(proc.stdout):
            plan.metas[meta.sha] = meta
            _place(plan, big, meta.sha, old, new, path)
    return plan


def plan_staged(root: Path, cap: int, pathspecs: Sequence[str] = ()) -> BigPlan:
    """:func:`plan_big_files` for the index (``--staged``): only the staged blobs are sized."""
    args = [*git_prefix(), "diff", "--cached", "--raw", "-z", "--no-renames", "--no-abbrev"]
    proc = subprocess.run(
        [*args, *(["--", *pathspecs] if pathspecs else [])],
        cwd=root,
        env=git_env(),
        capture_output=True,
        check=False,
    )
    entries = list(_raw_entries(proc.stdout))
    ids = {blob for _meta, old, new, _path in entries for blob in (old, new) if blob.strip("0")}
    big = {blob: size for blob, size in blob_sizes(root, ids).items() if size > cap}
    plan = BigPlan()
    for meta, old, new, path in entries:
        _place(plan, big, meta.sha, old, new, path, "staged changes")
    return plan


def blob_sizes(root: Path, ids: Iterable[str]) -> dict[str, int]:
    """Sizes of the objects ``ids`` from their headers (missing ones are left out)."""
    proc = subprocess.run(
        [*git_prefix(), "cat-file", "--batch-check=%(objectname) %(objectsize)"],
        cwd=root,
        env=git_env(),
        input="".join(f"{i}\n" for i in ids).encode(),
        capture_output=True,
        check=False,
    )
    out: dict[str, int] = {}
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            out[parts[0].decode()] = int(parts[1])
    return out


def _raw_entries(data: bytes) -> Iterator[tuple[CommitMeta, str, str, bytes]]:
    """(commit, old blob, new blob, raw path) from ``git log --raw -z`` in ``LOG_FORMAT``."""
    commit = CommitMeta("", "", "", "")
    tokens = iter(data.split(b"\0"))
    for token in tokens:
        token = token.lstrip(b"\n")
        if token.startswith(b"\x01"):
            parts = [*token[1:].decode("utf-8", "replace").split("\x1f"), "", "", ""]
            commit = CommitMeta(parts[0], parts[1], parts[2], parts[3])
        elif token.startswith(b":"):
            fields = token.split()
            path = next(tokens, b"")
            if len(fields) >= 4:
                yield commit, fields[2].decode(), fields[3].decode(), path


def _place(
    plan: BigPlan,
    big: dict[str, int],
    commit: str,
    old: str,
    new: str,
    raw: bytes,
    where: str = "history",
) -> None:
    path = raw.decode("utf-8", "surrogateescape")
    if new in big:
        shown = raw.decode("utf-8", "backslashreplace")
        plan.too_large.append(BigFile(commit, shown, new, big[new], where))
    elif old in big and new.strip("0"):  # not a deletion (all zeros, SHA-1 or SHA-256)
        # a dict: a merge names the same file once per parent, it is scanned once
        plan.whole[(commit, raw.decode("utf-8", "backslashreplace"), new)] = None
    elif old not in big:
        return
    plan.skip.setdefault(commit, set()).add(path)

"""Which file versions a history holds: for each blob, the paths it was added at, and when.

One ``git log --raw`` over the commits (no content is read: object ids only) names the blob
each commit added at each path. Merges are listed against their first parent: a version a
merge made (a conflict resolved by hand) differs from that parent, and one it brought in from
another branch was added there first, so its oldest commit is on that branch anyway.

Only the oldest commit is kept per (blob, path): a finding names the commit that introduced a
secret, and git lists commits newest first. The listing is held in memory (~300 bytes a version),
so past ``MAX_VERSIONS`` it stops and says so, and the caller reads patches instead, whose
memory does not grow with the history.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from launchgate.secretscan.gitrepo import git_prefix, stream_git
from launchgate.secretscan.gitwalk import RAW_LOG, CommitMeta

_READ = 1 << 20
_GITLINK = b"160000"  # a submodule's commit, not a blob
MAX_VERSIONS = 500_000  # ~150 MB of listing; flask's whole history holds 15,133


@dataclass
class Versions:
    """The blobs ``commits`` added, each with ``{path: index of its oldest commit}``."""

    commits: list[bytes] = field(default_factory=list)  # each commit's LOG_FORMAT header
    added: dict[str, dict[str, int]] = field(default_factory=dict)
    submodule_changes: int = 0
    failed: str | None = None  # git's error: the listing is incomplete

    def meta(self, index: int) -> CommitMeta:
        parts = [*self.commits[index].decode("utf-8", "replace").split("\x1f"), "", "", ""]
        return CommitMeta(parts[0], parts[1], parts[2], parts[3])


def list_versions(
    root: Path,
    commits: Sequence[str],
    pathspecs: Sequence[str] = (),
    limit: int = MAX_VERSIONS,
) -> Versions:
    """The versions ``commits`` added (``pathspecs`` leave excluded files out); ``failed``
    says why when git could not list them all, or there were more than ``limit``."""
    args = [
        *git_prefix(),
        *RAW_LOG,
        "--no-renames",
        "--diff-merges=first-parent",
        *(["--", *pathspecs] if pathspecs else []),
    ]
    out = Versions()
    stdin = "".join(f"{c}\n" for c in commits).encode()
    failed = stream_git(root, args, stdin, lambda fd: _collect(_tokens(fd), out, limit))
    out.failed = out.failed or failed
    return out


def _tokens(fd: int) -> Iterator[bytes]:
    """The NUL-separated fields of git's output, read in chunks (never all at once)."""
    pending = b""
    while True:
        data = os.read(fd, _READ)
        if not data:
            break
        parts = (pending + data).split(b"\0")
        pending = parts.pop()
        yield from parts
    if pending:
        yield pending


def _collect(tokens: Iterator[bytes], out: Versions, limit: int) -> None:
    """Fill ``out`` from ``--raw -z`` fields: a header, then ``:meta`` and path pairs; stop
    past ``limit`` versions (git then ends on a closed pipe).

    A path always follows its ``:meta`` field, so a file named ``:x`` or ``\\x01x`` is never
    taken for either. A path is decoded once and shared by all its versions."""
    index = -1
    names: dict[bytes, str] = {}
    for token in tokens:
        token = token.lstrip(b"\n")
        if token.startswith(b"\x01"):
            out.commits.append(token[1:])
            index += 1
        elif token.startswith(b":"):
            path = next(tokens, b"")
            fields = token[1:].split()
            if len(fields) < 5 or index < 0 or fields[4].startswith(b"D"):
                continue
            if fields[1] == _GITLINK:
                out.submodule_changes += 1
                continue
            blob = fields[3].decode()
            if not blob.strip("0"):
                continue
            name = names.get(path)
            if name is None:
                name = names[path] = path.decode("utf-8", "backslashreplace")
            # newest first, so a later line is an older commit
            out.added.setdefault(blob, {})[name] = index
            if len(out.added) > limit:
                out.failed = f"more than {limit:,} file versions: read as patches instead"
                return

"""Text git keeps besides files: commit messages, tag annotations and blobs tagged directly.

A token pasted into a commit message ("fix: rotate ghp_…"), an annotated tag's message, or a
file stored as a tag's target rather than in any commit (``git tag keys $(git hash-object -w
id_rsa)``) is in every clone, but ``git log -p`` shows none of them. Messages come from one
``git log --format`` run over the scanned commits; tags from ``git for-each-ref``. A message's
hit has the commit and an empty path; a tag's has the tag's ref name as its path.
"""

from __future__ import annotations

import dataclasses
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from launchgate.secretscan.bigblobs import BigFile
from launchgate.secretscan.blobs import scan_blobs
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitrepo import git_env, git_prefix, run_git
from launchgate.secretscan.gitwalk import CommitMeta, RawHit
from launchgate.secretscan.tree import FileHit, TreeResult, scan_buffer

_RECORD = b"\x01"
_FIELD = b"\x1f"
_MESSAGE_FORMAT = "--format=%x01%H%x1f%an%x1f%ae%x1f%aI%x1f%B"
_TAG_FORMAT = (
    "%1e%(objecttype)%1f%(objectname)%1f%(*objecttype)%1f%(*objectname)%1f%(refname)"
    "%1f%(taggername)%1f%(taggeremail:trim)%1f%(taggerdate:iso-strict)%1f%(contents)"
)


@dataclass
class MetaResult:
    hits: list[RawHit] = field(default_factory=list)
    metas: dict[str, CommitMeta] = field(default_factory=dict)
    messages: int = 0
    tags: int = 0
    too_large: list[BigFile] = field(default_factory=list)  # tagged blobs over the cap


class MessageLog:
    """``git log`` of the commits' messages, started at once and written to a temporary file,
    so git runs beside the patch scan; :meth:`scan` waits for it and reads the messages."""

    def __init__(self, root: Path, commits: Sequence[str], promisor: str | None = None) -> None:
        self._out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by scan() or close()
        self._proc = subprocess.Popen(
            [*git_prefix(promisor), "log", "--no-walk=unsorted", "--stdin", _MESSAGE_FORMAT],
            cwd=root,
            env=git_env(),
            stdin=subprocess.PIPE,
            stdout=self._out,
            stderr=subprocess.DEVNULL,
        )
        assert self._proc.stdin is not None
        # git reads every revision before it writes anything: this cannot block.
        self._proc.stdin.write("".join(f"{c}\n" for c in commits).encode())
        self._proc.stdin.close()

    def scan(self, detector: Detector) -> MetaResult:
        """Secrets in the messages (only messages with a keyword are read)."""
        self._proc.wait()
        with self._out:
            self._out.seek(0)
            return scan_messages(self._out.read(), detector)

    def close(self) -> None:
        """Give up (the scan failed): stop git and drop its output."""
        self._proc.kill()
        self._proc.wait()
        self._out.close()


def scan_messages(data: bytes, detector: Detector) -> MetaResult:
    """Secrets in ``git log`` output in the ``_MESSAGE_FORMAT``."""
    out = MetaResult()
    out.messages = data.count(_RECORD)
    done = -1
    for pos in detector.candidates(data):
        if pos < done:
            continue  # this commit's message was read already
        begin = data.rfind(_RECORD, 0, pos)
        end = data.find(_RECORD, pos)
        done = len(data) if end < 0 else end
        parts = data[begin + 1 : done].split(_FIELD, 4)
        if begin < 0 or len(parts) < 5:
            continue
        sha, author, email, date = (p.decode("utf-8", "replace") for p in parts[:4])
        meta = CommitMeta(sha, author, email, date)
        for hit in _scan_text(parts[4], "", detector):
            out.hits.append(RawHit(sha, "", hit.line, hit.column, hit.rule, hit.value))
            out.metas[sha] = meta
    return out


def scan_tags(root: Path, detector: Detector, max_bytes: int) -> MetaResult:
    """Secrets in annotated tags' messages and in blobs a tag points at."""
    out = MetaResult()
    listing = run_git(root, "for-each-ref", f"--format={_TAG_FORMAT}", "refs/tags").stdout
    blobs: list[tuple[str, str, str]] = []
    for record in listing.split(b"\x1e")[1:]:
        fields = record.split(_FIELD, 8)
        if len(fields) < 9:
            continue
        kind, ident, peeled_kind, peeled, ref, tagger, email, date = (
            f.decode("utf-8", "replace") for f in fields[:8]
        )
        out.tags += 1
        if kind == "blob":
            blobs.append(("", ref, ident))
        if kind != "tag":
            continue
        meta = CommitMeta(ident, tagger, email, date)
        if peeled_kind == "blob":
            blobs.append((ident, ref, peeled))
            out.metas[ident] = meta
        for hit in _scan_text(fields[8], ref, detector):
            out.hits.append(RawHit(ident, ref, hit.line, hit.column, hit.rule, hit.value))
            out.metas[ident] = meta
    found = scan_blobs(root, blobs, detector, max_bytes)
    out.hits.extend(found.hits)
    out.too_large = [dataclasses.replace(big, where="tags") for big in found.too_large]
    return out


def _scan_text(data: bytes, path: str, detector: Detector) -> list[FileHit]:
    found = TreeResult()
    scan_buffer(data, path, detector, found)
    return found.hits

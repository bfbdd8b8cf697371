"""Files git calls binary in history, read back by blob id: UTF-16 and stray-NUL text is scanned.

``git log -p`` prints ``Binary files ... differ`` for any file with a NUL in its first 8 KB, so a
UTF-16 ``.env`` committed from Windows never showed a line. The patch scan notes each such
file's new blob; here ``git cat-file --batch`` streams them back (one process, blob by blob,
never all in memory), :mod:`~launchgate.secretscan.textsniff` decides what is text, and that
text is scanned as a whole file in the commit that wrote it.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from launchgate.secretscan.bigblobs import BigFile
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitrepo import git_env, git_prefix
from launchgate.secretscan.gitwalk import RawHit
from launchgate.secretscan.textsniff import as_text
from launchgate.secretscan.tree import TreeResult, scan_buffer

_SKIP_CHUNK = 1 << 20


@dataclass
class BlobResult:
    hits: list[RawHit] = field(default_factory=list)
    text_files: int = 0  # "binary" to git, text to us: scanned
    unreadable: int = 0  # missing from this clone (partial clone, damage)
    too_large: list[BigFile] = field(default_factory=list)  # over the per-file cap: not scanned


def scan_blobs(
    root: Path,
    blobs: Sequence[tuple[str, str, str]],
    detector: Detector,
    max_bytes: int,
    promisor: str | None = None,
) -> BlobResult:
    """Scan each ``(commit, path, blob)`` whose blob is text after all."""
    out = BlobResult()
    where: dict[str, list[tuple[str, str]]] = {}
    for commit, path, blob in blobs:
        where.setdefault(blob, []).append((commit, path))
    if not where:
        return out
    with cat_blobs(root, list(where), promisor) as stream:
        for blob, places in where.items():
            header = stream.readline().split()
            if len(header) != 3 or header[1] != b"blob":
                out.unreadable += 1  # "<id> missing"
                continue
            size = int(header[2])
            if size > max_bytes:
                _skip(stream, size + 1)
                out.too_large += [BigFile(c, p, blob, size) for c, p in places]
                continue
            data = stream.read(size + 1)[:size]
            text = as_text(data)
            if text is None:
                continue
            out.text_files += 1
            _scan_places(text, places, detector, out)
    return out


@contextmanager
def cat_blobs(root: Path, ids: list[str], promisor: str | None = None) -> Iterator[IO[bytes]]:
    """``git cat-file --batch`` answering ``ids`` in order: ``<id> blob <size>``, the bytes and
    a newline each (``<id> missing`` for one this clone lacks). The ids are fed from a thread."""
    proc = subprocess.Popen(
        [*git_prefix(promisor), "cat-file", "--batch"],
        cwd=root,
        env=git_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    writer = threading.Thread(target=write_ids, args=(proc.stdin, ids), daemon=True)
    writer.start()
    try:
        yield proc.stdout
    finally:
        proc.stdout.close()
        writer.join()
        proc.wait()


def write_ids(stdin: IO[bytes], ids: list[str]) -> None:
    """Feed ids from a thread: git answers as it reads, and both pipes must keep moving."""
    try:
        for blob in ids:
            stdin.write(f"{blob}\n".encode())
        stdin.close()
    except OSError:  # git stopped early; the reader sees it
        return


def _skip(stream: IO[bytes], n: int) -> None:
    while n > 0:
        got = stream.read(min(n, _SKIP_CHUNK))
        if not got:
            return
        n -= len(got)


def _scan_places(
    text: bytes, places: list[tuple[str, str]], detector: Detector, out: BlobResult
) -> None:
    by_path: dict[str, list[str]] = {}
    for commit, path in places:
        by_path.setdefault(path, []).append(commit)
    for path, commits in by_path.items():
        found = TreeResult()
        scan_buffer(text, path, detector, found)
        for hit in found.hits:
            for commit in commits:
                out.hits.append(RawHit(commit, path, hit.line, hit.column, hit.rule, hit.value))

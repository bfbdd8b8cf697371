"""Stream what every commit added, from real git, and find secrets in it without per-line Python.

``git log -p`` output is read as a stream (a reader thread keeps git running ahead) in ~1 MB
buffers. The detector's prefilter runs over each whole lowercased buffer; only at a candidate do
we work out its commit, file and line number, by walking back to the nearest commit, ``diff`` and
``@@`` markers since the previous candidate. History is split into shards of commits and each
shard runs its own ``git log --no-walk --stdin`` in a worker process, so git itself uses every core.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from launchgate.secretscan.detector import NEXTLINE_MARKER, Detector
from launchgate.secretscan.gitrepo import git_prefix, stream_git
from launchgate.secretscan.linetext import extend_value, following_lines
from launchgate.secretscan.patchstream import LineCuts, patch_buffers

_SEP = "\x1f"
LOG_FORMAT = "--format=%x01%H%x1f%an%x1f%ae%x1f%aI"
_HUNK = re.compile(rb"(@+) [^+]*\+(\d+)")
_NEXTLINE = NEXTLINE_MARKER.encode()


@dataclass(frozen=True)
class CommitMeta:
    sha: str
    author: str
    email: str
    date: str


@dataclass(frozen=True)
class RawHit:
    """One secret on one added line of one commit (values stay inside the scanner)."""

    commit: str
    path: str
    line: int
    column: int
    rule: str
    value: str


@dataclass
class BatchResult:
    hits: list[RawHit] = field(default_factory=list)
    metas: dict[str, CommitMeta] = field(default_factory=dict)
    commits_seen: list[str] = field(default_factory=list)
    added_lines: int = 0
    bytes_read: int = 0
    binary_files: int = 0
    submodule_changes: int = 0
    inline_suppressed: int = 0
    failed: str | None = None  # git's error when the batch stopped early
    cut_lines: int = 0  # lines longer than the per-line cap, read only up to it
    cut_bytes: int = 0  # what those lines held past the cap: not scanned
    # Files git showed as "Binary files ... differ": (commit, path, new blob id). They are
    # sniffed afterwards (see blobs.py): UTF-16 or a stray NUL is text to scan all the same.
    binary_blobs: list[tuple[str, str, str]] = field(default_factory=list)


_ESCAPES = {b"n": 10, b"t": 9, b'"': 34, b"\\": 92, b"a": 7, b"b": 8, b"f": 12, b"r": 13}


def unquote_path(raw: bytes) -> str:
    """git's C-style quoted path (``"caf\\303\\251.txt"``) back to text."""
    if not raw.startswith(b'"') or not raw.endswith(b'"'):
        return raw.decode("utf-8", "backslashreplace")
    body = raw[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        ch = body[i : i + 1]
        if ch == b"\\" and i + 1 < len(body):
            nxt = body[i + 1 : i + 2]
            if nxt.isdigit() and i + 3 < len(body) + 1:
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, nxt[0]))
            i += 2
            continue
        out += ch
        i += 1
    return bytes(out).decode("utf-8", "backslashreplace")


class PatchScanner:
    """Feeds on complete-line buffers of ``git log -p -U0`` output and records hits."""

    def __init__(self, detector: Detector, result: BatchResult) -> None:
        self.detector = detector
        self.result = result
        self.commit: CommitMeta | None = None
        self.path: str | None = None
        self.width = 1
        self.in_hunk = False
        self.line_no = 0

    def feed(self, data: bytes) -> None:
        buf = b"\n" + data
        res = self.result
        res.bytes_read += len(data)
        res.added_lines += buf.count(b"\n+") - buf.count(b"\n+++ ")
        res.binary_files += buf.count(b"\nBinary files ")
        res.submodule_changes += buf.count(b"\n+Subproject commit ")
        cur = 0
        le = -1
        starts: Iterable[int] = self.detector.candidates(buf)
        whole = self._whole_file_lines(buf)
        if whole:
            starts = heapq.merge(starts, whole)
        binaries = _binary_lines(buf) if res.binary_files else []
        for pos in starts:
            while binaries and binaries[-1] < pos:
                cur = self._binary(buf, cur, binaries.pop())
            if pos < le:
                continue  # another keyword on the line just seen (never search back again:
                # on one 20 MB line that made the scan quadratic)
            ls = buf.rfind(b"\n", 0, pos) + 1
            le = buf.find(b"\n", pos)
            if le < 0:
                le = len(buf)
            if buf[ls : ls + 1] != b"+":
                continue
            if _is_new_file_header(buf, ls):
                # "+++ b/config/secrets.yml" matched a keyword: it names the file, it adds
                # nothing. Leave the cursor before it so the header is parsed with its hunks.
                continue
            self._advance(buf, cur, ls - 1)
            cur = ls - 1
            if not self.in_hunk or self.path is None or self.commit is None:
                continue
            if self.width > 1 and buf[ls : ls + self.width] != b"+" * self.width:
                continue
            self._scan_line(buf, ls, le)
        while binaries:
            cur = self._binary(buf, cur, binaries.pop())
        self._advance(buf, cur, len(buf))

    def _whole_file_lines(self, buf: bytes) -> list[int]:
        """Starts of the lines added to files a keywordless rule reads whole (``.pgpass``,
        ``config/master.key``): found by their diff headers, not by keywords."""
        search = self.detector.file_search
        if search is None:
            return []
        out: list[int] = []
        if self.in_hunk and self.path is not None and self.detector.whole_file(self.path):
            out += _added_lines(buf, 0, _section_end(buf, 0))  # continued from the last buffer
        seen = -1
        for pos in search.starts(buf):
            ls = buf.rfind(b"\n", 0, pos) + 1
            if ls <= seen or not buf.startswith(b"diff --git ", ls):
                continue
            seen = ls
            end = _section_end(buf, ls)
            plus = buf.find(b"\n+++ ", ls, end)
            if plus < 0:
                continue
            nl = buf.find(b"\n", plus + 1, end)
            nl = end if nl < 0 else nl
            path = unquote_path(buf[plus + 5 : nl].removesuffix(b"\t"))
            if self.detector.whole_file(path[2:] if path.startswith("b/") else path):
                out += _added_lines(buf, nl, end)
        return sorted(out)

    def _binary(self, buf: bytes, cur: int, start: int) -> int:
        """Note the blob a ``Binary files`` line at ``start`` stands for; returns the cursor."""
        self._advance(buf, cur, start - 1)
        end = buf.find(b"\n", start)
        header = buf.rfind(b"\ndiff ", 0, start)
        index = _INDEX.search(buf, max(header, 0), start)
        blob = index.group(1).decode() if index is not None else ""
        if blob and not blob.strip("0"):
            self.result.binary_files -= 1  # a deletion: it adds nothing, so skips nothing
            return start - 1
        named = _BINARY_PATH.match(buf, start, end if end >= 0 else len(buf))
        if self.commit is not None and blob and named is not None:
            path = unquote_path(named.group(1))
            self.result.binary_blobs.append((self.commit.sha, path[2:], blob))
            self.result.metas.setdefault(self.commit.sha, self.commit)
        return start - 1

    def _scan_line(self, buf: bytes, ls: int, le: int) -> None:
        assert self.commit is not None
        assert self.path is not None
        content = buf[ls + self.width : le].decode("utf-8", "replace")
        prev_start = buf.rfind(b"\n", 0, ls - 1) + 1
        prev_raw = buf[prev_start : ls - 1]
        previous = prev_raw.decode("utf-8", "replace") if _NEXTLINE in prev_raw else None
        hits, suppressed = self.detector.scan(content, self.path, previous)
        self.result.inline_suppressed += suppressed
        if not hits:
            return
        self.result.metas.setdefault(self.commit.sha, self.commit)
        for hit in hits:
            value = hit.value
            if hit.extend:
                extended = extend_value(value, following_lines(buf, le, b"+" * self.width))
                if extended is None:
                    continue
                value = extended
            self.result.hits.append(
                RawHit(self.commit.sha, self.path, self.line_no, hit.column, hit.rule, value)
            )

    def _advance(self, buf: bytes, a: int, b: int) -> None:
        """Move the parse state over the lines that start after positions [a, b)."""
        c = buf.rfind(b"\n\x01", a, b)
        if c >= 0:
            end = buf.find(b"\n", c + 1)
            parts = buf[c + 2 : end].decode("utf-8", "replace").split(_SEP)
            parts += [""] * (4 - len(parts))
            self.commit = CommitMeta(parts[0], parts[1], parts[2], parts[3])
            self.result.commits_seen.append(parts[0])
            self.path = None
            self.in_hunk = False
        d = buf.rfind(b"\ndiff ", max(a, c), b)
        if d >= 0:
            self._file_header(buf, d + 1, b)
            self.in_hunk = False
        elif c < 0 and not self.in_hunk and self.path is None:
            # The buffer boundary fell inside a file header: its "+++ b/..." line is here.
            self._file_header(buf, a, b)
        h = buf.rfind(b"\n@@", max(a, c, d), b)
        if h >= 0:
            end = buf.find(b"\n", h + 1)
            m = _HUNK.match(buf, h + 1, end)
            if m is None:
                self.in_hunk = False
                return
            self.width = len(m.group(1)) - 1
            self.line_no = int(m.group(2))
            self.in_hunk = True
            start = end
        elif self.in_hunk:
            start = a
        else:
            return
        self.line_no += self._count_new(buf, start, b)

    def _count_new(self, buf: bytes, a: int, b: int) -> int:
        if self.width == 1:
            return buf.count(b"\n+", a, b)
        n = 0
        for line in buf[a + 1 : b].split(b"\n"):
            if line[:1] in (b"+", b" ", b"-") and b"-" not in line[: self.width]:
                n += 1
        return n

    def _file_header(self, buf: bytes, start: int, limit: int) -> None:
        end = buf.find(b"\n@@", start, limit)
        header = buf[start : end if end >= 0 else limit].split(b"\n")
        self.path = None
        for line in header[1:]:
            if line.startswith(b"+++ "):
                # git ends names containing spaces with a tab; names with tabs are quoted
                target = line[4:].removesuffix(b"\t")
                if target == b"/dev/null":
                    self.path = None
                else:
                    path = unquote_path(target)
                    self.path = path[2:] if path.startswith("b/") else path


def _section_end(buf: bytes, start: int) -> int:
    """Where the file diff that starts at ``start`` ends: the next file or commit."""
    ends = [i for i in (buf.find(b"\ndiff ", start), buf.find(b"\n\x01", start)) if i >= 0]
    return min(ends) if ends else len(buf)


def _added_lines(buf: bytes, start: int, end: int) -> list[int]:
    """Starts of the ``+`` lines in ``buf[start:end]`` (not the ``+++`` file header)."""
    out = []
    i = buf.find(b"\n+", start, end)
    while i >= 0:
        if not _is_new_file_header(buf, i + 1):
            out.append(i + 1)
        i = buf.find(b"\n+", i + 1, end)
    return out


_INDEX = re.compile(rb"\nindex [0-9a-f,]+\.\.([0-9a-f]+)")
_BINARY_PATH = re.compile(
    rb'Binary files (?:/dev/null|"a/(?:[^"\\]|\\.)*"|a/.*?) and ("b/.*"|b/.*) differ$'
)


def _binary_lines(buf: bytes) -> list[int]:
    """Starts of the ``Binary files ... differ`` lines in ``buf``, last first."""
    out: list[int] = []
    at = buf.find(b"\nBinary files ")
    while at >= 0:
        out.append(at + 1)
        at = buf.find(b"\nBinary files ", at + 1)
    out.reverse()
    return out


_NEW_HEADER = (b"+++ b/", b'+++ "b/', b"+++ /dev/null")
_OLD_HEADER = (b"--- a/", b'--- "a/', b"--- /dev/null")


def _is_new_file_header(buf: bytes, ls: int) -> bool:
    """Is the line at ``ls`` a ``+++`` file header (it follows the ``---`` one), not content?"""
    if not buf.startswith(_NEW_HEADER, ls):
        return False
    prev = buf.rfind(b"\n", 0, ls - 1) + 1
    return buf.startswith(_OLD_HEADER, prev)


_DIFF_FLAGS = (
    "-p",
    "-U0",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--no-relative",
    "--full-index",  # whole blob ids on "index" lines: binary-looking files are read by id
)


# ``git log`` of the commits given on stdin, as blob ids per path: no content is read.
RAW_LOG = ("log", "--no-walk=unsorted", "--stdin", LOG_FORMAT, "--raw", "-z", "--no-abbrev")


def _log_args(
    promisor: str | None, pathspecs: Sequence[str] = (), merges: bool = False
) -> list[str]:
    """``merges``: the commits are merges, whose combined diffs (``--cc``) skip rename
    detection. Against a second parent that diverged long ago, rename detection compares every
    added file with every deleted one: on flask's 3,566 merges it was 0.9 of git's 1.5 s. A
    file renamed on one side and edited on both is then shown whole at its new name, in the
    merge that joins them: more lines read, nothing missed."""
    args = [
        *git_prefix(promisor),
        "log",
        "--no-walk=unsorted",
        "--stdin",
        LOG_FORMAT,
        "--cc",
        "--no-renames" if merges else "-M",
        *_DIFF_FLAGS,
    ]
    return [*args, "--", *pathspecs] if pathspecs else args


def _staged_args(pathspecs: Sequence[str] = ()) -> list[str]:
    args = [*git_prefix(), "diff", "--cached", "-M", *_DIFF_FLAGS]
    return [*args, "--", *pathspecs] if pathspecs else args


def scan_commits(
    root: Path,
    commits: Sequence[str],
    detector: Detector,
    promisor: str | None = None,
    pathspecs: Sequence[str] = (),
    merges: bool = False,
) -> BatchResult:
    """Scan what ``commits`` added (one ``git log`` process, streamed); ``merges`` says they
    are all merge commits (see :func:`_log_args`)."""
    stdin = "".join(f"{c}\n" for c in commits).encode()
    return _scan_patch(root, _log_args(promisor, pathspecs, merges), stdin, detector)


STAGED = CommitMeta("", "", "", "")  # the index: what the next commit would add


def scan_staged(root: Path, detector: Detector, pathspecs: Sequence[str] = ()) -> BatchResult:
    """Scan the lines added in the index (``git diff --cached``): the pre-commit scope.

    Works before the first commit too (git then diffs the index against the empty tree).
    """
    return _scan_patch(root, _staged_args(pathspecs), None, detector, STAGED)


def _scan_patch(
    root: Path,
    args: list[str],
    stdin: bytes | None,
    detector: Detector,
    commit: CommitMeta | None = None,
) -> BatchResult:
    result = BatchResult()
    scanner = PatchScanner(detector, result)
    scanner.commit = commit  # a plain diff has no commit headers: every hit belongs to this
    cuts = LineCuts()

    def read(fd: int) -> None:
        for chunk in patch_buffers(fd, cuts):
            scanner.feed(chunk)

    result.failed = stream_git(root, args, stdin, read)
    result.cut_lines, result.cut_bytes = cuts.lines, cuts.bytes
    return result

"""Text hygiene shared by the github, sarif and junit reporters.

Finding text comes from scanned files, HTTP responses and DNS records, so it may hold anything:
control characters, lone surrogates, exotic line breaks. Each reporter first passes text through
:func:`clean`, which leaves LF as the only line break and nothing that XML 1.0, JSON consumers or a
log viewer would choke on; each format then escapes what is special to it.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path, PurePosixPath

# Everything str.splitlines() breaks on, plus CRLF as one break. Log viewers and editors render
# these as new lines, so they are all normalised to LF, which every format then escapes.
_LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Control characters other than TAB and LF (ANSI escapes, NUL, C1), lone surrogates (not
# encodable as UTF-8) and the non-characters XML 1.0 forbids.
_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

ELLIPSIS = "…"
# How launchgate shows bytes of a file name that are not UTF-8 (``backslashreplace``).
_UNDECODABLE = re.compile(r"\\x[0-9a-fA-F]{2}")


def clean(text: object) -> str:
    """Normalise every line break to LF and strip characters no report format can carry."""
    return _FORBIDDEN.sub("", _LINE_BREAKS.sub("\n", str(text)))


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, ending in an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + ELLIPSIS


def repo_relative(path: str | None, root: Path | None = None) -> str | None:
    """A forward-slash path relative to the repository root, or None when there is none.

    GitHub (annotations and code scanning) only places findings on paths inside the repository,
    so absolute paths are made relative to ``root`` and paths that escape it give None.
    """
    if not path or clean(path) != path or "\t" in path or "\n" in path:
        return None
    if _UNDECODABLE.search(path):
        # A file name with bytes that are not UTF-8, shown escaped (``bad/\xff.env``): no
        # repository path GitHub can place matches it, and turning its backslashes into slashes
        # would name another file. The message still shows the escaped name.
        return None
    text = path.replace("\\", "/")
    if PurePosixPath(text).is_absolute() or re.match(r"^[A-Za-z]:/", text):
        for base in (root.absolute(), root.resolve()) if root is not None else ():
            prefix = str(base).replace("\\", "/").rstrip("/") + "/"
            if text.startswith(prefix):
                text = text[len(prefix) :]
                break
        else:
            return None
    normal = posixpath.normpath(text)
    if normal in (".", "..") or normal.startswith("../"):  # normpath never returns ""
        return None
    return normal

"""Is a file text, and which bytes to scan: UTF-16 and a stray NUL do not make a file binary.

git and most scanners call a file binary when a NUL byte appears in its first 8 KB. A ``.env``
written by PowerShell (UTF-16, a NUL after every ASCII character) and a config file with one
stray NUL were therefore skipped whole, secrets and all. Here UTF-16 is decoded (by its byte
order mark, or by the NULs falling on every other byte) and a file whose first 8 KB are text
apart from a few control bytes is scanned with its NULs blanked; only the rest is binary.
"""

from __future__ import annotations

import codecs

SNIFF = 8192
# Bytes that do not occur in text (NUL and the C0 controls other than \t \n \v \f \r and ESC).
_CONTROL = bytes([*range(0, 8), *range(14, 27), *range(28, 32)])
_STRIP = bytes.maketrans(b"", b"")
_MAX_CONTROL_SHARE = 0.01  # random binary data has ~11% of its bytes here
_UTF16_NUL_SHARE = 0.9


def as_text(data: bytes) -> bytes | None:
    """The bytes to scan for ``data`` (UTF-8 or as found), or None when it is binary."""
    head = data[:SNIFF]
    if b"\0" not in head:
        return data
    encoding = utf16_encoding(head)
    if encoding is not None:
        return data.decode(encoding, "replace").encode("utf-8")
    controls = len(head) - len(head.translate(_STRIP, _CONTROL))
    if controls <= max(1, int(len(head) * _MAX_CONTROL_SHARE)):
        return data.replace(b"\0", b" ")  # same length: line and column numbers stay true
    return None


def utf16_encoding(head: bytes) -> str | None:
    """``utf-16`` (with a BOM), ``utf-16-le`` or ``-be`` (NUL on every other byte), or None."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    even, odd = head[0::2], head[1::2]
    if len(odd) < 2:
        return None
    if odd.count(0) >= len(odd) * _UTF16_NUL_SHARE and even.count(0) < len(even) // 10:
        return "utf-16-le"
    if even.count(0) >= len(even) * _UTF16_NUL_SHARE and odd.count(0) < len(odd) // 10:
        return "utf-16-be"
    return None

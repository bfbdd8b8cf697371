"""Other readings of a line: escapes restored, base64 decoded, a key's body from the next lines.

Each keeps columns true or says where the value came from, so a finding still points at the
text as written.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator, Sequence

from launchgate.secretscan.matchers import B64ISH

# Percent (%3D), unicode (\u0022) and hex (\x22) escapes of ASCII characters.
ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}|\\u00[0-7][0-9A-Fa-f]|\\x[0-7][0-9A-Fa-f]")


def unescape_in_place(text: str) -> str:
    """``text`` with each escape of a punctuation or space character replaced by that character
    padded with spaces to the escape's length, so columns stay true. Escapes of letters and
    digits stay as they are: decoding them could make a token out of text that holds none."""

    def restore(m: re.Match[str]) -> str:
        char = chr(int(m.group(0)[-2:], 16))
        if char.isalnum() or not char.isprintable():
            return m.group(0)
        return char.ljust(len(m.group(0)))

    return ESCAPE.sub(restore, text)


_BASE64 = re.compile(r"[A-Za-z0-9+/]{12,}={0,2}|[A-Za-z0-9_-]{12,}={0,2}")


def decode_base64(value: str) -> str | None:
    """The printable text ``value`` is the base64 (standard or URL-safe) of, or None."""
    if len(value) % 4 or not _BASE64.fullmatch(value):
        return None
    try:
        raw = base64.b64decode(value, altchars=b"-_" if "-" in value or "_" in value else None)
        text = raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return text if text.isprintable() else None


def char_offsets(text: str, byte_offsets: list[int]) -> Iterator[int]:
    """Ascending UTF-8 byte offsets into ``text`` as character offsets, in one pass."""
    if text.isascii():
        yield from byte_offsets
        return
    raw = text.encode("utf-8", "surrogatepass")
    done_bytes = done_chars = 0
    for pos in byte_offsets:
        done_chars += len(raw[done_bytes:pos].decode("utf-8", "surrogatepass"))
        done_bytes = pos
        yield done_chars


_ARMOR_HEADER = re.compile(r"^[A-Za-z][A-Za-z0-9-]*: ")
_FOLLOWING = 8  # PEM/PGP armour headers (Proc-Type, DEK-Info, Version, Comment) and a blank


def following_lines(buf: bytes, end: int, prefix: bytes = b"", n: int = _FOLLOWING) -> list[str]:
    """Up to ``n`` lines after the line ending at ``end`` (each must start with ``prefix``)."""
    out: list[str] = []
    pos = end
    while len(out) < n and pos < len(buf):
        nxt = buf.find(b"\n", pos + 1)
        line = buf[pos + 1 : nxt if nxt >= 0 else len(buf)]
        if not line.startswith(prefix):
            break
        out.append(line[len(prefix) :].decode("utf-8", "replace").rstrip("\r"))
        if nxt < 0:
            break
        pos = nxt
    return out


def extend_value(value: str, following: Sequence[str] = ()) -> str | None:
    """Multiline rules (PEM keys): add the start of the body so each key hashes apart.

    Armour header lines (``Version: GnuPG``, ``Comment:``, ``Proc-Type: 4,ENCRYPTED``,
    ``DEK-Info:``) and blank lines between the header and the body are skipped. None when there
    is no body at all (a header in code that builds or parses PEM text).
    """
    tail = value.rsplit("-----", 1)[-1].replace("\\r", "").split("\\n")[-1]
    if len(tail) >= 20 and B64ISH.fullmatch(tail):
        return value  # the body follows on the same line (JSON with escaped newlines)
    for line in following:
        body = line.strip().strip("+").strip()
        if not body or _ARMOR_HEADER.match(body):
            continue
        m = B64ISH.match(body)
        if m is None or len(m.group(0)) < 20:
            return None
        return f"{value}\n{m.group(0)[:80]}"
    return None

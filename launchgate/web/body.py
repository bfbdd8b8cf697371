"""Response bodies read within a byte cap and a deadline, decompressed by launchgate itself.

Why not httpx's decoders: they inflate each network chunk in one call, so 64 KB of a gzip bomb
becomes ~64 MB at once, and ``Content-Encoding: gzip, gzip`` turns a few kilobytes into
gigabytes before any cap can look. Here every stage inflates at most :data:`STEP` bytes per call
(zlib's ``max_length``) and stages are lazy generators, so what a body costs is the cap plus a
few steps, whatever the server sends. Only the codings we ask for (``Accept-Encoding: gzip,
deflate``) are decoded; any other (br, zstd, more than :data:`MAX_CODINGS` layers) is kept as
sent, still under the cap.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import httpx

ACCEPT_ENCODING = "gzip, deflate"
STEP = 64 * 1024
MAX_CODINGS = 2
_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


@dataclass(frozen=True)
class Body:
    """A response body read up to a cap; ``truncated`` when the server sent more.

    ``undecoded`` names a content coding that was left as sent (not one we asked for)."""

    content: bytes
    truncated: bool
    undecoded: str | None = None

    def text(self, encoding: str | None = None) -> str:
        return self.content.decode(encoding or "utf-8", errors="replace")


def codings(response: httpx.Response) -> list[str]:
    """The response's content codings, outermost last (as listed in the header)."""
    header = response.headers.get("content-encoding", "")
    return [c.strip().lower() for c in header.split(",") if c.strip() not in ("", "identity")]


def _inflate(chunks: Iterable[bytes], coding: str) -> Iterator[bytes]:
    """One coding undone, at most :data:`STEP` output bytes per step.

    ``deflate`` is zlib-wrapped by the RFC but often sent raw: retried raw, as browsers do.
    Bytes after the end of the compressed stream are ignored (never accumulated)."""
    wbits = _WBITS[coding]
    inflater = zlib.decompressobj(wbits)
    first = True
    for chunk in chunks:
        data = chunk
        while data and not inflater.eof:
            try:
                out = inflater.decompress(data, STEP)
            except zlib.error as exc:
                if first and coding == "deflate" and wbits > 0:
                    wbits = -zlib.MAX_WBITS
                    inflater = zlib.decompressobj(wbits)
                    continue
                raise httpx.DecodingError(f"the {coding} body is corrupt ({exc})") from None
            first = False
            data = inflater.unconsumed_tail
            if out:
                yield out
        if inflater.eof:
            return
    try:
        rest = inflater.flush()
    except zlib.error as exc:
        raise httpx.DecodingError(f"the {coding} body is corrupt ({exc})") from None
    if rest:
        yield rest


def _capped_raw(
    response: httpx.Response, max_bytes: int, state: dict[str, bool]
) -> Iterator[bytes]:
    """The bytes on the wire, stopping after ``max_bytes`` (junk after a compressed stream, or a
    stream that inflates to nothing, is bounded too)."""
    size = 0
    for chunk in response.iter_raw():
        size += len(chunk)
        if size > max_bytes:
            state["raw_over"] = True
            yield chunk[: len(chunk) - (size - max_bytes)]
            return
        yield chunk


def read_body(response: httpx.Response, max_bytes: int, deadline: float | None = None) -> Body:
    """Read a streamed response's decoded body, stopping after ``max_bytes``.

    Use with ``client.stream(...)``. Memory stays near ``max_bytes`` for endless bodies and
    compression bombs (see the module doc). ``deadline`` (a ``time.monotonic()`` value) bounds
    the whole read; past it ``httpx.ReadTimeout`` is raised.
    """
    state = {"raw_over": False}
    stream: Iterable[bytes] = _capped_raw(response, max_bytes, state)
    layers = codings(response)
    undecoded = None
    if len(layers) > MAX_CODINGS or any(c not in _WBITS for c in layers):
        undecoded = ", ".join(layers)
    else:
        for coding in reversed(layers):
            stream = _inflate(stream, coding)
    chunks: list[bytes] = []
    size = 0
    for chunk in stream:
        if deadline is not None and time.monotonic() > deadline:
            raise httpx.ReadTimeout("the body was still arriving at the deadline")
        room = max_bytes - size
        if len(chunk) > room:
            chunks.append(chunk[:room])
            return Body(b"".join(chunks), truncated=True, undecoded=undecoded)
        chunks.append(chunk)
        size += len(chunk)
    return Body(b"".join(chunks), truncated=state["raw_over"], undecoded=undecoded)


def drain(response: httpx.Response, max_bytes: int) -> int:
    """Read and discard the body as sent (not decoded: timing needs the bytes, not the text);
    returns the byte count, or -1 when the body went past ``max_bytes``."""
    size = 0
    for chunk in response.iter_raw():
        size += len(chunk)
        if size > max_bytes:
            return -1
    return size

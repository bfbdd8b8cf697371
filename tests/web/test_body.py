"""Bodies are decoded by launchgate within the cap: bombs, nested codings, raw deflate, junk.

The responses are real httpx responses over byte streams (the servers that send these bodies
over a socket are in tests/adversarial/test_hostile_http.py); the byte counts are exact.
"""

from __future__ import annotations

import gzip
import zlib

import httpx
import pytest

from launchgate.web.body import STEP, drain, read_body
from tests.fixtures.hostile_web import deflate_bomb, gzip_bomb, nested_gzip_bomb

CAP = 100_000


def response(body: bytes, encoding: str | None = None) -> httpx.Response:
    headers = {"content-encoding": encoding} if encoding else {}
    return httpx.Response(200, headers=headers, stream=httpx.ByteStream(body))


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


HELLO = b"hello " * 10
GZIPPED = gzip.compress(HELLO, mtime=0)


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        pytest.param(GZIPPED, "gzip", id="gzip"),
        pytest.param(GZIPPED, "x-gzip", id="x-gzip"),
        pytest.param(zlib.compress(HELLO), "deflate", id="deflate"),
        pytest.param(raw_deflate(HELLO), "deflate", id="raw-deflate"),  # what many servers send
        pytest.param(zlib.compress(GZIPPED), "gzip, deflate", id="gzip-then-deflate"),
        pytest.param(HELLO, "identity", id="identity"),
        pytest.param(HELLO, None, id="none"),
    ],
)
def test_every_coding_we_ask_for_is_decoded(body: bytes, encoding: str | None) -> None:
    assert read_body(response(body, encoding), CAP) == read_body(response(HELLO), CAP)
    assert read_body(response(body, encoding), CAP).content == HELLO


@pytest.mark.parametrize(
    "bomb",
    [
        pytest.param((gzip_bomb(64 << 20), "gzip"), id="gzip"),
        pytest.param((deflate_bomb(64 << 20), "deflate"), id="deflate"),
        pytest.param((nested_gzip_bomb(64 << 20), "gzip, gzip"), id="gzip-of-gzip"),
    ],
)
def test_a_bomb_is_inflated_only_up_to_the_cap(bomb: tuple[bytes, str]) -> None:
    body = read_body(response(*bomb), CAP)
    assert (len(body.content), body.truncated) == (CAP, True)
    assert body.content == bytes(CAP)


def test_codings_we_did_not_ask_for_are_kept_as_sent_and_named() -> None:
    for encoding in ("br", "zstd", "gzip, gzip, gzip"):
        body = read_body(response(b"\x8b\x00compressed?", encoding), CAP)
        assert (body.content, body.undecoded) == (b"\x8b\x00compressed?", encoding)
    assert read_body(response(b"x", "gzip"), CAP).undecoded is None


def test_a_corrupt_body_is_a_decoding_error_not_a_crash() -> None:
    with pytest.raises(httpx.DecodingError, match="gzip body is corrupt"):
        read_body(response(b"\x1f\x8b\x08\x00garbage" * 10, "gzip"), CAP)
    with pytest.raises(httpx.DecodingError, match="deflate body is corrupt"):
        read_body(response(b"\xff" * 100, "deflate"), CAP)


def test_junk_after_the_compressed_stream_is_ignored_and_bounded() -> None:
    body = read_body(response(gzip.compress(b"ok") + b"junk" * 100_000, "gzip"), CAP)
    assert body.content == b"ok"
    # Bytes on the wire are capped too, even when they inflate to nothing.
    # A gzip header, then empty stored blocks (not final) forever: inflates to nothing.
    stream = gzip.compress(b"")[:10] + b"\x00\x00\x00\xff\xff" * 30_000
    assert len(stream) > CAP
    assert read_body(response(stream, "gzip"), CAP).truncated


def test_inflating_goes_in_steps_smaller_than_the_cap() -> None:
    assert STEP < 5 * 1024 * 1024  # the default cap: one step never overshoots it by much


def test_drain_counts_bytes_as_sent_and_stops_past_the_cap() -> None:
    assert drain(response(gzip_bomb(8 << 20), "gzip"), CAP) == len(gzip_bomb(8 << 20))
    assert drain(response(b"x" * (CAP + 1)), CAP) == -1
    assert drain(response(b"x" * CAP), CAP) == CAP

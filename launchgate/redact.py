"""Redaction: the only forms in which a secret value may ever be shown."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

from launchgate.trie import trie_pattern


def redact(value: str) -> str:
    """``ghp_…xY12``-style: enough to recognise which key it is, never more than a quarter of it.

    Long keys keep their first 4 characters (which name the kind: ``ghp_``, ``sk_l``) and last 4;
    medium ones only the last 4; short ones (passwords) nothing but their length.
    """
    if len(value) < 16:
        return f"…({len(value)} chars)"
    if len(value) < 32:
        return f"…{value[-4:]}"
    return f"{value[:4]}…{value[-4:]}"


def value_hash(value: str, key: bytes = b"launchgate") -> str:
    """Keyed hash for comparing and baselining secrets without storing them."""
    return hmac.new(key, value.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()


_HEAD = 4  # values are found by their first characters, then checked whole


class Scrubber:
    """Many values to mask, prepared once: scrubbing a text costs time linear in the text,
    whatever the number of values (16,000 secrets checked one by one against every text of
    every finding took minutes)."""

    def __init__(self, values: Iterable[str]) -> None:
        self._by_length: dict[int, set[str]] = {}
        for value in values:
            if value:
                self._by_length.setdefault(len(value), set()).add(value)
        self._lengths = sorted(self._by_length, reverse=True)
        heads = {v[:_HEAD] for group in self._by_length.values() for v in group}
        # Zero-width, so every place where some value may start is seen, overlapping or not.
        self._heads = re.compile(f"(?=(?:{trie_pattern(heads)}))") if heads else None

    def __bool__(self) -> bool:
        return bool(self._lengths)

    def __call__(self, text: str) -> str:
        """``text`` with every character of every occurrence of a value replaced: each run of
        masked characters becomes one ``***`` (overlapping values leave no part visible)."""
        if self._heads is None:
            return text
        spans: list[tuple[int, int]] = []
        for m in self._heads.finditer(text):
            i = m.start()
            for n in self._lengths:
                if text[i : i + n] in self._by_length[n]:
                    spans.append((i, i + n))
                    break  # the longest value starting here covers the shorter ones
        if not spans:
            return text
        out: list[str] = []
        done = 0
        for start, end in spans:  # ascending starts
            if start > done or not out:  # a new run of masked characters
                out += (text[done:start], "***")
            done = max(done, end)
        out.append(text[done:])
        return "".join(out)


def scrub(text: str, values: Iterable[str] | Scrubber) -> str:
    """Replace every occurrence of any value in ``text`` with ``***``; pass a :class:`Scrubber`
    when scrubbing many texts of the same values."""
    scrubber = values if isinstance(values, Scrubber) else Scrubber(values)
    return scrubber(text)

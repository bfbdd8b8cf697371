"""Redaction: the only forms in which a secret value may ever be shown."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable


def redact(value: str) -> str:
    """``ghp_…xY12``-style: a short prefix (which names the kind of key) and the last 4 chars.

    Short values show nothing but their length, so a redacted form never reveals most of a value.
    """
    if len(value) < 12:
        return f"…({len(value)} chars)"
    prefix_len = 4 if len(value) >= 20 else 2
    return f"{value[:prefix_len]}…{value[-4:]}"


def value_hash(value: str, key: bytes = b"launchgate") -> str:
    """Keyed hash for comparing and baselining secrets without storing them."""
    return hmac.new(key, value.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()


def scrub(text: str, values: Iterable[str]) -> str:
    """Replace every occurrence of any value in ``text`` with ``***`` (longest values first)."""
    for value in sorted(values, key=len, reverse=True):
        if value and value in text:
            text = text.replace(value, "***")
    return text

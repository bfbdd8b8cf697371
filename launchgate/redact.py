"""Redaction: the only forms in which a secret value may ever be shown."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable


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


def scrub(text: str, values: Iterable[str]) -> str:
    """Replace every occurrence of any value in ``text`` with ``***`` (longest values first)."""
    for value in sorted(values, key=len, reverse=True):
        if value and value in text:
            text = text.replace(value, "***")
    return text

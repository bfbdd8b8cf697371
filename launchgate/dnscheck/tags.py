"""The tag=value; list shared by DKIM (RFC 6376 section 3.2) and DMARC (RFC 7489 section 6.3)."""

from __future__ import annotations

import re

_TAG_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def parse_tags(text: str) -> tuple[dict[str, str], list[str]]:
    """Tags in order (names lower-case, values stripped) and syntax errors; never raises."""
    tags: dict[str, str] = {}
    errors: list[str] = []
    for part in text.split(";"):
        if not part.strip():
            continue  # a trailing ';' (or a doubled one) is allowed
        name, eq, value = part.partition("=")
        name = name.strip()
        if not eq or not _TAG_NAME.match(name):
            errors.append(f"{part.strip()!r} is not a tag=value pair")
            continue
        key = name.lower()
        if key in tags:
            errors.append(f"tag {name!r} appears more than once")
            continue
        tags[key] = value.strip()
    return tags, errors

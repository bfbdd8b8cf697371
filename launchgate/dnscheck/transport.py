"""MTA-STS (RFC 8461 section 3.1) and TLS-RPT (RFC 8460 section 3) TXT records. Pure, total.

Both RFCs say the same: of the TXT records that start with the version tag, exactly one must
remain and it must parse, or senders act as if the domain published nothing. So a garbage or
doubled record is as bad as a missing one, and worse for the owner, who thinks it is there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

STS_VERSION = "v=STSv1"
TLSRPT_VERSION = "v=TLSRPTv1"
# Whole-value patterns, used with fullmatch: "$" would also accept a value ending in "\n".
_STS_ID = re.compile(r"[A-Za-z0-9]{1,32}")
_EXT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
_EXT_VALUE = re.compile(r"[\x21-\x3a\x3c\x3e-\x7e]+")
_RUA_URI = re.compile(r"mailto:[^@\s,]+@[^@\s,]+|https://[^\s,]+", re.IGNORECASE)


def candidates(records: Iterable[str], version: str) -> list[str]:
    """The TXT records a sender keeps: those that start with the version tag."""
    return [r for r in records if r.startswith(version)]


def _fields(text: str, version: str) -> tuple[dict[str, str], list[str]]:
    """``name=value`` fields after the version, and what is malformed among them."""
    parts = [p.strip(" \t") for p in text.split(";")]
    if parts[0] != version:
        return {}, [f"starts with {parts[0][:40]!r}, not {version!r} followed by ';'"]
    if parts[-1] == "":
        parts.pop()  # one trailing delimiter is allowed
    fields: dict[str, str] = {}
    errors: list[str] = []
    for part in parts[1:]:
        name, eq, value = part.partition("=")
        if not eq or not _EXT_NAME.fullmatch(name) or not _EXT_VALUE.fullmatch(value):
            errors.append(f"{part[:40]!r} is not a name=value field")
        elif name in fields:
            errors.append(f"{name}= appears more than once")
        else:
            fields[name] = value
    return fields, errors


def sts_error(text: str) -> str | None:
    """Why an MTA-STS record is invalid, or None."""
    fields, errors = _fields(text, STS_VERSION)
    if not errors and "id" not in fields:
        errors.append("it has no id= field")
    elif "id" in fields and not _STS_ID.fullmatch(fields["id"]):
        errors.append(f"id={fields['id'][:40]!r} is not 1 to 32 letters and digits")
    return "; ".join(errors) or None


def tlsrpt_error(text: str) -> str | None:
    """Why a TLS-RPT record is invalid, or None."""
    parts = [p.strip(" \t") for p in text.split(";")]
    rua = next((p[4:] for p in parts[1:] if p.startswith("rua=")), None)
    without_rua = ";".join(p for p in parts if not p.startswith("rua="))
    _fields_found, errors = _fields(without_rua, TLSRPT_VERSION)
    if errors:
        return "; ".join(errors)
    if rua is None:
        return "it has no rua= field"
    bad = [u for u in (x.strip(" \t") for x in rua.split(",")) if not _RUA_URI.fullmatch(u)]
    if bad:
        return f"rua= {bad[0][:60]!r} is not a mailto: or https: address"
    return None

"""Named value checks that rule packs refer to (``validate:`` and ``proof:``), as pure functions.

A regex says what a secret looks like; some formats say more than a regex can:

* ``validate`` checks must pass for a hit at all: ``base64-credentials`` is docker's and npm's
  ``auth`` value, base64 of ``user:password`` with a password in it;
* ``proof`` checks say a value is real by its structure: ``github-crc32`` (GitHub's and npm's
  token checksum, the last 6 base62 characters are the CRC32 of the 30 before them) or
  ``length>=N`` (that long, and random-looking). A proven value is never dropped by an
  allowlist entry marked ``yields_to_proof`` (the substring words ``fake``, ``sample``...: 36
  random characters hold one by chance about once in 20,000 tokens). Documentation example
  keys, listed by value, still apply.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections import Counter
from collections.abc import Callable

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_LENGTH = re.compile(r"^length>=(\d+)$")
# Hashes of the empty string and of nothing at all: a "password hash" that hides nothing.
EMPTY_HASHES = frozenset(
    {
        "d41d8cd98f00b204e9800998ecf8427e",  # md5("")
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",  # sha1("")
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  # sha256("")
        "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",  # base64 sha1("") as in {SHA} htpasswd entries
        "1B2M2Y8AsgTpgAmY7PhCfg==",  # base64 md5("")
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",  # base64 sha256("")
    }
)


_RANDOM_BITS = 3.5  # bits per character; random base62 is ~5.9, English ~4, "xxxx" 0


def _entropy(value: str) -> float:
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values()) if n else 0.0


def base62(number: int, width: int) -> str:
    """``number`` in base 62 (digits, upper, lower), left-padded with ``0`` to ``width``."""
    out = ""
    while number:
        number, digit = divmod(number, 62)
        out = BASE62[digit] + out
    return out.rjust(width, "0")


def github_crc32(value: str) -> bool:
    """``ghp_`` + 30 random + 6 checksum characters (also ``npm_``): the checksum holds."""
    _prefix, sep, body = value.rpartition("_")
    if not sep or len(body) != 36 or not body.isascii() or not body.isalnum():
        return False
    return base62(binascii.crc32(body[:30].encode()), 6) == body[30:]


def _b64text(value: str) -> str | None:
    try:
        text = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return text if text.isprintable() else None


def _real_password(password: str) -> bool:
    return len(password) >= 3 and not (
        password.startswith(("${", "<", "{{")) or password.lower() in _HOLLOW
    )


def base64_credentials(value: str) -> bool:
    """base64 of ``user:password`` (docker ``auth``, npm ``_auth``) with a real password."""
    text = _b64text(value)
    if text is None:
        return False
    user, sep, password = text.partition(":")
    return bool(sep and user) and _real_password(password)


def base64_credentials_or_password(value: str) -> bool:
    """npm's ``_auth`` (base64 ``user:password``) or ``_password`` (base64 of the password)."""
    text = _b64text(value)
    if text is None:
        return False
    return base64_credentials(value) if ":" in text else _real_password(text)


_HOLLOW = frozenset({"password", "pass", "secret", "changeme", "xxx", "xxxx", "token"})


def not_empty_hash(value: str) -> bool:
    """A password hash of something: not the hash of the empty string."""
    tail = value.rsplit("$", 1)[-1].removeprefix("{SHA}").removeprefix("{MD5}")
    return value not in EMPTY_HASHES and tail not in EMPTY_HASHES


VALIDATORS: dict[str, Callable[[str], bool]] = {
    check.__name__.replace("_", "-"): check
    for check in (base64_credentials, base64_credentials_or_password, not_empty_hash)
}


def proof(name: str) -> Callable[[str], bool]:
    """The proof named in a rule pack (``github-crc32``, ``length>=N``); ValueError if unknown."""
    if name == "github-crc32":
        return github_crc32
    m = _LENGTH.match(name)
    if m is not None:
        minimum = int(m.group(1))
        # Long and random-looking: a run of x's or zeros as long as a key proves nothing.
        return lambda value: len(value) >= minimum and _entropy(value) >= _RANDOM_BITS
    raise ValueError(f"unknown proof {name!r}; expected github-crc32 or length>=N")


def validator(name: str) -> Callable[[str], bool]:
    """The validator named in a rule pack; ValueError if unknown."""
    try:
        return VALIDATORS[name]
    except KeyError:
        known = ", ".join(sorted(VALIDATORS))
        raise ValueError(f"unknown validate {name!r}; expected one of {known}") from None

"""Which values read by the check must be masked (``::add-mask::`` in Actions).

Masking is decided when a value is read, before any finding exists, so nothing printed later can
carry it. Beyond secret-looking names, credentials embedded in URLs and values that look like
random keys are masked too: a name is not a reliable witness of what a value holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from launchgate.checkapi import Masker

_SURROGATES = re.compile("[\ud800-\udfff]+")
_KEYLIKE = re.compile(r"^[A-Za-z0-9+/=_.~:-]{20,}$")
_HEX = re.compile(r"^[0-9a-fA-F]{32,}$")


def url_password(value: str) -> str | None:
    """The password in ``scheme://user:password@host``, if any."""
    if "@" not in value or "://" not in value:
        return None
    try:
        password = urlsplit(value.strip()).password
    except ValueError:
        return None
    return password or None


def looks_keylike(value: str) -> bool:
    """A long token mixing letters and digits, or a long hex string: probably a credential."""
    if _HEX.match(value):
        return True
    if not _KEYLIKE.match(value) or "://" in value:
        return False
    classes = sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
        )
    )
    return classes >= 2 and any(c.isdigit() for c in value)


def is_sensitive(value: str, secret: bool) -> bool:
    return secret or url_password(value) is not None or looks_keylike(value)


def _add(masker: Masker, value: str) -> None:
    """Register a value; undecodable bytes (lone surrogates from os.environ) cannot be printed in
    an ``::add-mask::`` line, so their printable runs are registered instead."""
    for part in _SURROGATES.split(value):
        masker.add(part)


def mask_value(
    masker: Masker,
    value: str | None,
    secret: bool,
    placeholder: Callable[[str], bool] = lambda _value: False,
) -> None:
    """Register ``value`` (and its URL password, raw and decoded) when it may be sensitive.

    A placeholder (``changeme``, ``<your-key>``) protects nothing and is left unmasked; so is a
    URL whose only secret-looking part, its password, is a placeholder.
    """
    if not value or placeholder(value):
        return
    password = url_password(value)
    if password is not None and (placeholder(password) or placeholder(unquote(password))):
        password = None
    if secret or password is not None or looks_keylike(value):
        _add(masker, value)
        _add(masker, value.strip())
    if password is not None:
        _add(masker, password)
        _add(masker, unquote(password))

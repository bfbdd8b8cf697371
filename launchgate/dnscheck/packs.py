"""The dns check's knowledge as data: dangling-CNAME service fingerprints (``kind:
dns-takeover``) and CAA issuer domains of certificate authorities (``kind: dns-caa-issuers``),
from the built-in ``checks/`` packs and the manifest's ``rules.packs``. Every rule proves itself
with its own examples; a pack whose examples do not hold is refused when loaded."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from launchgate.resources import rule_pack_paths
from launchgate.yamlguard import TooLargeError, load_bounded, read_capped

TAKEOVER = "dns-takeover"
CAA_ISSUERS = "dns-caa-issuers"


class PackError(ValueError):
    """A pack that cannot be used, with the file and rule."""


@dataclass(frozen=True)
class Fingerprint:
    """A service whose unclaimed names can be taken over, recognised by its CNAME targets."""

    id: str
    service: str
    cnames: tuple[str, ...]

    def matches(self, target: str) -> bool:
        name = target.rstrip(".").lower()
        return any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in self.cnames)


@dataclass(frozen=True)
class Issuer:
    """A certificate authority: substrings of its issuer names, and the CAA domains it checks."""

    id: str
    ca: str
    issuers: tuple[str, ...]
    caa: tuple[str, ...]
    # How its certificates are usually renewed, for the handover: "acme" (an ACME client or the
    # hosting platform renews them), "platform" (only issued inside a platform that renews
    # them), "" (not known: the certificate's lifetime decides the wording).
    renewal: str = ""

    def matches(self, issuer: str) -> bool:
        text = issuer.lower()
        return any(marker.lower() in text for marker in self.issuers)


@dataclass(frozen=True)
class Knowledge:
    fingerprints: tuple[Fingerprint, ...]
    issuers: tuple[Issuer, ...]

    def service_of(self, target: str) -> Fingerprint | None:
        return next((f for f in self.fingerprints if f.matches(target)), None)

    def issuer_of(self, issuer: str) -> Issuer | None:
        return next((i for i in self.issuers if i.matches(issuer)), None)


def _words(rule: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = rule.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise KeyError(f"{key} must be a non-empty list of strings")
    return tuple(value)


RENEWALS = ("", "acme", "platform")


def _renewal(rule: Mapping[str, Any]) -> str:
    value = rule.get("renewal", "")
    if value not in RENEWALS:
        raise KeyError(f"renewal must be one of acme, platform (or absent), not {value!r}")
    return str(value)


def _examples(rule: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    examples = rule.get("examples")
    if not isinstance(examples, Mapping):
        raise KeyError("examples: positive and negative lists are required")
    return _words(examples, "positive"), _words(examples, "negative")


def _rule(kind: str, rule: Any, shown: str) -> Fingerprint | Issuer:
    where = f"{shown}: rule {rule.get('id') if isinstance(rule, Mapping) else rule!r}"
    try:
        if not isinstance(rule, Mapping):
            raise KeyError("a rule must be a mapping")
        item: Fingerprint | Issuer
        if kind == TAKEOVER:
            item = Fingerprint(str(rule["id"]), str(rule["service"]), _words(rule, "cnames"))
        else:
            item = Issuer(
                str(rule["id"]),
                str(rule["ca"]),
                _words(rule, "issuers"),
                _words(rule, "caa"),
                _renewal(rule),
            )
        positive, negative = _examples(rule)
    except KeyError as exc:
        raise PackError(f"{where}: {exc.args[0]}") from None
    wrong = [p for p in positive if not item.matches(p)] + [n for n in negative if item.matches(n)]
    if wrong:
        raise PackError(f"{where}: its examples do not hold: {', '.join(wrong)}")
    return item


_KIND = re.compile(r"^kind:\s*['\"]?([\w-]+)", re.MULTILINE)


def load_pack(path: Path, shown: str) -> list[Fingerprint | Issuer]:
    try:
        text = read_capped(path)
        kind = _KIND.search(text)
        if kind is not None and kind.group(1) not in (TAKEOVER, CAA_ISSUERS):
            return []  # another check's pack (the secrets packs are large: not parsed here)
        data = load_bounded(text)
    except OSError as exc:
        raise PackError(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    except TooLargeError as exc:
        raise PackError(f"{shown}: {exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PackError(f"{shown}: is not valid YAML ({exc})") from None
    if not isinstance(data, Mapping) or data.get("kind") not in (TAKEOVER, CAA_ISSUERS):
        return []
    rules = data.get("rules")
    if not isinstance(rules, list):
        raise PackError(f"{shown}: rules must be a list")
    return [_rule(str(data["kind"]), r, shown) for r in rules]


def load_knowledge(root: Path, user_packs: Sequence[str] = ()) -> Knowledge:
    """Built-in packs, then the user's (a user rule with a built-in id replaces it)."""
    items: dict[tuple[type, str], Fingerprint | Issuer] = {}
    sources: Iterable[tuple[Path, str]] = [
        *((p, f"checks/{p.name}") for p in rule_pack_paths()),
        *((root / p, p) for p in user_packs),
    ]
    for path, shown in sources:
        for item in load_pack(path, shown):
            items[(type(item), item.id)] = item
    values = list(items.values())
    return Knowledge(
        tuple(v for v in values if isinstance(v, Fingerprint)),
        tuple(v for v in values if isinstance(v, Issuer)),
    )

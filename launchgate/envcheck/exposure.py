"""Secrets shipped to the browser through client-exposed env prefixes (NEXT_PUBLIC_, VITE_...).

Frameworks inline variables with these prefixes into the JavaScript every visitor downloads.
The prefixes and the name words that mark a server-side secret are data
(``checks/env-client-exposure.yml``). A prefixed variable is a blocker when its name says it is
a secret, or when its value is what a secrets detector of severity high or worse finds (a
publishable key or a Firebase web key is public by design and stays clean). A code read of such
a name is reported as well, before any build exists.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from launchgate.checkapi import CheckError, Masker
from launchgate.envcheck.codescan import EnvRead
from launchgate.envcheck.sources import PROCESS_REF, EnvironmentValues, EnvValue, Plan
from launchgate.findings import Finding, Location, Severity, fingerprint_of
from launchgate.resources import data_dir

CHECK = "env"
EXPOSED = "env.secret-exposed-to-client"
EXPOSED_READ = "env.client-exposed-secret-read"
PACK = "env-client-exposure.yml"
_VALUE_SEVERITY = Severity.HIGH  # detector findings at least this severe count as secrets


@dataclass(frozen=True)
class Exposure:
    """The prefixes (with the framework that inlines them) and the secret-name pattern."""

    prefixes: tuple[tuple[str, str], ...]
    secret_words: re.Pattern[str]

    def prefix_of(self, name: str) -> tuple[str, str] | None:
        upper = name.upper()
        return next(((p, fw) for p, fw in self.prefixes if upper.startswith(p)), None)

    def secret_by_name(self, name: str) -> bool:
        """A client-exposed name whose words (after the prefix) say it is a secret."""
        found = self.prefix_of(name)
        return found is not None and bool(self.secret_words.search(name[len(found[0]) :]))


def parse_exposure(data: Any, where: str = PACK) -> Exposure:
    """Validate the pack; its own examples must hold (exposed names flagged, safe ones not)."""
    if not isinstance(data, Mapping) or data.get("kind") != "env-client-exposure":
        raise CheckError(f"{where}: expected a mapping with kind: env-client-exposure")
    raw = data.get("prefixes")
    if not isinstance(raw, list) or not raw:
        raise CheckError(f"{where}: prefixes must be a non-empty list")
    prefixes = []
    for item in raw:
        if not isinstance(item, Mapping) or not str(item.get("prefix") or "").endswith("_"):
            raise CheckError(f"{where}: each prefix is {{prefix: NAME_, framework: ...}}")
        prefixes.append((str(item["prefix"]).upper(), str(item.get("framework") or "")))
    words = data.get("secret_words")
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise CheckError(f"{where}: secret_words must be a list of words")
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    pattern = re.compile(rf"(?:^|_)(?:{alternation})(?:_|$)", re.IGNORECASE)
    # Longest prefix first: NEXT_PUBLIC_ before PUBLIC_.
    exposure = Exposure(tuple(sorted(prefixes, key=lambda p: -len(p[0]))), pattern)
    examples = data.get("examples") or {}
    for name in examples.get("exposed") or []:
        if not exposure.secret_by_name(str(name)):
            raise CheckError(f"{where}: example {name} is not recognised as exposed")
    for name in examples.get("safe") or []:
        if exposure.secret_by_name(str(name)):
            raise CheckError(f"{where}: example {name} is wrongly flagged")
    return exposure


@lru_cache(maxsize=1)
def load_exposure() -> Exposure:
    path = data_dir("checks") / PACK
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CheckError(f"{path}: cannot be read: {exc}") from None
    return parse_exposure(data, f"checks/{PACK}")


@lru_cache(maxsize=1)
def _detector() -> Any:
    """The secrets check's detector (built-in packs), built once, only when needed."""
    from launchgate.secretscan.detector import Detector
    from launchgate.secretscan.rules import load_rules

    return Detector(load_rules())


def secret_in_value(name: str, value: str) -> str | None:
    """The title of the severest-enough detector that finds a secret in ``NAME=value``."""
    detector = _detector()
    hits, _ = detector.scan(f"{name}={value}", ".env")
    for hit in hits:
        rule = detector.rule(hit.rule)
        if rule.severity.at_least(_VALUE_SEVERITY):
            return str(rule.title)
    return None


def _prefixed_values(values: EnvironmentValues) -> Iterator[EnvValue]:
    exposure = load_exposure()
    seen: set[str] = set()
    for found in values.file_values():
        seen.add(found.name)
        if exposure.prefix_of(found.name):
            yield found
    for name, value in (values.process or {}).items():
        if name not in seen and exposure.prefix_of(name):
            yield EnvValue(name, value, PROCESS_REF)


def exposed_values(plan: Plan, values: EnvironmentValues, masker: Masker) -> list[Finding]:
    """Blockers for client-exposed variables that hold, or by name are, server secrets."""
    exposure = load_exposure()
    out = []
    for found in _prefixed_values(values):
        prefix, framework = exposure.prefix_of(found.name) or ("", "")
        by_value = secret_in_value(found.name, found.value) if found.value else None
        if by_value is None and not exposure.secret_by_name(found.name):
            continue
        if found.value:
            masker.add(found.value)
        why = (
            f"its value is a secret (the secrets check reports it as: {by_value})"
            if by_value
            else "its name says it is a secret (secret, private, service role, password...)"
        )
        where = found.source.describe() + (f":{found.line}" if found.line else "")
        out.append(
            Finding(
                check=CHECK,
                rule=EXPOSED,
                severity=Severity.BLOCKER if found.value else Severity.HIGH,
                title=f"{found.name} ships to the browser ({plan.label()})",
                message=(
                    f"{found.name} (set in {where}) has the {prefix} prefix, which {framework} "
                    f"compiles into the JavaScript every visitor downloads, and {why}."
                ),
                location=Location(path=found.source.path, line=found.line),
                remediation=_remedy(found.name, prefix),
                fingerprint=fingerprint_of(CHECK, EXPOSED, plan.name or "", found.name),
                details={
                    "variable": found.name,
                    "environment": plan.name,
                    "prefix": prefix,
                    "by_value": bool(by_value),
                },
            )
        )
    return out


def exposed_reads(reads: Sequence[EnvRead]) -> list[Finding]:
    """Code that reads a client-exposed name which says it is a secret: one finding per name."""
    exposure = load_exposure()
    by_name: dict[str, list[EnvRead]] = defaultdict(list)
    for read in reads:
        if exposure.secret_by_name(read.name):
            by_name[read.name].append(read)
    out = []
    for name, places in sorted(by_name.items()):
        places.sort(key=lambda r: (r.path, r.line))
        prefix, framework = exposure.prefix_of(name) or ("", "")
        shown = ", ".join(f"{r.path}:{r.line}" for r in places[:3])
        out.append(
            Finding(
                check=CHECK,
                rule=EXPOSED_READ,
                severity=Severity.HIGH,
                title=f"Code reads {name}, a secret by name behind a client-exposed prefix",
                message=(
                    f"{name} is read in {shown}; {framework} inlines {prefix} variables into the "
                    "client bundle at build time, so whatever value it has will be public."
                ),
                location=Location(path=places[0].path, line=places[0].line),
                remediation=_remedy(name, prefix),
                fingerprint=fingerprint_of(CHECK, EXPOSED_READ, name),
                details={"variable": name, "prefix": prefix, "reads": len(places)},
            )
        )
    return out


def _remedy(name: str, prefix: str) -> str:
    return (
        f"Rename it without the {prefix} prefix and use it only in server code (an API route, "
        "server action or edge function the browser calls). If a build with the value was ever "
        "deployed, rotate it: it is in every visitor's copy of the JavaScript."
    )

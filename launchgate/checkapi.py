"""The contract between the runner and a check: what a check gets, what it must return.

A check is a :class:`CheckSpec` in the registry. Its ``run`` takes a :class:`CheckContext` and
returns a :class:`~launchgate.findings.CheckResult`. Checks never print; they return findings.
A check that cannot do its job raises :class:`CheckError` with a message for the user.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchgate.findings import RuleInfo
from launchgate.manifest import Manifest
from launchgate.store import Store


class CheckError(Exception):
    """The check could not run (unreachable host, not a git repository...). Shown as is."""


def _silent(_message: str) -> None:
    return None


# Keys that are public by design (they ship to every browser): masking them hides nothing.
PUBLIC_KEY_PREFIXES = ("pk_live_", "pk_test_")
# A short run of letters is a word ("admin", "changeme"), not a credential worth a mask: masked,
# every "admin" in the job's log would become "***".
_WORD = re.compile(r"[A-Za-z]{1,16}")


def worth_masking(value: str) -> bool:
    """A value whose masking protects something and does not wreck the log: not too short, not
    a plain word, not a public key. Checks never print values anyway (only redacted forms)."""
    text = value.strip()
    return len(text) >= 4 and not _WORD.fullmatch(text) and not text.startswith(PUBLIC_KEY_PREFIXES)


@dataclass
class Masker:
    """Values that must never be shown. In Actions each is emitted as ``::add-mask::`` first."""

    values: set[str] = field(default_factory=set)

    def add(self, value: str) -> None:
        if value and worth_masking(value):
            self.values.add(value)


@dataclass
class CheckContext:
    """Everything a check may use. ``params`` holds per-run options (CLI flags, action inputs)."""

    root: Path
    manifest: Manifest
    store: Store
    params: Mapping[str, Any] = field(default_factory=dict)
    masker: Masker = field(default_factory=Masker)
    progress: Callable[[str], None] = _silent

    def section(self, name: str) -> Mapping[str, Any]:
        return self.manifest.section(name)

    def param(self, name: str, default: Any = None) -> Any:
        value = self.params.get(name)
        return default if value is None else value


@dataclass(frozen=True)
class CheckSpec:
    """A registered check.

    ``configured`` says whether ``launchgate run`` includes it for a manifest (e.g. smoke only when
    routes are declared); a subcommand such as ``launchgate secrets`` runs it regardless.
    """

    id: str
    title: str
    run: Callable[[CheckContext], Any]
    configured: Callable[[Manifest], bool] = lambda _m: True
    # The rules this check can report, for SARIF rule help and documentation.
    rules: Callable[[Manifest], Iterable[RuleInfo]] = lambda _m: ()
    # Run after every other check has finished, with none beside it (timing checks).
    alone: bool = False

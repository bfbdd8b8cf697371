"""The contract between the runner and a check: what a check gets, what it must return.

A check is a :class:`CheckSpec` in the registry. Its ``run`` takes a :class:`CheckContext` and
returns a :class:`~launchgate.findings.CheckResult`. Checks never print; they return findings.
A check that cannot do its job raises :class:`CheckError` with a message for the user.
"""

from __future__ import annotations

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


@dataclass
class Masker:
    """Values that must never be shown. In Actions each is emitted as ``::add-mask::`` first."""

    values: set[str] = field(default_factory=set)

    def add(self, value: str) -> None:
        # Masking very short strings would blank out ordinary log text; they are never printed
        # anyway because checks only print redacted forms.
        if value and len(value.strip()) >= 4:
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

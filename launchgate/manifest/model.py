"""The validated manifest as data: its problems, environments, suppressions and sections."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchgate.findings import Severity

MANIFEST_NAME = "launchready.yml"
Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class ManifestProblem:
    """One thing wrong with a manifest, positioned for an editor to jump to."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        subject = f"{self.field}: " if self.field else ""
        return f"{where}: {subject}{self.message}"


class ManifestError(Exception):
    """The manifest cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[ManifestProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def about_file(
        cls, file: str, message: str, line: int | None = None, column: int | None = None
    ) -> ManifestError:
        """One problem with the file as a whole (missing, empty, not YAML): no field."""
        return cls([ManifestProblem(file, line, column, "", message)])


@dataclass(frozen=True)
class Environment:
    name: str
    base_url: str | None
    production: bool
    env_files: tuple[str, ...]


@dataclass(frozen=True)
class Suppression:
    reason: str
    fingerprint: str | None = None
    rule: str | None = None
    path: str | None = None
    expires: dt.date | None = None

    def matches(self, fingerprint: str, rule: str, path: str | None, today: dt.date) -> bool:
        if self.expires is not None and today > self.expires:
            return False
        if self.fingerprint is not None:
            return fingerprint.startswith(self.fingerprint)
        if self.rule is None or not fnmatch.fnmatchcase(rule, self.rule):
            return False
        return self.path is None or (path is not None and fnmatch.fnmatchcase(path, self.path))


@dataclass(frozen=True)
class Manifest:
    """The validated manifest. Checks read their own section with :meth:`section`."""

    path: Path
    data: Mapping[str, Any]
    fail_on: Severity = Severity.HIGH
    environments: Mapping[str, Environment] = field(default_factory=dict)
    suppressions: tuple[Suppression, ...] = ()

    @property
    def root(self) -> Path:
        """Directory the manifest's relative paths are relative to."""
        return self.path.parent

    def section(self, name: str) -> Mapping[str, Any]:
        value = self.data.get(name)
        return value if isinstance(value, Mapping) else {}

    def has(self, name: str) -> bool:
        return name in self.data

    def check_options(self, check: str) -> Mapping[str, Any]:
        opts = self.section("checks").get(check)
        return opts if isinstance(opts, Mapping) else {}

    def resolve(self, relative: str) -> Path:
        return (self.root / relative).resolve()

    def with_data(self, data: Mapping[str, Any]) -> Manifest:
        """The same manifest file with other (already validated) content."""
        return typed_manifest(self.path, dict(data))

    @classmethod
    def empty(cls, root: Path) -> Manifest:
        """Defaults for running one check without a manifest (``launchgate secrets .``)."""
        return cls(path=root / MANIFEST_NAME, data={"version": 1})


def typed_manifest(path: Path, data: dict[str, Any]) -> Manifest:
    """The manifest object for data that passed validation."""
    environments = {
        name: Environment(
            name=name,
            base_url=spec.get("base_url"),
            production=spec.get("production", name.lower() in ("production", "prod")),
            env_files=tuple(spec.get("env_files", ())),
        )
        for name, spec in (data.get("environments") or {}).items()
    }
    suppressions = tuple(
        Suppression(
            reason=s["reason"],
            fingerprint=s.get("fingerprint"),
            rule=s.get("rule"),
            path=s.get("path"),
            expires=dt.date.fromisoformat(s["expires"]) if s.get("expires") else None,
        )
        for s in data.get("suppress") or []
    )
    return Manifest(
        path=path,
        data=data,
        fail_on=Severity(data.get("fail_on", "high")),
        environments=environments,
        suppressions=suppressions,
    )

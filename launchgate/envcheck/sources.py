"""Where values come from: the process environment and dotenv files (parsed by python-dotenv).

Which sources an environment has: the manifest's ``env.sources`` (default ``[process]``) followed
by that environment's ``env_files``. Precedence follows the dotenv loaders apps use: the process
environment wins (``load_dotenv`` never overrides it), and among files a later one overrides an
earlier one (``.env`` then ``.env.production``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dotenv.parser import parse_stream
from dotenv.variables import Literal, parse_variables

PROCESS = "process"
# What a shell (and most loaders) accept as a variable name; python-dotenv is more lenient.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class SourceRef:
    """A source by identity: ``process`` or a dotenv path shown relative to the repository."""

    kind: str  # "process" | "dotenv"
    path: str | None = None

    def describe(self) -> str:
        return "the process environment" if self.kind == PROCESS else str(self.path)


PROCESS_REF = SourceRef(PROCESS)


@dataclass(frozen=True)
class EnvValue:
    """One variable as a source sets it. ``value`` is None for a dotenv ``KEY`` without ``=``."""

    name: str
    value: str | None
    source: SourceRef
    line: int | None = None


@dataclass
class DotenvFile:
    """A parsed dotenv file: its bindings (last one per key wins) and unparsable lines."""

    ref: SourceRef
    exists: bool
    values: dict[str, EnvValue] = field(default_factory=dict)
    bad_lines: list[int] = field(default_factory=list)
    unreadable: str | None = None


def _line_of(original_line: int, original: str) -> int:
    """python-dotenv marks a binding from where it started reading: skip leading blank lines."""
    stripped = original.lstrip("\r\n \t")
    leading = original[: len(original) - len(stripped)]
    return original_line + leading.count("\n")


def expand(value: str, earlier: Mapping[str, str | None], process: Mapping[str, str]) -> str:
    """python-dotenv's ``${VAR}`` / ``${VAR:-default}`` expansion, but a reference to a variable
    that is set nowhere (and has no default) stays as written, so it can be reported as an
    unexpanded placeholder instead of silently becoming an empty string.
    """
    out: list[str] = []
    for atom in parse_variables(value):
        if isinstance(atom, Literal):
            out.append(atom.value)
            continue
        name = getattr(atom, "name", "")
        default = getattr(atom, "default", None)
        found = process.get(name)
        if found is None:
            found = earlier.get(name)
        if found is None:
            found = default
        if found is None:
            out.append("${" + name + "}")
        else:
            out.append(found)
    return "".join(out)


def read_dotenv(path: Path, shown: str, process: Mapping[str, str]) -> DotenvFile:
    """Parse ``path`` with python-dotenv's parser, keeping the line of every binding."""
    ref = SourceRef("dotenv", shown)
    if not path.is_file():
        return DotenvFile(ref=ref, exists=False)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return DotenvFile(ref=ref, exists=True, unreadable=exc.strerror or type(exc).__name__)
    except UnicodeDecodeError as exc:
        return DotenvFile(ref=ref, exists=True, unreadable=f"not UTF-8 text (byte {exc.start})")
    parsed = DotenvFile(ref=ref, exists=True)
    raw: dict[str, str | None] = {}
    for binding in parse_stream(io.StringIO(text)):
        line = _line_of(binding.original.line, binding.original.string)
        if binding.error or (binding.key is not None and not _NAME.match(binding.key)):
            parsed.bad_lines.append(line)
            continue
        if binding.key is None:
            continue
        value = None if binding.value is None else expand(binding.value, raw, process)
        raw[binding.key] = value
        parsed.values[binding.key] = EnvValue(binding.key, value, ref, line)
    return parsed


@dataclass
class EnvironmentValues:
    """The effective view of one environment: for each name, the value that wins."""

    files: list[DotenvFile]
    process: Mapping[str, str] | None

    def get(self, name: str) -> EnvValue | None:
        if self.process is not None and name in self.process:
            return EnvValue(name, self.process[name], PROCESS_REF)
        for dotenv in reversed(self.files):
            if name in dotenv.values:
                return dotenv.values[name]
        return None

    def file_values(self) -> Iterator[EnvValue]:
        """Every effective value that comes from a file (shadowed bindings are skipped)."""
        seen: set[str] = set()
        for dotenv in reversed(self.files):
            for name, value in dotenv.values.items():
                if name in seen:
                    continue
                seen.add(name)
                if self.get(name) is value:
                    yield value

    def sources(self) -> list[SourceRef]:
        refs = [PROCESS_REF] if self.process is not None else []
        return refs + [f.ref for f in self.files if f.exists and f.unreadable is None]


@dataclass(frozen=True)
class Plan:
    """One environment to check, with its source list as the manifest names it."""

    name: str | None
    production: bool
    sources: tuple[str, ...]

    def label(self) -> str:
        return self.name or "the process environment"


def load_environment(
    plan: Plan,
    base: Path,
    root: Path,
    process: Mapping[str, str],
    cache: dict[tuple[str, bool], DotenvFile],
) -> EnvironmentValues:
    """Read every source of ``plan``; dotenv files are parsed once per run via ``cache``."""
    use_process = PROCESS in plan.sources
    # ${VAR} in a file may resolve from the process environment only when it is a source here.
    lookup: Mapping[str, str] = process if use_process else {}
    files: list[DotenvFile] = []
    for source in plan.sources:
        if source == PROCESS:
            continue
        path = (base / source).resolve()
        shown = _shown(path, root, source)
        key = (shown, use_process)
        if key not in cache:
            cache[key] = read_dotenv(path, shown, lookup)
        files.append(cache[key])
    return EnvironmentValues(files=files, process=process if use_process else None)


def _shown(path: Path, root: Path, fallback: str) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return fallback


def plan_sources(global_sources: Sequence[str], env_files: Sequence[str]) -> tuple[str, ...]:
    """``env.sources`` then the environment's own files, without repeats."""
    return tuple(dict.fromkeys([*global_sources, *env_files]))

"""How a rule finds values in a line, and the tests a value must pass to be reported.

A rule is a Python regex (the value is its ``secret`` group, or ``secret2``... in alternatives)
or a detect-secrets plugin; generic rules also face detect-secrets' false-positive heuristics.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import pkgutil
import re
from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from launchgate.secretscan.rules import compile_pattern

B64ISH = re.compile(r"[A-Za-z0-9+/=_-]+")
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z_$.]*$")
# A single word or a camel/Pascal-case name ("Kennwort", "userPassword"): a label, translation
# or field name. Generic rules only; a real password that is one plain word is missed, knowingly.
_WORDLIKE = re.compile(r"^[A-Za-z][a-z]+(?:[A-Z][a-z]+)*$")


def shannon_entropy(value: str) -> float:
    """Bits per character; random base64 is about 6, English words about 3."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def char_classes(value: str) -> int:
    """How many of lower, upper, digit and symbol (not separators) the value mixes."""
    classes = (
        any(c.islower() for c in value),
        any(c.isupper() for c in value),
        any(c.isdigit() for c in value),
        any(not c.isalnum() and c not in "_-./" for c in value),
    )
    return sum(classes)


@lru_cache(maxsize=1)
def _plugin_classes() -> dict[str, type]:
    """detect-secrets plugin classes by class name (imported once, lazily)."""
    import detect_secrets.plugins as pkg
    from detect_secrets.plugins.base import BasePlugin

    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        for name, obj in vars(module).items():
            if isinstance(obj, type) and issubclass(obj, BasePlugin) and obj is not BasePlugin:
                found[name] = obj
    return found


Matcher = Callable[[str], Iterator[tuple[str, int]]]


def regex_matcher(pattern: str, source: str) -> Matcher:
    compiled = compile_pattern(pattern, source)
    # ``secret``, or ``secret2``, ``secret3``... in alternatives: the first one that matched.
    named = sorted((g for g in compiled.groupindex if re.fullmatch(r"secret\d*", g)), key=len)
    groups: list[str | int] = [*named] or [0]
    quoted = "q" in compiled.groupindex

    def run(text: str) -> Iterator[tuple[str, int]]:
        for m in compiled.finditer(text):
            group = next((g for g in groups if m.group(g)), None)
            if group is None:
                continue
            value = m.group(group)
            if quoted and not m.group("q") and _IDENTIFIER.match(value):
                continue  # an unquoted bare word is a variable name, not a literal
            yield value, m.start(group)

    return run


def _plugin_class(name: str) -> type:
    cls = _plugin_classes().get(name)
    if cls is None:
        raise ValueError(f"detect-secrets has no plugin named {name!r}")
    return cls


_INLINE_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"))


def plugin_regexes(name: str) -> list[str] | None:
    """The regexes a detect-secrets plugin finds values with (inline flags written out), or
    None when its ``analyze_string`` is not the regex-based one (then nothing says where it
    may match). They put the plugin into the rule database as exactly as a rule's own regex."""
    from detect_secrets.plugins.base import RegexBasedDetector

    cls = _plugin_class(name)
    if not issubclass(cls, RegexBasedDetector) or (
        cls.analyze_string is not RegexBasedDetector.analyze_string
    ):
        return None
    out = []
    for regex in cls().denylist:
        if not isinstance(regex, re.Pattern) or not isinstance(regex.pattern, str):
            return None
        flags = "".join(letter for flag, letter in _INLINE_FLAGS if regex.flags & flag)
        out.append(f"(?{flags}){regex.pattern}" if flags else regex.pattern)
    return out or None


def plugins_version() -> str:
    """detect-secrets' version, read without importing it (the rule database's cache key)."""
    spec = importlib.util.find_spec("detect_secrets")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            return (Path(folder) / "__version__.py").read_text(encoding="utf-8").strip()
        except OSError:
            continue
    return "unknown"


def plugin_matcher(name: str, *, check_now: bool = True) -> Matcher:
    """A detect-secrets plugin as a matcher. Importing the plugins costs ~0.3 s, so a built-in
    rule (``check_now=False``: its name is checked by the tests) imports them only when a line
    first reaches it; a user's rule is checked at once, so a wrong name fails at load."""
    plugins: list[Any] = []
    if check_now:
        plugins.append(_plugin_class(name)())

    def run(text: str) -> Iterator[tuple[str, int]]:
        if not plugins:
            plugins.append(_plugin_class(name)())
        for value in plugins[0].analyze_string(text):
            if value:
                yield value, max(text.find(value), 0)

    return run


@lru_cache(maxsize=1)
def _heuristic() -> ModuleType:
    """detect-secrets' heuristics, imported when a generic value first needs them: importing
    detect_secrets loads its whole plugin machinery (~0.15 s), which every scan worker and
    every run without a generic candidate would pay for nothing."""
    from detect_secrets.filters import heuristic

    return heuristic


def generic_noise(value: str, line: str) -> bool:
    """detect-secrets' own false-positive heuristics, applied to generic keyword rules only."""
    heuristic = _heuristic()
    return bool(
        heuristic.is_sequential_string(value)
        or heuristic.is_potential_uuid(value)
        or heuristic.is_templated_secret(value)
        or heuristic.is_prefixed_with_dollar_sign(value)
        or heuristic.is_indirect_reference(line)
        or _WORDLIKE.match(value) is not None
        or not B64ISH.search(value)
    )

"""Regular expressions that users write (manifest patterns, rule packs): linear time, always.

On a pull request these come from the change's author. Python's backtracking engine can take
exponential time on ``(a+)+$`` and holds the GIL while it does, so no timeout can even fire.
RE2 guarantees time linear in the input and refuses backreferences and lookaround when the
pattern is compiled, which makes the refusal a clear error at load time rather than a hang at
scan time. Built-in packs, which we review, keep Python's ``re`` (they use lookaround).

:class:`LinearPattern` offers the part of ``re.Pattern`` that launchgate uses, named groups
included (RE2's Python match objects take group numbers only).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Protocol

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors are raised; RE2 must not also write to stderr


class TextPattern(Protocol):
    """What ``re.Pattern[str]`` and :class:`LinearPattern` have in common, as launchgate uses it."""

    @property
    def pattern(self) -> str: ...

    def search(self, text: str, /) -> Any: ...

    def match(self, text: str, /) -> Any: ...

    def fullmatch(self, text: str, /) -> Any: ...

    def finditer(self, text: str, /) -> Iterator[Any]: ...

    @property
    def groupindex(self) -> Mapping[str, int]: ...


class UnsafePatternError(ValueError):
    """The pattern is not valid RE2 syntax (e.g. lookaround or a backreference)."""


class LinearMatch:
    """One match, with ``group``/``start``/``end``/``span`` by number or by name."""

    def __init__(self, match: Any, groupindex: Mapping[str, int]) -> None:
        self._match = match
        self._groupindex = groupindex

    def _index(self, group: int | str) -> int:
        return self._groupindex[group] if isinstance(group, str) else group

    def group(self, group: int | str = 0) -> str | None:
        value = self._match.group(self._index(group))
        return None if value is None else str(value)

    def start(self, group: int | str = 0) -> int:
        return int(self._match.start(self._index(group)))

    def end(self, group: int | str = 0) -> int:
        return int(self._match.end(self._index(group)))

    def span(self, group: int | str = 0) -> tuple[int, int]:
        return self.start(group), self.end(group)


class LinearPattern:
    """A compiled RE2 pattern with the ``re.Pattern`` methods launchgate needs."""

    def __init__(self, pattern: str, ignore_case: bool = False) -> None:
        self._pattern = pattern
        source = f"(?i){pattern}" if ignore_case else pattern
        try:
            self._compiled = re2.compile(source, options=_OPTIONS)
        except re2.error as exc:
            reason = exc.args[0] if exc.args else exc
            if isinstance(reason, bytes):
                reason = reason.decode("utf-8", "replace")
            raise UnsafePatternError(
                f"{reason} (patterns you supply run on RE2, in linear time: no lookaround and "
                "no backreferences, so that no input can hang the gate)"
            ) from None
        self._groupindex: Mapping[str, int] = dict(self._compiled.groupindex)

    @property
    def pattern(self) -> str:
        return self._pattern

    @property
    def groupindex(self) -> Mapping[str, int]:
        return self._groupindex

    def _wrap(self, match: Any) -> LinearMatch | None:
        return None if match is None else LinearMatch(match, self.groupindex)

    def search(self, text: str, /) -> LinearMatch | None:
        return self._wrap(self._compiled.search(text))

    def match(self, text: str, /) -> LinearMatch | None:
        return self._wrap(self._compiled.match(text))

    def fullmatch(self, text: str) -> LinearMatch | None:
        return self._wrap(self._compiled.fullmatch(text))

    def finditer(self, text: str, /) -> Iterator[LinearMatch]:
        for match in self._compiled.finditer(text):
            yield LinearMatch(match, self.groupindex)


def compile_user(pattern: str, ignore_case: bool = False) -> LinearPattern:
    """Compile a user-supplied pattern; :class:`UnsafePatternError` says why it is refused."""
    return LinearPattern(pattern, ignore_case)

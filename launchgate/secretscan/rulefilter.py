"""Which lines can hold a finding, and which rules can match there: every rule in one database.

The keyword prefilter sends every line holding ``token`` or ``password`` to Python; on real code
that is most lines with a keyword, and each costs a decode, a routing scan and the rules' regexes.
With Hyperscan installed, each rule's own pattern goes into one database instead, as a
relaxation that matches wherever the rule could (:mod:`~launchgate.secretscan.hsregex`); rules it
cannot hold (a user's RE2 patterns, a plugin that is not regex-based) go in as their keywords; a
regex-based detect-secrets plugin goes in as its own regexes. One scan of
a whole buffer then names the few candidate lines, and a scan of each candidate line names the
rules worth running there. Two more patterns keep what the per-line analysis does beyond the
rules' own text exact: a line with a percent or unicode escape of punctuation is read a second
time unescaped, and the unescaped text may match where the raw line does not, so such a line is
a candidate. A line longer than ``MAX_LINE`` needs nothing more: it is read in windows, and a
window can only match where the whole line does. (A pattern for such lines, ``[^\n]{4097}``,
cost two thirds of the database's scan time.)

The rules' Python regexes still decide every finding, so findings are those of the keyword
engine (the tests compare both). Compiling the database takes a second or two, so it is cached
on disk by a hash of everything that went into it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from launchgate.secretscan.hsregex import Untranslatable, keywords_relaxed, relaxed
from launchgate.secretscan.matchers import plugin_regexes, plugins_version

_PUNCT = [b for b in range(0x20, 0x7F) if not chr(b).isalnum()]
_HEX = "|".join(f"{b:02x}" for b in _PUNCT)
# The escapes detector.unescape_in_place restores (caseless: %2f and %2F; \U00.. is extra).
ESCAPE = f"(?:%|\\\\u00|\\\\x)(?:{_HEX})".encode()
_CACHE_VERSION = b"1"
_CACHE_KEEP = 8  # databases kept (one per set of rule packs in use)


# (python regex, keywords, whole-file, detect-secrets plugin name)
RuleInput = tuple[str | None, tuple[str, ...], bool, str | None]


class RuleFilter:
    """One Hyperscan database of every rule (by index), escapes and long lines."""

    name = "hyperscan"

    def __init__(self, db: Any, ids: Sequence[int], always: frozenset[int]) -> None:
        self.always = always  # rules no pattern stands for: worth running on every line
        self.rules = len(ids)
        self._ids = list(ids)
        self._db = db

    def lines(self, buf: bytes) -> list[int]:
        """Ascending offsets, at least one inside every line that can hold a finding."""
        if not buf:
            return []
        out: list[int] = []
        add = out.append

        def on_match(_ident: int, _from: int, to: int, _flags: int, _ctx: object) -> None:
            add(to - 1)

        self._db.scan(buf, match_event_handler=on_match)
        return out

    def rules_if_any(self, text: bytes) -> set[int] | None:
        """:meth:`rules_in` when anything in the database matches ``text`` (a rule, an escape),
        else None: one scan answers both questions for a window of a long line."""
        found: set[int] = set(self.always)
        ids, n = self._ids, self.rules
        seen: list[bool] = []

        def on_match(ident: int, _from: int, _to: int, _flags: int, _ctx: object) -> None:
            seen.append(True)
            if ident < n:
                found.add(ids[ident])

        self._db.scan(text, match_event_handler=on_match)
        return found if seen else None

    def rules_in(self, line: bytes) -> set[int]:
        """Indices of the rules whose pattern (or keywords) match in ``line``."""
        found: set[int] = set(self.always)
        ids, n = self._ids, self.rules

        def on_match(ident: int, _from: int, _to: int, _flags: int, _ctx: object) -> None:
            if ident < n:
                found.add(ids[ident])

        self._db.scan(line, match_event_handler=on_match)
        return found


def rule_patterns(rules: Sequence[RuleInput]) -> tuple[list[tuple[int, bytes]], frozenset[int]]:
    """Each rule's patterns for the database, from ``(regex, keywords, whole, plugin)``.

    ``regex`` is None for a rule that is not a Python regex: a plugin stands for itself by its
    own regexes when it has them (``BasicAuthDetector``'s keyword ``://`` made every line with a
    URL a candidate), otherwise its keywords do (a user's RE2 pattern too). ``whole`` rules
    read every line of their files (found by path, not by content), so they are always worth
    running and add nothing to the database.
    """
    out: list[tuple[int, bytes]] = []
    always: set[int] = set()
    for index, (regex, keywords, whole, plugin) in enumerate(rules):
        if whole:
            always.add(index)
            continue
        regexes = [regex] if regex else (_plugin_regexes(plugin) if plugin else None)
        try:
            if not regexes:
                raise Untranslatable("no regex")
            found = [relaxed(r) for r in regexes]
        except Untranslatable:
            try:
                found = [keywords_relaxed(keywords)]
            except Untranslatable:
                always.add(index)
                continue
        out.extend((index, pattern) for pattern in found)
    return out, frozenset(always)


def _plugin_regexes(name: str) -> list[str] | None:
    try:
        return plugin_regexes(name)
    except ValueError:  # no such plugin: the rule's own load reports it
        return None


def _database(hs: Any, rules: Sequence[RuleInput]) -> RuleFilter:
    """The filter, from the on-disk cache when the same rules were compiled by this build."""
    key = hashlib.sha256(_CACHE_VERSION + str(getattr(hs, "__version__", "")).encode())
    key.update(json.dumps(rules).encode())
    if any(plugin for *_rest, plugin in rules):
        key.update(plugins_version().encode())  # the plugins' regexes are in the database
    path = _cache_dir() / f"hs-{key.hexdigest()[:32]}.db"
    with contextlib.suppress(Exception):  # missing, unreadable, truncated or from another build
        head, _, blob = path.read_bytes().partition(b"\n")
        meta = json.loads(head)
        db = hs.loadb(blob, hs.HS_MODE_BLOCK)
        db.scratch = hs.Scratch(db)
        db.scan(b"probe\n", match_event_handler=lambda *_a: None)
        return RuleFilter(db, [int(i) for i in meta["ids"]], frozenset(meta["always"]))
    patterns, always = rule_patterns(rules)
    exprs = [p for _, p in patterns] + [ESCAPE]
    flags = [hs.HS_FLAG_MULTILINE] * len(patterns) + [hs.HS_FLAG_CASELESS]
    db = _compile(hs, exprs, flags)
    ids = [i for i, _ in patterns]
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".hs-")
        with os.fdopen(fd, "wb") as out:
            out.write(json.dumps({"ids": ids, "always": sorted(always)}).encode() + b"\n")
            out.write(hs.dumpb(db))
        os.replace(tmp, path)
        _prune(path.parent)
    return RuleFilter(db, ids, always)


def _prune(cache: Path) -> None:
    """Keep the most recently written databases only (each rule-pack change makes a new one)."""
    found = sorted(cache.glob("hs-*.db"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in found[_CACHE_KEEP:]:
        old.unlink(missing_ok=True)


def _compile(hs: Any, exprs: list[bytes], flags: list[int]) -> Any:
    """Compile; a pattern Hyperscan refuses (a user's) is retried as a prefilter, then replaced
    by one that matches every non-empty line (its rule then runs wherever its keywords are)."""
    db = hs.Database(mode=hs.HS_MODE_BLOCK)
    try:
        db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
        return db
    except hs.error:
        pass
    fixed_exprs, fixed_flags = [], []
    for expr, flag in zip(exprs, flags, strict=True):
        for attempt, extra in ((expr, 0), (expr, hs.HS_FLAG_PREFILTER), (b"^[^\\n]", 0)):
            probe = hs.Database(mode=hs.HS_MODE_BLOCK)
            try:
                probe.compile(expressions=[attempt], ids=[0], elements=1, flags=[flag | extra])
            except hs.error:
                continue
            fixed_exprs.append(attempt)
            fixed_flags.append(flag | extra)
            break
    db.compile(
        expressions=fixed_exprs,
        ids=list(range(len(fixed_exprs))),
        elements=len(fixed_exprs),
        flags=fixed_flags,
    )
    return db


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "launchgate"


def build_filter(rules: Sequence[RuleInput]) -> RuleFilter | None:
    """The rule database when Hyperscan is the engine (see ``engine.chosen_engine``), else None:
    the keyword engine then finds candidate lines, as without Hyperscan."""
    from launchgate.secretscan.engine import chosen_engine, load_hyperscan

    if chosen_engine() == "python":
        return None
    hs = load_hyperscan()
    if hs is None:
        return None  # keyword_search has already refused LAUNCHGATE_ENGINE=hyperscan
    return _database(hs, rules)

"""Line detector: a byte-level keyword prefilter, keyword routing, detectors and the allowlist.

Speed comes from doing as little Python per line as possible: one scan of a whole buffer (git
output or a file) finds the few candidate lines, each candidate line goes only to the rules whose
keywords it contains, and results are cached per distinct line so the same added line in many
commits is analysed once. With Hyperscan the scan is of every rule's pattern and a line goes
only to the rules that may match it (:mod:`~launchgate.secretscan.rulefilter`); without it, of the
keywords (a trie regex, :mod:`~launchgate.secretscan.engine`). Findings are the same either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from launchgate.secretscan import shapes
from launchgate.secretscan.engine import KeywordSearch, keyword_search
from launchgate.secretscan.linetext import ESCAPE, char_offsets, decode_base64, unescape_in_place
from launchgate.secretscan.matchers import (
    Matcher,
    char_classes,
    generic_noise,
    plugin_matcher,
    regex_matcher,
    shannon_entropy,
)
from launchgate.secretscan.pathglobs import header_literal, path_matches, paths_prefilter
from launchgate.secretscan.rulefilter import RuleFilter, build_filter
from launchgate.secretscan.rules import (
    AllowEntry,
    RuleSet,
    SecretRule,
    compile_pattern,
    is_builtin_pack,
)
from launchgate.trie import trie_pattern

# detect-secrets' spellings (with a space or a hyphen) and gitleaks', to ease migration.
INLINE_MARKERS = (
    "pragma: allowlist secret",
    "pragma: allowlist-secret",
    "pragma: whitelist secret",
    "gitleaks:allow",
)
NEXTLINE_MARKER = "pragma: allowlist nextline secret"
MAX_LINE = 4096  # longer lines (minified bundles) are scanned in windows around keyword hits
_WINDOW_BEFORE = 256
_WINDOW_AFTER = 1024
_WINDOW_MARGIN = 600  # longest value expected after its keyword (1Password tokens ~ 450)
_CACHE_LIMIT = 400_000


@dataclass(frozen=True)
class Hit:
    """A secret found in one line: its rule, its value and its 1-based column."""

    rule: str
    value: str
    column: int
    extend: bool = False  # multiline rule: the value continues on the next line


@dataclass(frozen=True)
class _Compiled:
    rule: SecretRule
    match: Matcher
    allow: tuple[AllowEntry, ...]
    valid: Callable[[str], bool] | None = None
    proven: Callable[[str], bool] | None = None


class Detector:
    """Finds secrets in lines. Build once per process; ``scan`` is cached per distinct line."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._compiled: list[_Compiled] = []
        self._index: dict[str, _Compiled] = {}
        self._by_keyword: dict[str, list[int]] = {}
        for rule in ruleset.rules:
            try:
                matcher = (
                    regex_matcher(rule.regex, rule.source)
                    if rule.regex
                    else plugin_matcher(
                        rule.plugin or "", check_now=not is_builtin_pack(rule.source)
                    )
                )
            except ValueError as exc:
                raise ValueError(f"{rule.source}: {rule.id}: {exc}") from None
            allow = tuple(a for a in ruleset.allow if a.applies_to(rule))
            valid = shapes.validator(rule.validate) if rule.validate else None
            proven = shapes.proof(rule.proof) if rule.proof else None
            self._compiled.append(_Compiled(rule, matcher, allow, valid, proven))
            self._index[rule.id] = self._compiled[-1]
            for kw in rule.keywords:
                # Rules scoped to paths are routed by path; their keywords only reach the
                # prefilter (so the lines come here at all).
                routed = self._by_keyword.setdefault(kw, [])
                if not rule.paths:
                    routed.append(len(self._compiled) - 1)
        self._scoped = [i for i, c in enumerate(self._compiled) if c.rule.paths]
        self._by_path: dict[str, tuple[tuple[int, ...], bool]] = {}
        self._maybe_scoped = paths_prefilter(
            [p for i in self._scoped for p in self._compiled[i].rule.paths]
        )
        self._keywords = sorted(self._by_keyword)
        self.search: KeywordSearch = keyword_search(self._keywords)
        self.filter: RuleFilter | None = build_filter(
            [
                (
                    c.rule.regex if c.rule.regex and is_builtin_pack(c.rule.source) else None,
                    c.rule.keywords,
                    bool(c.rule.paths) and not c.rule.keywords,
                    c.rule.plugin,
                )
                for c in self._compiled
            ]
        )
        # History: a literal of each whole-file rule's paths finds their diff headers, so the
        # patch scanner can read every line those files add (they have no keywords to find).
        literals = {
            header_literal(glob)
            for i in self._scoped
            if not self._compiled[i].rule.keywords
            for glob in self._compiled[i].rule.paths
        }
        self.file_search: KeywordSearch | None = (
            keyword_search(sorted(literals)) if literals else None
        )
        # Routing a line: the longest keyword starting at each place (one C-level scan), each
        # standing for every keyword inside it, gives exactly the keywords the line contains.
        self._routing = re.compile(f"(?=({trie_pattern(self._keywords)}))")
        self._routed_by = {  # rule index -> the keywords that route lines to it
            i: tuple(kw for kw, rules in self._by_keyword.items() if i in rules)
            for i in range(len(self._compiled))
            if not self._compiled[i].rule.paths
        }
        self._routes = {
            kw: frozenset(
                i for inner in self._keywords if inner in kw for i in self._by_keyword[inner]
            )
            for kw in self._keywords
        }
        self._value_res = {
            a.id: compile_pattern(a.value_regex, a.source) for a in ruleset.allow if a.value_regex
        }
        self._line_res = {
            a.id: compile_pattern(a.line_regex, a.source) for a in ruleset.allow if a.line_regex
        }
        self._cache: dict[str, tuple[Hit, ...]] = {}
        self.lines_analysed = 0

    # ------------------------------------------------------------------ per line

    def candidates(self, buf: bytes) -> list[int]:
        """Ascending offsets, one or more in each line of ``buf`` that may hold a finding: lines
        a rule may match (Hyperscan) or lines holding a keyword (the pure-Python engine)."""
        return self.filter.lines(buf) if self.filter is not None else self.search.starts(buf)

    def scan(self, text: str, path: str, previous: str | None = None) -> tuple[list[Hit], int]:
        """Hits in one line (after path allowlists and inline markers) and markers honoured."""
        scoped, whole = self._path_rules(path) if self._scoped else ((), False)
        if len(text) > MAX_LINE:
            hits = [] if self._unread(text, whole) else self._scan_long(text, scoped)
        elif scoped:
            # few files: not worth a cache entry
            hits = [] if self._unread(text, whole) else list(self._analyse_line(text, scoped))
        else:
            cached = self._cache.get(text)
            if cached is None:
                cached = () if self._unread(text, False) else self._analyse_line(text)
                if len(self._cache) >= _CACHE_LIMIT:
                    self._cache.clear()
                self._cache[text] = cached
            hits = list(cached)
        if not hits:
            return [], 0
        hits = [h for h in hits if not self._path_allowed(h, path)]
        if not hits:
            return [], 0
        if any(m in text for m in INLINE_MARKERS) or (
            previous is not None and NEXTLINE_MARKER in previous
        ):
            return [], len(hits)
        return hits, 0

    def _unread(self, text: str, whole: bool) -> bool:
        """A candidate of the rule database that the keyword engine would not have read (no
        keyword, not a whole-file line): skipped, so both engines read the same lines."""
        if self.filter is None or whole:
            return False
        if text.isascii():  # the keyword engine's ASCII case folding is str.lower here
            return self._routing.search(text.lower()) is None
        return not self.search.starts(text.encode("utf-8", "surrogatepass"))

    def _analyse_line(self, text: str, scoped: tuple[int, ...] = ()) -> tuple[Hit, ...]:
        """A whole line: with Hyperscan, only the rules whose pattern matches it are run."""
        if self.filter is None:
            return self._analyse(text, scoped)
        return self._analyse(
            text, scoped, self.filter.rules_in(text.encode("utf-8", "surrogatepass"))
        )

    def _scan_long(self, text: str, scoped: tuple[int, ...] = ()) -> list[Hit]:
        """Minified bundles: analyse windows around each keyword hit, not the whole line.

        With the rule database, each window is read like a line: only when some pattern matches
        in it, and then only by the rules whose pattern does (a keyword-dense 10 MB line took
        ~30 s of Python when every window was read by every rule its keywords route to)."""
        seen: set[tuple[str, str]] = set()
        out: list[Hit] = []
        last_end = -1
        raw = text.encode("utf-8", "surrogatepass")
        for pos in char_offsets(text, self.search.starts(raw)):
            if pos + _WINDOW_MARGIN <= last_end:
                continue  # the previous window holds this hit and any value that follows it
            start = max(0, pos - _WINDOW_BEFORE)
            last_end = min(len(text), pos + _WINDOW_AFTER)
            window = text[start:last_end]
            allowed = None
            if self.filter is not None:
                allowed = self.filter.rules_if_any(window.encode("utf-8", "surrogatepass"))
                if allowed is None:
                    continue  # no rule's pattern (nor an escape) in it: no finding either
            for hit in self._analyse(window, scoped, allowed):
                if last_end < len(text) and hit.column - 1 + len(hit.value) >= last_end - start:
                    continue  # cut by the window's end: a later window sees it whole
                key = (hit.rule, hit.value)
                if key not in seen:
                    seen.add(key)
                    out.append(Hit(hit.rule, hit.value, hit.column + start, hit.extend))
        return out

    def whole_file(self, path: str) -> bool:
        """Does a rule scoped to this path read every line (it has no keywords to route by)?"""
        return bool(self._scoped) and self._path_rules(path)[1]

    def _path_rules(self, path: str) -> tuple[tuple[int, ...], bool]:
        """Indices of the rules scoped to ``path``, and whether one of them has no keywords."""
        found = self._by_path.get(path)
        if found is None and not self._maybe_scoped.match(path):
            found = self._by_path[path] = ((), False)  # most paths: one regex says no
        if found is None:
            rules = tuple(
                i
                for i in self._scoped
                if any(path_matches(path, p) for p in self._compiled[i].rule.paths)
            )
            whole = any(not self._compiled[i].rule.keywords for i in rules)
            found = self._by_path[path] = (rules, whole)
            if len(self._by_path) > _CACHE_LIMIT:
                self._by_path.clear()
        return found

    def _analyse(
        self, text: str, scoped: tuple[int, ...] = (), allowed: set[int] | None = None
    ) -> tuple[Hit, ...]:
        """Route the line to rules whose keywords it contains; keep non-overlapping hits.

        ``scoped`` rules (those whose ``paths`` match the file) come first: they know the file's
        format, so they decide what a value is and how severe it is there.

        A line with percent or unicode escapes is read a second time with the escaped
        punctuation restored in place (``access_token%3Dghp_…`` as ``access_token=  ghp_…``):
        a token right after ``%3D`` or ``\\u0022`` is glued to a letter or digit, which the
        rules' word boundaries refuse.

        ``allowed`` (the rules whose database pattern matches the line) limits the first read.
        """
        self.lines_analysed += 1
        hits: list[Hit] = []
        spans: list[tuple[int, int]] = []
        self._match_rules(text, scoped, hits, spans, allowed)
        if ESCAPE.search(text):
            unescaped = unescape_in_place(text)
            if unescaped != text:
                self._match_rules(unescaped, scoped, hits, spans)
        return tuple(self._decoded(hit) for hit in hits)

    def _decoded(self, hit: Hit) -> Hit:
        """A generic hit whose value is base64 of a known kind of secret (a Kubernetes
        ``Secret``'s ``data:`` values are stored so) is reported as what it holds."""
        if not self._compiled_by_id(hit.rule).rule.generic:
            return hit
        text = decode_base64(hit.value)
        if text is None:
            return hit
        inner: list[Hit] = []
        self._match_rules(text, (), inner, [])
        for found in inner:
            if not self._compiled_by_id(found.rule).rule.generic and not found.extend:
                return Hit(found.rule, found.value, hit.column)
        return hit

    def _match_rules(
        self,
        text: str,
        scoped: tuple[int, ...],
        hits: list[Hit],
        spans: list[tuple[int, int]],
        allowed: set[int] | None = None,
    ) -> None:
        low = text.lower()
        if allowed is None:
            order = [*scoped, *sorted(self.routed(low))]  # specific rules before generic ones
        else:
            # The same order, among the few rules the database allows: a rule is routed to a
            # line exactly when one of its keywords is in it.
            order = [i for i in scoped if i in allowed]
            order += sorted(
                i
                for i in allowed
                if i in self._routed_by and any(k in low for k in self._routed_by[i])
            )
        for index in order:
            compiled = self._compiled[index]
            for value, start in compiled.match(text):
                end = start + len(value)
                if any(start < e and s < end for s, e in spans):
                    continue
                if not self._accept(compiled, value, text):
                    continue
                spans.append((start, end))
                hits.append(Hit(compiled.rule.id, value, start + 1, compiled.rule.multiline))

    def routed(self, low: str) -> set[int]:
        """Indices of the rules one of whose keywords the lowercased line contains."""
        chosen: set[int] = set()
        for m in self._routing.finditer(low):
            chosen.update(self._routes[m.group(1)])
        return chosen

    def _accept(self, compiled: _Compiled, value: str, line: str) -> bool:
        rule = compiled.rule
        if len(value) < rule.min_length:
            return False
        if rule.entropy and shannon_entropy(value) < rule.entropy:
            return False
        if rule.min_char_classes and char_classes(value) < rule.min_char_classes:
            return False
        if rule.generic and generic_noise(value, line):
            return False
        if compiled.valid is not None and not compiled.valid(value):
            return False
        proven = compiled.proven is not None and compiled.proven(value)
        return not any(
            self._allowed(a, value, line, None)
            for a in compiled.allow
            if not a.paths and not (proven and a.yields_to_proof)
        )

    def _allowed(self, entry: AllowEntry, value: str, line: str, path: str | None) -> bool:
        if entry.values and value not in entry.values:
            return False
        value_re = self._value_res.get(entry.id)
        if value_re is not None and not value_re.search(value):
            return False
        line_re = self._line_res.get(entry.id)
        if line_re is not None and not line_re.search(line):
            return False
        if entry.paths:
            if path is None:
                return False
            return any(path_matches(path, pattern) for pattern in entry.paths)
        return True

    def scoped(self, path: str) -> bool:
        """Do rules scoped to paths apply at ``path`` (so a version there is read as itself)?"""
        return bool(self._scoped) and bool(self._path_rules(path)[0])

    def path_allowed(self, rule: str, value: str, path: str) -> bool:
        """Is a hit of ``rule`` allowed at ``path`` by an allowlist entry that names paths?"""
        return self._path_allowed(Hit(rule, value, 0), path)

    def _path_allowed(self, hit: Hit, path: str) -> bool:
        compiled = self._compiled_by_id(hit.rule)
        return any(self._allowed(a, hit.value, "", path) for a in compiled.allow if a.paths)

    def _compiled_by_id(self, rule_id: str) -> _Compiled:
        return self._index[rule_id]

    def rule(self, rule_id: str) -> SecretRule:
        return self._compiled_by_id(rule_id).rule

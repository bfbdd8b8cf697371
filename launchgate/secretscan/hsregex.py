"""A rule's Python regex as a Hyperscan pattern that matches wherever the Python one could.

Hyperscan reads bytes and has no lookaround or backreferences; Python's ``re`` reads text with
Unicode classes and case folding. So the rule is not handed over as written. Its parse tree is
rewritten into a *relaxation*: a byte pattern that matches the UTF-8 of every substring the
Python regex matches (in a line, in any piece of a line, in any context), and maybe more:

* zero-width assertions (``^``, ``$``, ``\\b``, lookaround) are dropped: the rest still matches;
  except the negative lookbehinds of literals right after a run (``[\\w.-]*(?<!_field)``, a
  name that must not end in ``_field``), which become the runs that do not end so: dropping them
  made every ``password_field = ...`` line a candidate;
* a backreference becomes a copy of the group it repeats;
* each single-character item is its ASCII byte class plus, when the item also takes non-ASCII
  characters (``\\w``, ``[^"]``, ``.``), any run of bytes >= 0x80: one UTF-8 character, or
  the U+FFFD that an undecodable byte became, counts as one repetition, so ``{16,256}`` keeps
  counting characters;
* a case-insensitive ASCII letter also takes the only non-ASCII characters Python folds onto
  ASCII letters (U+0130 and U+0131 for i, U+017F for s, the Kelvin sign U+212A for k);
* no item takes ``\\n``: a match never leaves its line.

A candidate line is then confirmed by the rule's own Python regex, so findings never depend on
the relaxation; it only decides which lines are worth that work. A pattern this module cannot
rewrite raises :class:`Untranslatable` and its rule is found by its keywords instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser as sre  # type: ignore[attr-defined]
from typing import Any

_HIGH = "[\\x80-\\xff]+"
# Python's case-insensitive match of these ASCII letters also takes these characters (checked
# against every code point by a test).
_FOLDS = {"i": ("\u0130", "\u0131"), "k": ("\u212a",), "s": ("\u017f",)}
_NEWLINE = 10
_ALL = frozenset(range(128)) - {_NEWLINE}
_DIGITS = frozenset(range(48, 58))
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
# Python's str ``\s`` on ASCII: the usual five, space, and the four information separators.
_SPACE = frozenset(b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")
_CATEGORIES = {
    c.CATEGORY_DIGIT: _DIGITS,
    c.CATEGORY_NOT_DIGIT: _ALL - _DIGITS,
    c.CATEGORY_SPACE: _SPACE,
    c.CATEGORY_NOT_SPACE: _ALL - _SPACE,
    c.CATEGORY_WORD: _WORD,
    c.CATEGORY_NOT_WORD: _ALL - _WORD,
}


class Untranslatable(ValueError):
    """The pattern uses something the relaxation does not know (its rule uses keywords)."""


def relaxed(pattern: str) -> bytes:
    """The Hyperscan pattern (bytes, no flags needed) for Python regex ``pattern``."""
    try:
        parsed = sre.parse(pattern)
    except re.error as exc:
        raise Untranslatable(str(exc)) from None
    flags = parsed.state.flags
    if flags & (re.ASCII | re.LOCALE | re.DOTALL):
        # DOTALL lets ``.`` take a newline; ASCII/LOCALE change classes. Not in our packs.
        raise Untranslatable("unsupported global flag")
    groups: dict[int, Any] = {}
    _collect_groups(parsed, groups)
    out = _Writer(groups).sequence(_trimmed(list(parsed)), bool(flags & re.IGNORECASE), True)
    if not out:
        raise Untranslatable("matches only the empty string")
    return out.encode("ascii")


def keywords_relaxed(keywords: Iterable[str]) -> bytes:
    """A pattern for "the lowercased line contains one of ``keywords``" (how rules are routed)."""
    words = sorted({k.lower() for k in keywords}, key=lambda w: (-len(w), w))  # deterministic
    if not words:
        raise Untranslatable("no keywords")
    return relaxed("(?i)(?:" + "|".join(re.escape(w) for w in words) + ")")


def _trimmed(items: list[Any]) -> list[Any]:
    """Without what may follow the last required item: fewer match ends to report, each the
    end of a prefix of some match (a trailing lookahead stays: it is made to consume)."""
    while items:
        op, av = items[-1]
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            if av[0] == 0:
                items.pop()
                continue
            items[-1] = (op, (av[0], av[0], av[2]))
        elif (
            (op is c.AT and av not in (c.AT_END, c.AT_END_STRING))
            or op is c.ASSERT_NOT
            or (op is c.ASSERT and av[0] == -1)
        ):
            items.pop()
            continue
        break
    while items:  # and before the first required one: a match contains a match of the rest
        op, av = items[0]
        if (
            (op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] == 0)
            or op is c.ASSERT_NOT
            or (op is c.ASSERT and av[0] == -1)
        ):
            items.pop(0)
        else:
            break
    return items


def _collect_groups(items: Any, groups: dict[int, Any]) -> None:
    for op, av in items:
        if op is c.SUBPATTERN:
            if av[0] is not None:
                groups[av[0]] = (av[3], av[1], av[2])
            _collect_groups(av[3], groups)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            _collect_groups(av[2], groups)
        elif op is c.BRANCH:
            for alt in av[1]:
                _collect_groups(alt, groups)
        elif op is c.ATOMIC_GROUP:
            _collect_groups(av, groups)


class _Writer:
    def __init__(self, groups: dict[int, Any]) -> None:
        self.groups = groups

    def sequence(self, items: Sequence[Any], caseless: bool, at_end: bool = False) -> str:
        last = len(items) - 1
        out: list[str] = []
        i = 0
        while i <= last:
            op, av = items[i]
            run, taken = _run_not_ending_in(items, i, caseless)
            if run is not None:
                out.append(run)
                i += taken
                continue
            out.append(self.item(op, av, caseless, at_end and i == last))
            i += 1
        return "".join(out)

    def item(self, op: Any, av: Any, caseless: bool, at_end: bool = False) -> str:
        if op is c.AT and av in (c.AT_BEGINNING, c.AT_BEGINNING_STRING):
            return "^\\+*"  # a line's start (in history, after the diff's + columns)
        if op is c.AT and av in (c.AT_END, c.AT_END_STRING):
            return "\\r*$"  # a line's end (a line read from disk drops its trailing CRs)
        if op is c.ASSERT and av[0] == 1 and at_end:
            return self.group(av[1], caseless, True)  # a final lookahead may as well consume
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            return ""  # zero-width: dropping it only lets more text match
        one = _one_char(op, av, caseless)
        if one is not None:
            return _chars(*one)
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high_count, sub = av
            top = "" if high_count is c.MAXREPEAT else str(high_count)
            one = _one_char(sub[0][0], sub[0][1], caseless) if len(sub) == 1 else None
            if one is not None and (one[1] or (caseless and _folds(one[0]))):
                # Characters that may be non-ASCII: count bytes, at least one per character
                # (alternations inside a bounded repeat make Hyperscan's automaton explode).
                members = _cased(one[0], caseless) | frozenset(range(128, 256))
                return _byte_class(members - {_NEWLINE}) + ("*" if low == 0 else f"{{{low},}}")
            body = self.sequence(sub, caseless)
            if not body:
                return ""
            bound = "*" if (low, top) == (0, "") else f"{{{low},{top}}}"
            return f"(?:{body}){bound}"
        if op is c.SUBPATTERN:
            _group, add, remove, sub = av
            return self.group(sub, _flags(caseless, add, remove), at_end)
        if op is c.ATOMIC_GROUP:
            return self.group(av, caseless, at_end)
        if op is c.BRANCH:
            alts = [self.sequence(alt, caseless, at_end) for alt in av[1]]
            if any(not a for a in alts):
                alts = [a for a in alts if a]
                return f"(?:{'|'.join(alts)})?" if alts else ""
            return f"(?:{'|'.join(alts)})"
        if op is c.GROUPREF:
            sub, add, remove = self.groups[av]
            # A backreference under (?i) matches its group's text in any case.
            return self.group(sub, _flags(caseless, add, remove) or caseless)
        raise Untranslatable(f"unsupported regex construct {op}")

    def group(self, sub: Any, caseless: bool, at_end: bool = False) -> str:
        body = self.sequence(sub, caseless, at_end)
        return f"(?:{body})" if body else ""


def _run_not_ending_in(items: Sequence[Any], i: int, caseless: bool) -> tuple[str | None, int]:
    """``C*(?<!lit)(?<!lit2)...`` (a name that must not end in ``_url``, ``_field``...) as the
    runs of ``C`` that do not end in any of the literals, and how many items that took.

    Dropping the lookbehinds instead sends every ``password_field = ...`` line to Python. A
    literal is checked only where it fits inside the run (a shorter run may still end in it
    together with what precedes it: that stays a match, which only relaxes)."""
    op, av = items[i]
    if op not in (c.MAX_REPEAT, c.MIN_REPEAT) or av[0] != 0 or av[1] is not c.MAXREPEAT:
        return None, 0
    sub = av[2]
    one = _one_char(sub[0][0], sub[0][1], caseless) if len(sub) == 1 else None
    if one is None:
        return None, 0
    members = _cased(one[0], caseless) - {_NEWLINE}
    literals: list[tuple[frozenset[int], ...]] = []
    j = i + 1
    while j < len(items) and items[j][0] is c.ASSERT_NOT and items[j][1][0] == -1:
        body = items[j][1][1]
        if not all(o is c.LITERAL and a < 128 for o, a in body):
            break
        literals.append(tuple(_cased({a}, caseless) for _o, a in body))
        j += 1
    if j == i + 1:
        return None, 0
    # A literal with a character the run cannot hold never lies inside it: no constraint.
    inside = [lit for lit in literals if all(ch <= members for ch in lit)]
    trie: dict[Any, Any] = {}
    for lit in inside:
        node = trie
        for ch in reversed(lit):
            node = node.setdefault(ch, {})
        node[None] = True  # a whole literal ends here: a run ending so is refused
    return _avoiding(trie, members, bool(one[1])), j - i


def _avoiding(node: dict[Any, Any], members: frozenset[int], high: bool) -> str:
    """Runs over ``members`` that do not end in a word of the reversed-literal trie ``node``:
    empty, or ending in a character that leaves the trie (anything before it), or ending in one
    that goes deeper (and what precedes it avoids the rest)."""
    run = _byte_class(members | (frozenset(range(128, 256)) if high else frozenset())) + "*"
    children = [ch for ch in node if ch is not None]
    leave = members - frozenset().union(*children) if children else members
    last = [_byte_class(leave)] if leave else []
    if high:
        last.append("[\\x80-\\xff]")
    alts = [""]
    if last:
        alts.append(run + (last[0] if len(last) == 1 else f"(?:{'|'.join(last)})"))
    for ch in children:
        child = node[ch]
        if None not in child:
            alts.append(f"(?:{_avoiding(child, members, high)}){_byte_class(ch)}")
    return f"(?:{'|'.join(alts)})"


def _one_char(op: Any, av: Any, caseless: bool) -> tuple[frozenset[int], bool, bool] | None:
    """A single-character item as (ASCII members, takes non-ASCII, caseless); else None."""
    if op is c.LITERAL:
        return (frozenset([av]) if av < 128 else frozenset()), av >= 128, caseless
    if op is c.NOT_LITERAL:
        return _ALL - _cased({av} if av < 128 else set(), caseless), True, caseless
    if op is c.ANY:
        return _ALL, True, caseless
    if op is c.IN:
        ascii_set, high = _class(av)
        return ascii_set, high, caseless
    return None


def _flags(caseless: bool, add: int, remove: int) -> bool:
    if (add | remove) & (re.ASCII | re.LOCALE | re.DOTALL):
        raise Untranslatable("unsupported scoped flag")
    if add & re.IGNORECASE:
        return True
    if remove & re.IGNORECASE:
        return False
    return caseless


def _class(items: Any) -> tuple[frozenset[int], bool]:
    """ASCII members of a ``[...]`` class and whether it takes any non-ASCII character."""
    members: set[int] = set()
    high = False
    negate = False
    for op, av in items:
        if op is c.NEGATE:
            negate = True
        elif op is c.LITERAL:
            if av < 128:
                members.add(av)
            else:
                high = True
        elif op is c.RANGE:
            lo, hi = av
            members.update(range(lo, min(hi, 127) + 1))
            high = high or hi >= 128
        elif op is c.CATEGORY and av in _CATEGORIES:
            members |= _CATEGORIES[av]
            high = True  # every category takes some non-ASCII character in Unicode mode
        else:
            raise Untranslatable(f"unsupported class item {op}")
    if negate:
        return _ALL - members, True
    return frozenset(members), high


def _cased(members: set[int] | frozenset[int], caseless: bool) -> frozenset[int]:
    if not caseless:
        return frozenset(members)
    return frozenset(m for b in members for m in {b, *_other_case(b)})


def _other_case(b: int) -> tuple[int, ...]:
    ch = chr(b)
    return (ord(ch.swapcase()),) if ch.isalpha() and ch.isascii() else ()


def _chars(members: frozenset[int], high: bool, caseless: bool) -> str:
    """One character: a byte class, the non-ASCII runs it may be, the letters Python folds."""
    members = _cased(members, caseless)
    extra = _folds(members) if caseless else []
    members = members - {_NEWLINE}
    alts = [_byte_class(members)] if members else []
    if high:
        alts.append(_HIGH)
    else:
        alts += ["".join(f"\\x{b:02x}" for b in f.encode("utf-8")) for f in extra]
    if not alts:
        raise Untranslatable("an item that takes no character")
    return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"


def _folds(members: frozenset[int]) -> list[str]:
    return sorted({f for b in members for f in _FOLDS.get(chr(b).lower(), ())})


def _byte_class(members: frozenset[int]) -> str:
    ordered = sorted(members)
    runs: list[tuple[int, int]] = []
    for b in ordered:
        if runs and runs[-1][1] == b - 1:
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((b, b))
    body = "".join(f"\\x{a:02x}" if a == b else f"\\x{a:02x}-\\x{b:02x}" for a, b in runs)
    return f"[{body}]"

"""The rule database: every rule's relaxation matches wherever the rule's Python regex matches,
and scanning with it gives exactly the findings of the pure-Python keyword engine."""

from __future__ import annotations

import os
import re
import string

import hyperscan  # a dev dependency: these tests compare both engines
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchgate.secretscan.detector import Detector
from launchgate.secretscan.engine import ENGINE_ENV
from launchgate.secretscan.hsregex import _FOLDS, Untranslatable, keywords_relaxed, relaxed
from launchgate.secretscan.matchers import plugin_regexes
from launchgate.secretscan.rulefilter import rule_patterns
from launchgate.secretscan.rules import load_rules
from launchgate.secretscan.tree import TreeResult, scan_buffer
from tests.secretscan.conftest import aws_key_id, github_token, rand, stripe_key

RULES = load_rules()
REGEX_RULES = [r for r in RULES.rules if r.regex]
PLUGIN_RULES = [r for r in RULES.rules if r.plugin]
# Every regex that decides a finding: the rules' own, and the regex-based plugins'.
CHECKED = [(r.id, r.regex or "") for r in REGEX_RULES] + [
    (r.id, p) for r in PLUGIN_RULES for p in plugin_regexes(r.plugin or "") or []
]


def _db(pattern: bytes) -> hyperscan.Database:
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=[pattern], ids=[0], elements=1, flags=[hyperscan.HS_FLAG_MULTILINE])
    return db


def _matches(db: hyperscan.Database, data: bytes) -> bool:
    found: list[int] = []
    db.scan(data, match_event_handler=lambda *a: found.append(1))
    return bool(found)


_DBS = {pattern: _db(relaxed(pattern)) for _id, pattern in CHECKED}


def _example_lines() -> list[str]:
    lines = [ex.line for r in RULES.rules for ex in (*r.positive, *r.negative)]
    return lines + [ex.line for a in RULES.allow for ex in a.examples]


def _assert_sound(line: str) -> None:
    """Where the Python regex matches the line, the relaxation matches it: alone, inside a
    buffer (as a history line after its + column, with CRLF), and as undecodable bytes."""
    for rule_id, pattern in CHECKED:
        if re.search(pattern, line) is None:
            continue
        db = _DBS[pattern]
        raw = line.encode("utf-8", "surrogatepass")
        assert _matches(db, raw), (rule_id, line)
        assert _matches(db, b"x = 1\n+" + raw + b"\r\nnext\n"), (rule_id, line)


def test_every_rule_is_translated_and_compiles() -> None:
    for rule in REGEX_RULES:
        assert relaxed(rule.regex or "")  # _DBS compiled each one already


def test_every_built_in_plugin_is_in_the_database_by_its_own_regexes() -> None:
    """Not by its keywords: ``url-credentials`` (``://``) made every line with a URL a
    candidate, 8,000 of flask's history lines."""
    assert len(PLUGIN_RULES) >= 7
    patterns, always = rule_patterns([(None, r.keywords, False, r.plugin) for r in PLUGIN_RULES])
    for index, rule in enumerate(PLUGIN_RULES):
        mine = [p for i, p in patterns if i == index]
        regexes = plugin_regexes(rule.plugin or "") or []
        assert regexes, rule.id
        assert mine == [relaxed(r) for r in regexes], rule.id
    assert not always
    # A plugin that does not find values by regex alone goes in by its keywords.
    assert plugin_regexes("KeywordDetector") is None
    patterns, _ = rule_patterns([(None, ("pass",), False, "KeywordDetector")])
    assert patterns == [(0, keywords_relaxed(["pass"]))]


def test_a_url_is_a_candidate_only_with_credentials_in_it() -> None:
    plain = b'    "https://docs.example.org/path?q=1#frag", see ftp://mirror.example.net/\n'
    assert _FAST.candidates(plain * 20) == []
    secret = (
        b'    "https://deploy:qL8vR2nX7tKp@registry.acme.io/simple"\n'  # pragma: allowlist secret
    )
    assert _FAST.candidates(plain + secret) != []
    assert _PYTHON.candidates(plain) != []  # the keyword engine reads every URL


def test_relaxations_match_every_example_a_rule_matches() -> None:
    lines = _example_lines()
    assert len(lines) > 300
    for line in lines:
        _assert_sound(line)


def test_relaxation_drops_assertions_and_keeps_classes() -> None:
    db = _db(relaxed(r"(?<![\w])key(?!x)\b=(?P<q>['\"]?)[A-Z]{3,5}(?P=q)$"))
    assert _matches(db, b"xkey=ABC")  # the lookbehind is gone
    assert _matches(db, b"key='ABCD'\r\n")  # the backreference is its group; $ before CRLF
    assert not _matches(db, b"key=AB")  # three capitals at least
    assert not _matches(db, b"key=ABC x")  # $ still ends the line
    assert not _matches(db, b"key\n=ABC")  # never across lines


_NAME_RULE = r"(?i)key[\w.-]*(?<!_url)(?<!_field)(?<!_id)(?<!-x)\s*=\s*(?P<v>\w{3})"


def test_a_name_ending_in_an_excluded_suffix_is_not_a_candidate() -> None:
    """``[\\w.-]*(?<!_field)``: the runs that do not end in ``_field`` (any case), so a
    ``password_field = form.password`` line never reaches Python."""
    db = _db(relaxed(_NAME_RULE))
    for refused in ("key_field = abc", "key_FIELD=abc", "apikey_url = abc", "key.x_id = abc"):
        assert re.search(_NAME_RULE, refused) is None
        assert not _matches(db, refused.encode()), refused
    for kept in (
        "key_fields = abc",
        "key_fiel = abc",
        "key = abc",
        "key_id2 = abc",
        "key-x_ = a1b",
    ):
        assert re.search(_NAME_RULE, kept) is not None
        assert _matches(db, kept.encode()), kept
    # Ending in a literal only together with what precedes the run: kept (it only relaxes).
    assert _matches(_db(relaxed(r"ab[\w]*(?<!bc)=")), b"abc=")
    # A literal the run cannot hold ('-' is not in \\w) never constrains it.
    assert _matches(_db(relaxed(r"k\w*(?<!-x)=")), b"kx=")
    assert not _matches(_db(relaxed(r"k[\w-]*(?<!-x)=")), b"k-x=")


def test_the_benchmark_password_field_lines_are_not_candidates() -> None:
    line = b"    password_field = form.order_client.password  # server 6718\n"
    assert _FAST.candidates(line * 50) == []
    secret = b"    password_fields = 'Vt3kQ9xLm2Rw'\n"  # pragma: allowlist secret
    assert _FAST.candidates(line + secret) != []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "key",
                "_url",
                "_URL",
                "_field",
                "_id",
                "-x",
                "x",
                "_",
                "d",
                "l",
                "-",
                "\u0131",
                "\u212a",
                " ",
                "=",
                "abc",
                "\t",  # not "\n": the detector reads one line at a time
            ]
        ),
        max_size=12,
    )
)
def test_excluded_suffix_runs_are_sound(pieces: list[str]) -> None:
    line = "".join(pieces)
    if re.search(_NAME_RULE, line):
        assert _matches(_db(relaxed(_NAME_RULE)), line.encode()), line


def test_case_insensitive_letters_take_what_python_folds_onto_them() -> None:
    """``(?i)`` in Python matches these non-ASCII characters to ASCII letters (re's case
    folding, and str.lower for the keyword routing): the relaxation must take them too."""
    folds: dict[str, set[str]] = {}
    any_letter = re.compile("(?i)[a-z]")
    for cp in range(0x80, 0x110000):
        ch = chr(cp)
        if not any_letter.fullmatch(ch) and ch.lower().isascii() is False and ch.lower() == ch:
            continue
        for letter in string.ascii_lowercase:
            if re.fullmatch(f"(?i){letter}", ch) or letter in ch.lower():
                folds.setdefault(letter, set()).add(ch)
    assert folds == {k: set(v) for k, v in _FOLDS.items()}
    db = _db(keywords_relaxed(["token"]))
    assert _matches(db, "TO\u212aEN".encode())


def test_untranslatable_patterns_fall_back_to_keywords() -> None:
    with pytest.raises(Untranslatable):
        relaxed(r"(?P<a>x)?(?(a)y|z)")  # a conditional group
    patterns, always = rule_patterns(
        [
            (r"(?P<a>x)?(?(a)y|z)", ("kw",), False, None),
            (None, ("tok",), False, None),
            (None, (), True, None),
        ]
    )
    assert [i for i, _ in patterns] == [0, 1]
    assert patterns[0][1] == keywords_relaxed(["kw"])
    assert always == {2}


_PIECES = st.sampled_from(
    [
        *sorted({k for r in RULES.rules for k in r.keywords})[:60],
        "password_field",
        "_field",
        "_URL",
        "_id",
        "_header",
        "api_key",
        "SECRET_KEY",
        " = ",
        "=",
        ": ",
        ":=",
        "'",
        '"',
        "`",
        " ",
        ",",
        "(",
        ")",
        "%3D",
        "%22",
        "\\u0022",
        "é",
        "\u0130",
        "\u212a",
        "\u017f",
        "\r",
        "\x00",
        "\x1c",
        "Vt3kQ9xLm2Rw",
        "https://",
        "user:",
        "@",
        "AccountKey=",
        "x",
        "_",
        "-",
        ".",
        "/",
        "#",
        "$",
        "{",
        "}",
    ]
)
_SECRETS = st.sampled_from(
    [github_token(), aws_key_id(), stripe_key(), rand(40), "sk-" + rand(48), "xoxb-1-" + rand(24)]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, _SECRETS), max_size=30))
def test_relaxations_are_sound_on_generated_lines(pieces: list[str]) -> None:
    _assert_sound("".join(pieces))


def _detector(engine: str) -> Detector:
    before = os.environ.get(ENGINE_ENV)
    os.environ[ENGINE_ENV] = engine
    try:
        return Detector(RULES)
    finally:
        if before is None:
            del os.environ[ENGINE_ENV]
        else:
            os.environ[ENGINE_ENV] = before


_PYTHON, _FAST = _detector("python"), _detector("hyperscan")


def test_the_two_detectors_use_different_engines() -> None:
    assert _PYTHON.filter is None
    assert _FAST.filter is not None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.one_of(_PIECES, _SECRETS), max_size=20), max_size=8))
def test_generated_files_give_identical_findings_with_either_engine(
    lines: list[list[str]],
) -> None:
    data = "\n".join("".join(line) for line in lines).encode("utf-8", "surrogatepass")
    results = []
    for detector in (_PYTHON, _FAST):
        out = TreeResult()
        scan_buffer(data, "app/settings.py", detector, out)
        results.append((out.hits, out.inline_suppressed))
    assert results[0] == results[1]

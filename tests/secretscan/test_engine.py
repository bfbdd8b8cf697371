"""The keyword engines: Hyperscan and the pure-Python trie give the same offsets and findings."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import hyperscan  # a dev dependency: these tests compare both engines
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchgate.checkapi import CheckError
from launchgate.secretscan.detector import MAX_LINE, Detector
from launchgate.secretscan.engine import (
    ENGINE_ENV,
    EngineError,
    HyperscanSearch,
    PythonSearch,
    keyword_search,
    leftmost_longest,
)
from launchgate.secretscan.gitrepo import list_commits
from launchgate.secretscan.history import HistoryResult, scan_history
from launchgate.secretscan.pathglobs import path_matches, paths_prefilter
from launchgate.secretscan.rules import load_rules
from launchgate.secretscan.tree import TreeResult, scan_buffer
from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import aws_key_id, github_token, rand, stripe_key

RULES = load_rules()
# Read at collection, before the suite's per-test environment cleanup runs.
ENGINE_THE_SUITE_RUNS_WITH = os.environ.get(ENGINE_ENV, "auto")
KEYWORDS = sorted({k for r in RULES.rules for k in r.keywords})


def _detector(monkeypatch: pytest.MonkeyPatch, engine: str) -> Detector:
    monkeypatch.setenv(ENGINE_ENV, engine)
    detector = Detector(RULES)
    assert detector.search.name == engine
    return detector


def test_leftmost_longest_keeps_what_finditer_keeps() -> None:
    # "password" at 0 hides "pass" at 0 and "word" at 4; "token" at 10 and "ken" at 12 overlap.
    found = [(4, 4), (0, 4), (0, 8), (12, 3), (10, 5), (15, 2)]
    assert leftmost_longest(found) == [0, 10, 15]


def test_trie_and_hyperscan_agree_on_overlapping_and_mixed_case_keywords() -> None:
    words = ["pass", "password", "passwd", "token", "bot_token", "sk-", "sk-ant-", "key"]
    buf = b"PassWord=1 bot_TOKEN sk-ant-x sK- keypassword\nPASS passwdtoken"
    python, fast = PythonSearch(words), HyperscanSearch(words, hyperscan)
    assert python.starts(buf) == fast.starts(buf) == [0, 11, 21, 30, 34, 37, 46, 51, 57]


_PIECES = st.sampled_from([*KEYWORDS, "\n", " ", "=", "'", "x", "A", "\x00", "é", "+", "pa", "to"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=60), st.booleans())
def test_both_engines_give_the_same_offsets(pieces: list[str], upper: bool) -> None:
    text = "".join(pieces)
    buf = (text.upper() if upper else text).encode("utf-8")
    assert PythonSearch(KEYWORDS).starts(buf) == HyperscanSearch(KEYWORDS, hyperscan).starts(buf)


def _example_file() -> bytes:
    lines = [ex.line for rule in RULES.rules for ex in (*rule.positive, *rule.negative)]
    lines += [ex.line for entry in RULES.allow for ex in entry.examples]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_rule_pack_examples_give_identical_hits_with_either_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _example_file()
    results = {}
    for engine in ("python", "hyperscan"):
        out = TreeResult()
        scan_buffer(data, "examples.txt", _detector(monkeypatch, engine), out)
        results[engine] = out
    assert results["python"].hits == results["hyperscan"].hits
    rules_hit = {h.rule for h in results["hyperscan"].hits}
    anywhere = [r for r in RULES.rules if not r.paths]  # path-scoped rules: checked below
    assert len(rules_hit) >= len(anywhere) - 3  # nearly every rule fires on its examples


def test_path_scoped_examples_give_identical_hits_with_either_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rules scoped to files (.pgpass, .npmrc...), each example in a file at its own path."""
    scoped = [(ex.path, ex.line) for r in RULES.rules if r.paths for ex in r.positive]
    assert scoped
    results = {}
    for engine in ("python", "hyperscan"):
        detector = _detector(monkeypatch, engine)
        out = TreeResult()
        for path, line in scoped:
            scan_buffer(f"# header\n{line}\n".encode(), path, detector, out)
        results[engine] = out
    assert results["python"].hits == results["hyperscan"].hits
    assert len(results["python"].hits) == len(scoped)
    assert {h.line for h in results["python"].hits} == {2}


def _history_repo(path: Path) -> GitRepo:
    """Secrets, decoys, long and non-ASCII lines, a rename, a branch and a merge."""
    repo = GitRepo(path)
    body = [f"def f{i}(token, password):\n    return token_cache[{i}]\n" for i in range(40)]
    repo.commit("start", {"app.py": "".join(body)})
    token = f"GITHUB_TOKEN = '{github_token()}'\nPASSWORD = 'changeme'\n"
    repo.commit("config", {"config.py": token})
    long_line = "x=1;" * 1500 + f"var apiKey='{stripe_key()}';" + "y=2;" * 800
    repo.commit("build", {"dist/app.min.js": long_line + "\n", "notes.txt": "é" * 50 + " secret\n"})
    repo.branch("feature")
    repo.checkout("feature")
    repo.commit("aws", {"aws.ini": f"aws_access_key_id = {aws_key_id()}\n"})
    repo.checkout("main")
    repo.commit("edit", {"app.py": "".join(body[:20]) + f"SECRET_KEY = '{rand(40)}'\n"})
    repo.merge("feature", "merge feature")
    repo.git("mv", "config.py", "settings.py")
    repo.commit("rename and rotate", {"settings.py": f"GITHUB_TOKEN = '{github_token()}'\n"})
    return repo


def _outcome(result: HistoryResult) -> tuple[object, ...]:
    return (result.hits, result.added_lines, result.binary_files)


@pytest.mark.parametrize("workers", [1, 2])
def test_generated_history_gives_identical_findings_with_either_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    repo = _history_repo(tmp_path / "repo")
    commits = list_commits(repo.path, ["--all"])
    results = {}
    for engine in ("python", "hyperscan"):
        detector = _detector(monkeypatch, engine)  # the workers inherit the variable
        results[engine] = scan_history(repo.path, commits, detector, workers=workers)
    assert _outcome(results["python"]) == _outcome(results["hyperscan"])
    rules = {h.rule for h in results["hyperscan"].hits}
    assert {"secrets.github-token", "secrets.stripe-secret-key"} <= rules


def test_engine_variable_forces_python_and_rejects_unknown_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENGINE_ENV, "python")
    assert isinstance(keyword_search(["key"]), PythonSearch)
    monkeypatch.setenv(ENGINE_ENV, "auto")
    assert isinstance(keyword_search(["key"]), HyperscanSearch)
    monkeypatch.setenv(ENGINE_ENV, "re2")
    with pytest.raises(EngineError, match="LAUNCHGATE_ENGINE='re2'"):
        keyword_search(["key"])


def test_without_the_module_auto_falls_back_and_hyperscan_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "hyperscan", None)  # `import hyperscan` now fails
    monkeypatch.setenv(ENGINE_ENV, "auto")
    assert isinstance(keyword_search(["key"]), PythonSearch)
    monkeypatch.setenv(ENGINE_ENV, "hyperscan")
    with pytest.raises(EngineError, match="not installed"):
        keyword_search(["key"])


def test_an_unusable_engine_is_a_clear_check_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scan: object
) -> None:
    monkeypatch.setenv(ENGINE_ENV, "fastest")
    with pytest.raises(CheckError, match="LAUNCHGATE_ENGINE"):
        scan(tmp_path, history=False)  # type: ignore[operator]


@pytest.mark.parametrize("engine", ["python", "hyperscan"])
def test_long_line_window_uses_character_offsets_after_multibyte_text(
    monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    # 3,000 two-byte characters before the key: byte offsets run 3,000 ahead of characters.
    token = github_token()
    text = "é" * 3000 + f" token = '{token}' " + "z" * MAX_LINE
    hits, _ = _detector(monkeypatch, engine).scan(text, "bundle.js")
    assert [h.value for h in hits] == [token]
    assert hits[0].column == text.index(token) + 1


_PATTERNS = sorted({p for r in RULES.rules for p in r.paths})
_PATH_PIECES = st.sampled_from(
    ["a", "config", ".docker", "x.ppk", ".netrc", "database.yml", "/", "/", "-", ".", "*"]
    + [p.replace("**/", "").replace("*", "x") for p in _PATTERNS]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PATH_PIECES, min_size=1, max_size=8))
def test_path_prefilter_never_refuses_a_path_a_scoped_rule_matches(pieces: list[str]) -> None:
    path = "".join(pieces).strip("/")
    prefilter = paths_prefilter(_PATTERNS)
    if any(path_matches(path, p) for p in _PATTERNS):
        assert prefilter.match(path), path


def test_path_prefilter_passes_what_fnmatch_stars_reach_across_folders() -> None:
    """In fnmatch a ``*`` spans ``/``: ``**/config/database*.yml`` matches
    ``config/database/prod.yml``, whose file name alone does not match ``database*.yml``."""
    prefilter = paths_prefilter(["**/config/database*.yml", "**/seeds/**", "**/.netrc", "x*"])
    assert path_matches("app/config/database/prod.yml", "**/config/database*.yml")
    for path in ("app/config/database/prod.yml", "seeds/a.rb", "db/seeds/b/c.rb", ".netrc"):
        assert prefilter.match(path), path
    assert prefilter.everything  # "x*": no name, end or folder to test: every path passes
    assert not paths_prefilter(["**/seeds/**", "**/.netrc"]).match("src/seedsx/a.rb")


def test_path_prefilter_refuses_ordinary_paths() -> None:
    prefilter = paths_prefilter(_PATTERNS)
    assert _PATTERNS  # the credential-file packs scope rules to paths
    for path in ("src/app.py", "docs/index.rst", "README.md", "tests/test_x.py"):
        assert not prefilter.match(path)
    # An end ("**/*dump*.txt": .txt) needs the pattern's other text too: 100,000 .txt files
    # in one commit otherwise each went through every scoped rule's fnmatch.
    for path in ("d000/f00001.txt", "conf/app.json", "res/layout.xml", ".github/ci.yml"):
        assert not prefilter.match(path), path
    for path in ("backup/db-dump-1.txt", "x/data-sources.json", "app/config/database.yml"):
        assert prefilter.match(path), path
        assert any(path_matches(path, p) for p in _PATTERNS), path
    assert not paths_prefilter([]).match("anything")


_ROUTER = Detector(RULES)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_routing_finds_every_keyword_a_line_contains(pieces: list[str]) -> None:
    detector = _ROUTER
    low = "".join(pieces).lower()
    expected = {i for kw, rules in detector._by_keyword.items() if kw in low for i in rules}
    assert detector.routed(low) == expected


def test_routing_counts_keywords_inside_longer_ones() -> None:
    detector = _ROUTER
    # "bot_token" hides "token"; "secret_" hides "secret": both must still route.
    for line, inner in (("x bot_token y", "token"), ("my secret_ here", "secret")):
        assert set(detector._by_keyword[inner]) <= detector.routed(line)


def test_the_engine_ci_asks_for_reaches_the_tests() -> None:
    """CI runs these tests once per engine: the variable must survive the suite's env cleanup."""
    from tests.conftest import SUITE_SETTINGS

    assert ENGINE_ENV in SUITE_SETTINGS
    wanted = ENGINE_THE_SUITE_RUNS_WITH
    expected = "hyperscan" if wanted == "auto" else wanted
    assert Detector(RULES).search.name == expected


def test_a_keyword_dense_long_line_gives_the_same_hits_reading_far_fewer_windows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A minified bundle full of ``apiKey``/``token`` words: the rule database reads a window
    only where some rule's pattern matches in it, the keyword engine reads every window. The
    hits are the same, secrets near window edges and a ``^``-anchored rule's text included."""
    import random

    rng = random.Random(7)
    words = ["apiKey:e.apiKey", "token:t", "password:p.pw", 'n="token"', "auth_key:k"]
    parts = [rng.choice(words) + "," for _ in range(6000)]
    secrets = [github_token(), stripe_key(), aws_key_id()]
    for at, value in zip((5, 2100, 5999), secrets, strict=True):
        parts[at] += f'token:"{value}",'
    parts[3000] += "Private-MAC: " + "ab" * 20 + ","
    text = "".join(parts)
    assert len(text) > 10 * MAX_LINE
    found = {}
    for engine in ("python", "hyperscan"):
        detector = _detector(monkeypatch, engine)
        hits, _ = detector.scan(text, "dist/app.js")
        found[engine] = (sorted((h.rule, h.value, h.column) for h in hits), detector.lines_analysed)
    assert found["python"][0] == found["hyperscan"][0]
    assert {v for _r, v, _c in found["python"][0]} >= set(secrets)
    assert found["hyperscan"][1] * 3 < found["python"][1]  # windows read: 71 against 229

"""The secrets baseline's promises: what it accepts, which files it refuses with which message,
and that writing it is atomic (a temporary file in the same directory, renamed over the target)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from launchgate.redact import value_hash
from launchgate.secretscan import baseline
from launchgate.secretscan.baseline import (
    FORMAT,
    Baseline,
    BaselineError,
    load_baseline,
    write_baseline,
)

VALUE = "not-a-credential-just-a-value"


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), "utf-8")
    return path


def ours(*entries: dict[str, str], version: object = 1) -> dict[str, object]:
    return {"format": FORMAT, "version": version, "entries": list(entries)}


def test_a_written_baseline_accepts_exactly_its_path_rule_and_value(tmp_path: Path) -> None:
    target = tmp_path / "b.json"
    keys = [
        ("app.py", "secrets.aws", value_hash(VALUE)),
        ("app.py", "secrets.aws", value_hash(VALUE)),
    ]
    assert write_baseline(target, keys) == 1
    baseline = load_baseline([tmp_path / "absent.json", target, tmp_path / "gone.json"])
    assert baseline.sources == [str(target)]
    assert len(baseline) == 1
    assert baseline.accepts("app.py", "secrets.aws", VALUE)
    assert not baseline.accepts("other.py", "secrets.aws", VALUE)
    assert not baseline.accepts("app.py", "secrets.gcp", VALUE)
    assert not baseline.accepts("app.py", "secrets.aws", VALUE + "X")


def test_a_written_baseline_is_sorted_versioned_and_unchanged_when_rewritten(
    tmp_path: Path,
) -> None:
    target = tmp_path / "new" / "sub" / "b.json"
    write_baseline(target, [("b.py", "r", "h2"), ("a.py", "r", "h1")])
    first = target.read_text("utf-8")
    assert json.loads(first) == {
        "format": FORMAT,
        "version": 1,
        "hash": "hmac-sha256 (launchgate.redact.value_hash)",
        "entries": [
            {"path": "a.py", "rule": "r", "secret_hash": "h1"},
            {"path": "b.py", "rule": "r", "secret_hash": "h2"},
        ],
    }
    assert first.endswith("}\n") and first.startswith('{\n  "format"')
    write_baseline(target, [("a.py", "r", "h1"), ("b.py", "r", "h2")])
    assert target.read_text("utf-8") == first


def test_the_baseline_is_written_through_a_temporary_file_in_its_own_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # os.replace is atomic only within one file system: the temporary file must sit beside it.
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        renames.append((str(src), str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    target = tmp_path / "b.json"
    write_baseline(target, [])
    ((src, dst),) = renames
    assert Path(src).parent == tmp_path
    assert Path(src).name.startswith(".b.json.") and src.endswith(".tmp")
    assert Path(dst) == target
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.json"]


def test_a_failed_write_leaves_no_temporary_file_behind(tmp_path: Path) -> None:
    target = tmp_path / "b.json"
    target.mkdir()  # renaming a file over a directory fails
    with pytest.raises(IsADirectoryError):
        write_baseline(target, [("a.py", "r", "h")])
    assert [p.name for p in tmp_path.iterdir()] == ["b.json"]


def test_a_baseline_of_an_unknown_version_is_refused_not_misread(tmp_path: Path) -> None:
    for version in (2, None, "1"):
        path = write(tmp_path / "b.json", ours(version=version))
        with pytest.raises(BaselineError) as caught:
            load_baseline([path])
        assert str(caught.value) == (
            f"{path}: baseline version {version!r} is not supported (this launchgate reads "
            "version 1; upgrade launchgate or rewrite it with launchgate secrets --write-baseline)"
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r"b\.json: cannot read baseline: Expecting property name"),
        ("[]", r"b\.json: a baseline is a JSON object$"),
        (
            '{"results": {}}',
            r"b\.json: not a launchgate or detect-secrets baseline \(write one with",
        ),
        ('{"plugins_used": []}', r"b\.json: not a launchgate or detect-secrets baseline"),
        (json.dumps(ours() | {"entries": {}}), r"b\.json: 'entries' must be a list$"),
        (json.dumps(ours({"path": "a"})), r"b\.json: each entry needs path, rule and secret_hash$"),
        (json.dumps(ours("text")), r"b\.json: each entry needs path, rule and secret_hash$"),  # type: ignore[arg-type]
        (
            '{"results": [], "plugins_used": []}',
            r"b\.json: detect-secrets 'results' must be an object$",
        ),
    ],
)
def test_an_unusable_baseline_file_is_a_clear_error(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "b.json"
    path.write_text(content, "utf-8")
    with pytest.raises(BaselineError, match=message):
        load_baseline([path])


def test_a_detect_secrets_baseline_accepts_unaudited_and_false_positive_entries_only(
    tmp_path: Path,
) -> None:
    sha1 = hashlib.sha1(VALUE.encode(), usedforsecurity=False).hexdigest()
    real = hashlib.sha1(b"real-one", usedforsecurity=False).hexdigest()
    path = write(
        tmp_path / ".secrets.baseline",
        {
            "plugins_used": [],
            "results": {
                "app.py": [
                    {"hashed_secret": sha1, "type": "AWS"},
                    {"hashed_secret": real, "is_secret": True},
                    "junk",
                ],
                "cfg.py": {"not": "a list"},
                "odd.py": 5,
            },
        },
    )
    baseline = load_baseline([path])
    assert len(baseline) == 1
    assert baseline.accepts("app.py", "any.rule", VALUE)
    assert not baseline.accepts("app.py", "any.rule", "real-one")
    assert not baseline.accepts("cfg.py", "any.rule", VALUE)


def test_both_kinds_of_baseline_merge(tmp_path: Path) -> None:
    ours_path = tmp_path / "ours.json"
    write_baseline(ours_path, [("a.py", "r", value_hash("x" * 20))])
    theirs = write(
        tmp_path / "theirs.json",
        {"plugins_used": [], "results": {"b.py": [{"hashed_secret": "0" * 40}]}},
    )
    baseline = load_baseline([ours_path, theirs])
    assert len(baseline) == 2
    assert baseline.sources == [str(ours_path), str(theirs)]
    assert baseline.accepts("a.py", "r", "x" * 20)
    assert not Baseline().accepts("a.py", "r", "x" * 20)


def test_a_baseline_over_the_byte_cap_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "b.json", ours())
    size = path.stat().st_size
    monkeypatch.setattr(baseline, "MAX_BASELINE_BYTES", size)
    assert load_baseline([path]).sources == [str(path)]  # exactly at the cap: read
    monkeypatch.setattr(baseline, "MAX_BASELINE_BYTES", size - 1)
    with pytest.raises(BaselineError) as caught:
        load_baseline([path])
    cap = f"over the {size - 1:,}-byte cap"
    assert str(caught.value) == f"{path}: baseline is {size:,} bytes, {cap}"

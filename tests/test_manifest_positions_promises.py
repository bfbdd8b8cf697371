"""Where a manifest problem is said to be (pinned by mutation testing): the 1-based line and
column of the key or value to fix, in block and flow style, in lists, through quotes and YAML
merges; and what an unreadable, oversized or non-YAML file is told."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgate.manifest import ManifestError, load_manifest, positions


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "launchready.yml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str | bytes) -> list[str]:
    """The problems of a real manifest file, with its path shown as ``m.yml``."""
    path = write(tmp_path, text)
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    return [str(p).replace(str(path), "m.yml", 1) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Block style, three levels down: the value's own line and column.
        (
            "version: 1\nperf:\n  regression:\n    alpha: 0\n",
            "m.yml:4:12: perf.regression.alpha: got 0; expected more than 0",
        ),
        # A list item in block style, and a key inside it.
        (
            "version: 1\nenv:\n  required:\n    - name: A\n    - name: 7\n",
            "m.yml:5:13: env.required[1].name: got 7; expected a string",
        ),
        (
            "version: 1\nemail:\n  domains:\n    - a.test\n    - 'x y'\n",
            'm.yml:5:7: email.domains[1]: "x y" is not in the expected form',
        ),
        # Flow style on one line: each value at its own column.
        (
            "version: 1\nperf: {samples: 5, warmup: -1}\n",
            "m.yml:2:28: perf.warmup: got -1; expected at least 0",
        ),
        (
            "version: 1\nemail: {domains: [a.test, 'x y']}\n",
            'm.yml:2:27: email.domains[1]: "x y" is not in the expected form',
        ),
        # Quoted keys are the same keys, positioned where their quote opens.
        (
            "version: 1\n'perf': {\"samples\": x}\n",
            'm.yml:2:21: perf.samples: got "x"; expected a whole number',
        ),
        (
            '"version": 1\n"fial_on": high\n',
            "m.yml:2:1: fial_on: unknown key (did you mean 'fail_on'?)",
        ),
    ],
)
def test_a_problem_is_at_the_line_and_column_of_the_value_in_any_yaml_style(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert problems(tmp_path, text) == [expected]


def test_an_unknown_key_is_at_the_key_not_at_its_value(tmp_path: Path) -> None:
    assert problems(tmp_path, "version: 1\nperf:\n    samlpes:   6\n") == [
        "m.yml:3:5: perf.samlpes: unknown key in perf (did you mean 'samples'?)"
    ]


def test_a_value_merged_from_an_anchor_is_placed_at_the_mapping_that_merges_it(
    tmp_path: Path,
) -> None:
    text = (
        "version: 1\n"
        "environments:\n"
        "  base: &b {production: true, bogus: 1}\n"
        "  prod:\n"
        "    <<: *b\n"
        "    base_url: 'https://x.test'\n"
    )
    # The merged keys have no place of their own under prod: the nearest one is prod's mapping.
    assert problems(tmp_path, text) == [
        "m.yml:3:31: environments.base.bogus: unknown key in environments.base"
        "; expected one of: base_url, env_files, production",
        "m.yml:5:5: environments.prod.bogus: unknown key in environments.prod"
        "; expected one of: base_url, env_files, production",
    ]


def test_each_repeated_key_names_the_line_where_it_was_first_defined(tmp_path: Path) -> None:
    text = "version: 1\nperf:\n  samples: 1\n  warmup: 1\n  samples: 2\n  samples: 3\n"
    assert problems(tmp_path, text) == [
        "m.yml:5:3: perf.samples: duplicate key 'samples' (first defined on line 3)",
        "m.yml:6:3: perf.samples: duplicate key 'samples' (first defined on line 3)",
    ]


@pytest.mark.parametrize("key", ["1", "true", "null", "1.5"])
def test_a_key_that_yaml_reads_as_not_text_must_be_quoted(tmp_path: Path, key: str) -> None:
    assert problems(tmp_path, f"version: 1\nenvironments:\n  {key}: {{}}\n") == [
        f"m.yml:3:3: environments.{key}: key {key!r} must be a name (quote it to make it text)"
    ]
    quoted = write(tmp_path, f"version: 1\nenvironments:\n  '{key}': {{}}\n")
    assert key in load_manifest(quoted).environments


def test_a_merge_key_is_not_taken_for_a_key_that_is_not_text(tmp_path: Path) -> None:
    text = "version: 1\nperf:\n  <<: {samples: 7}\n  warmup: 2\n"
    assert dict(load_manifest(write(tmp_path, text)).section("perf")) == {
        "samples": 7,
        "warmup": 2,
    }


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "# only a comment\n", "---\n", "--- # nothing\n...\n"],
    ids=["empty", "blank-lines", "comment", "empty-document", "ended-document"],
)
def test_a_file_with_no_document_is_empty_not_an_error_about_its_content(
    tmp_path: Path, text: str
) -> None:
    assert problems(tmp_path, text) == [
        "m.yml: is empty; expected a mapping starting with `version: 1`"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "version: 1\n---\nversion: 1\n",
            "m.yml:2:1: invalid YAML: expected a single document in the stream"
            " but found another document",
        ),
        ("version: 1\nroutes: *nope\n", "m.yml:2:9: invalid YAML: found undefined alias 'nope'"),
        (
            "version: 1\nperf: {samples: 5\n",
            "m.yml:3:1: invalid YAML: while parsing a flow mapping"
            " expected ',' or '}', but got '<stream end>'",
        ),
        (
            "version: 1\nenv:\n\trequired: []\n",
            "m.yml:3:1: invalid YAML: tabs are not allowed for indentation in YAML;"
            " indent with spaces",
        ),
        (
            "version: 1\nx: !!python/name:os.system\n",
            "m.yml:2:4: invalid YAML: could not determine a constructor for the tag"
            " 'tag:yaml.org,2002:python/name:os.system'",
        ),
    ],
)
def test_yaml_that_does_not_parse_says_why_at_the_place_it_stopped(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert problems(tmp_path, text) == [expected]


def test_the_first_impossible_date_in_the_file_is_named_at_its_place(tmp_path: Path) -> None:
    text = (
        "version: 1\n"
        "suppress:\n"
        "  - {rule: a.b, reason: fine, expires: 2027-06-30}\n"
        "  - {rule: a.c, reason: fine, expires: [2027-02-29, 2027-02-30]}\n"
        "  - {rule: a.d, reason: fine, expires: 2027-13-01}\n"
    )
    assert problems(tmp_path, text) == [
        "m.yml:4:41: '2027-02-29' is not a real date (day is out of range for month)"
    ]


def test_a_value_that_its_yaml_tag_cannot_read_is_named_at_its_place(tmp_path: Path) -> None:
    assert problems(tmp_path, "version: 1\nperf: {samples: !!int many}\n") == [
        "m.yml:2:17: 'many' is not a valid !!int value"
        " (invalid literal for int() with base 10: 'many')"
    ]
    assert problems(tmp_path, "version: !!float one\n") == [
        "m.yml:1:10: 'one' is not a valid !!float value (could not convert string to float: 'one')"
    ]
    # PyYAML builds nested lists last: it stops at the date; an unknown tag before it is skipped.
    text = "version: 1\nx:\n  - !!python/name:os.system\ny: 2027-02-30\n"
    assert problems(tmp_path, text) == [
        "m.yml:4:4: '2027-02-30' is not a real date (day is out of range for month)"
    ]


def test_dates_and_times_anywhere_are_read_as_the_text_written(tmp_path: Path) -> None:
    text = (
        "version: 1\n"
        "project: 2027-01-02\n"
        "environments:\n"
        "  prod: {env_files: [2027-01-03]}\n"
        "suppress:\n"
        "  - {rule: a.b, reason: fine, expires: 2027-06-30 10:00:00}\n"
    )
    problem = 'suppress[0].expires: "2027-06-30T10:00:00" is not in the expected form'
    assert problems(tmp_path, text)[0].startswith(f"m.yml:6:40: {problem}")
    manifest = load_manifest(write(tmp_path, text.rsplit("suppress", 1)[0]))
    assert manifest.data["project"] == "2027-01-02"
    assert manifest.environments["prod"].env_files == ("2027-01-03",)


def test_a_directory_a_missing_file_and_a_path_through_a_file_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as caught:
        load_manifest(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path}: is a directory, not a manifest file (expected {tmp_path / 'launchready.yml'})"
    )
    with pytest.raises(ManifestError) as caught:
        load_manifest(tmp_path / "nope.yml")
    assert (
        str(caught.value)
        == f"{tmp_path / 'nope.yml'}: does not exist; create it with `launchgate init`"
    )
    (tmp_path / "file").write_text("x")
    with pytest.raises(ManifestError) as caught:
        load_manifest(tmp_path / "file" / "launchready.yml")
    assert (
        str(caught.value)
        == f"{tmp_path / 'file' / 'launchready.yml'}: cannot be read: Not a directory"
    )


def test_text_that_is_not_utf8_names_the_first_bad_byte_and_a_bom_is_fine(tmp_path: Path) -> None:
    assert problems(tmp_path, b"version: 1\n\xff\xfe") == ["m.yml: is not UTF-8 text (byte 11)"]
    assert load_manifest(write(tmp_path, b"\xef\xbb\xbfversion: 1\n")).data == {"version": 1}


def test_a_file_over_the_byte_cap_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "version: 1\n# pad\n"  # 17 bytes
    monkeypatch.setattr(positions, "MAX_BYTES", 17)
    assert load_manifest(write(tmp_path, text)).data == {"version": 1}
    assert problems(tmp_path, text + "\n") == ["m.yml: is too large for a manifest (over 17 bytes)"]
    monkeypatch.undo()
    assert problems(tmp_path, "version: 1\n" + "#" * 1_000_000) == [
        "m.yml: is too large for a manifest (over 1,000,000 bytes)"
    ]


def test_a_file_over_the_value_cap_once_aliases_expand_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Values counted: the root mapping, `1`, `x`, the rules mapping, the list and `*a` thrice.
    text = "version: 1\nproject: &a x\nrules: {packs: [*a, *a, *a]}\n"
    monkeypatch.setattr(positions, "MAX_NODES", 8)
    assert load_manifest(write(tmp_path, text)).data["project"] == "x"
    monkeypatch.setattr(positions, "MAX_NODES", 7)
    assert problems(tmp_path, text) == [
        "m.yml: is too large: more than 7 values once YAML aliases are expanded"
    ]
    monkeypatch.undo()
    bomb = ["version: 1", "x0: &a0 [a, a, a, a, a, a, a, a, a]"]
    bomb += [f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    assert problems(tmp_path, "\n".join(bomb) + "\n") == [
        "m.yml: is too large: more than 100,000 values once YAML aliases are expanded"
    ]


def test_a_repeated_key_inside_a_list_item_is_found(tmp_path: Path) -> None:
    text = "version: 1\nroutes:\n  - name: a\n    path: /\n    name: b\n"
    assert problems(tmp_path, text) == [
        "m.yml:5:5: routes[0].name: duplicate key 'name' (first defined on line 3)"
    ]


def test_a_key_that_is_a_list_or_mapping_is_invalid_yaml_not_a_crash(tmp_path: Path) -> None:
    assert problems(tmp_path, "version: 1\n? [a, b]\n: x\nfail_on: high\n") == [
        "m.yml:2:3: invalid YAML: while constructing a mapping found unhashable key"
    ]


def test_problems_name_the_manifest_as_the_user_gave_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "version: 1\nfail_on: hgh\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ManifestError) as caught:
        load_manifest(Path("launchready.yml"))
    assert str(caught.value).startswith('launchready.yml:2:10: fail_on: got "hgh"')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "version: 1\nproject: a\x07b\n",
            "m.yml:2:11: invalid YAML: unacceptable character #x0007:"
            " special characters are not allowed",
        ),
        (
            "version: 1\n\nproject: a\x1bb\n",
            "m.yml:3:11: invalid YAML: unacceptable character #x001b:"
            " special characters are not allowed",
        ),
        (
            "\x00",
            "m.yml:1:1: invalid YAML: unacceptable character #x0000:"
            " special characters are not allowed",
        ),
    ],
)
def test_a_control_character_is_named_at_its_line_and_column(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert problems(tmp_path, text) == [expected]


def test_a_key_that_must_be_quoted_does_not_hide_the_keys_after_it(tmp_path: Path) -> None:
    text = "version: 1\nenvironments:\n  1: {}\n  prod: {bogus: 1}\n"
    assert problems(tmp_path, text) == [
        "m.yml:3:3: environments.1: key '1' must be a name (quote it to make it text)",
        "m.yml:4:10: environments.prod.bogus: unknown key in environments.prod"
        "; expected one of: base_url, env_files, production",
    ]

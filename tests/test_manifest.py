"""Manifest loading: valid manifests load typed; every kind of bad input is a positioned error."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchgate.findings import Severity
from launchgate.manifest import ManifestError, load_manifest, parse_manifest

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "launchready.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    return [str(p) for p in caught.value.problems]


def test_full_manifest_loads_typed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        version: 1
        fail_on: medium
        environments:
          production: {base_url: https://www.example.com}
          staging: {base_url: https://staging.example.com, env_files: [.env.staging]}
        routes:
          - {name: home, path: /, budget: {p95_ms: 300}}
        suppress:
          - {rule: "secrets.*", path: "tests/**", reason: fixtures only}
        """,
    )
    manifest = load_manifest(path)
    assert manifest.fail_on is Severity.MEDIUM
    assert manifest.environments["production"].production is True
    assert manifest.environments["staging"].production is False
    assert manifest.environments["staging"].env_files == (".env.staging",)
    assert manifest.section("routes") == {}  # routes is a list, not a section mapping
    assert manifest.data["routes"][0]["name"] == "home"
    assert manifest.suppressions[0].rule == "secrets.*"
    assert manifest.root == tmp_path.resolve()


def test_misspelt_top_level_key_points_at_line_and_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nfial_on: high\n")
    (msg,) = problems(path)
    assert msg.startswith(f"{path}:2:1: fial_on: unknown key")
    assert "did you mean 'fail_on'?" in msg


def test_misspelt_nested_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        version: 1
        routes:
          - name: home
            path: /
            budjet: {p95_ms: 300}
        """,
    )
    (msg,) = problems(path)
    assert ":5:5: routes[0].budjet: unknown key in routes[0]" in msg
    assert "did you mean 'budget'?" in msg


def test_wrong_type_and_bad_enum_reported_together(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        version: 1
        fail_on: hgh
        perf: {samples: many}
        """,
    )
    msgs = problems(path)
    assert len(msgs) == 2
    assert ':2:10: fail_on: got "hgh"; expected one of: blocker, high' in msgs[0]
    assert "did you mean 'high'?" in msgs[0]
    assert ':3:17: perf.samples: got "many"; expected a whole number' in msgs[1]


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nfail_on: high\nfail_on: low\n")
    (msg,) = problems(path)
    assert ":3:1: fail_on: duplicate key 'fail_on' (first defined on line 2)" in msg


def test_invalid_yaml_has_position(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nroutes: [\n  {name: a\n")
    (msg,) = problems(path)
    assert msg.startswith(f"{path}:")
    assert "invalid YAML" in msg


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "is empty"),
        ("# only a comment\n", "is empty"),
        ("- a\n- b\n", "expected a mapping"),
        ("just text\n", "expected a mapping"),
        ("fail_on: high\n", "missing required key 'version'"),
        ("version: 2\n", "expected 1"),
    ],
)
def test_degenerate_files(tmp_path: Path, text: str, expected: str) -> None:
    (msg,) = problems(write(tmp_path, text))
    assert expected in msg


def test_directory_missing_file_and_binary(tmp_path: Path) -> None:
    assert "is a directory" in problems(tmp_path)[0]
    assert "nope.yml: does not exist" in problems(tmp_path / "nope.yml")[0]
    binary = tmp_path / "bin.yml"
    binary.write_bytes(b"version: 1\n\xff\xfe\x00")
    assert "not UTF-8" in problems(binary)[0]


def test_suppression_needs_a_reason(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nsuppress:\n  - {rule: secrets.x}\n")
    (msg,) = problems(path)
    assert "suppress[0]: missing required key 'reason'" in msg


def test_route_needs_path_or_url(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nroutes:\n  - {name: home}\n")
    (msg,) = problems(path)
    assert "routes[0]: needs exactly one of 'path' or 'url'" in msg


def test_semantic_duplicate_route_names_and_unknown_environment(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        version: 1
        environments: {production: {base_url: https://a.example}}
        routes:
          - {name: home, path: /}
          - {name: home, path: /x}
        env:
          required:
            - {name: DATABASE_URL, environments: [prodution]}
        """,
    )
    msgs = problems(path)
    assert any("routes[1].name: duplicate name 'home'" in m for m in msgs)
    assert any(
        "environment 'prodution' is not declared" in m and "did you mean 'production'" in m
        for m in msgs
    )


@pytest.mark.parametrize(
    "example",
    sorted((REPO / "examples").glob("*.yml")) + [REPO / "launchready.yml"],
    ids=lambda p: p.name,
)
def test_shipped_manifests_are_valid(example: Path) -> None:
    assert load_manifest(example).data["version"] == 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_a_manifest_or_a_clear_error(text: str) -> None:
    """Never a traceback: arbitrary text either validates or raises ManifestError."""
    try:
        parse_manifest(text, Path("m.yml"))
    except ManifestError as exc:
        assert exc.problems
        assert all(str(p).startswith("m.yml") for p in exc.problems)


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "version",
                "fail_on",
                "routes",
                "env",
                "secrets",
                "perf",
                "domains",
                "email",
                "suppress",
                "checks",
                "environments",
            ]
        ),
        yaml_values,
        max_size=6,
    )
)
def test_any_structure_is_a_manifest_or_a_clear_error(data: dict[str, object]) -> None:
    import yaml

    try:
        parse_manifest(yaml.safe_dump(data), Path("m.yml"))
    except ManifestError as exc:
        assert exc.problems


def test_unknown_check_id_under_checks(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nchecks:\n  secrest: {enabled: false}\n")
    (msg,) = problems(path)
    assert ":3:3: checks.secrest: unknown name" in msg
    assert "did you mean 'secrets'?" in msg


def test_route_with_both_path_and_url(tmp_path: Path) -> None:
    path = write(
        tmp_path, "version: 1\nroutes:\n  - {name: a, path: /, url: 'https://x.example/'}\n"
    )
    (msg,) = problems(path)
    assert "routes[0]: set only one of 'path' or 'url', not both" in msg


def test_same_variable_once_per_environment_is_fine_twice_is_not(tmp_path: Path) -> None:
    head = "version: 1\nenvironments: {production: {}, staging: {}}\nenv:\n  required:\n"
    ok = write(
        tmp_path,
        head + "    - {name: K, environments: [production]}\n"
        "    - {name: K, environments: [staging]}\n",
    )
    assert load_manifest(ok).section("env")["required"][1]["name"] == "K"
    bad = write(tmp_path, head + "    - {name: K, environments: [production]}\n    - {name: K}\n")
    (msg,) = problems(bad)
    assert "env.required[1].name: duplicate name 'K' for the same environment(s)" in msg


def test_dates_keys_regexes_and_ranges_are_checked_not_crashed_on(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        version: 1
        environments:
          1: {}
        env:
          required:
            - {name: A, pattern: "([unclosed"}
            - {name: B, format: int, min: 10, max: 1}
        suppress:
          - {rule: "x.*", reason: later, expires: "2027-02-30"}
        """,
    )
    msgs = problems(path)
    assert any(":3:3: environments.1: key '1' must be a name" in m for m in msgs)
    ok = write(
        tmp_path,
        """\
        version: 1
        env:
          required:
            - {name: A, pattern: "([unclosed"}
            - {name: B, format: int, min: 10, max: 1}
        suppress:
          - {rule: "x.*", reason: later, expires: "2027-02-30"}
          - {rule: "y.*", reason: later, expires: 2027-06-30}
        """,
    )
    msgs = problems(ok)
    assert len(msgs) == 3
    assert "env.required[0].pattern: is not a valid regular expression" in msgs[0]
    assert "env.required[1].min: min 10 is greater than max 1" in msgs[1]
    assert "suppress[0].expires: '2027-02-30' is not a real date" in msgs[2]


def test_unquoted_dates_are_read_as_text(tmp_path: Path) -> None:
    path = write(
        tmp_path, "version: 1\nsuppress:\n  - {rule: a.b, reason: fine, expires: 2027-06-30}\n"
    )
    assert str(load_manifest(path).suppressions[0].expires) == "2027-06-30"


def test_alias_bombs_and_huge_files_are_refused_quickly(tmp_path: Path) -> None:
    lines = ["version: 1", "x0: &a0 [a, a, a, a, a, a, a, a, a]"]
    lines += [f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    bomb = tmp_path / "bomb.yml"
    bomb.write_text("\n".join(lines) + "\n")
    (msg,) = problems(bomb)
    assert "too large" in msg
    huge = tmp_path / "huge.yml"
    huge.write_text("version: 1\n" + "# padding\n" * 200_000)
    assert "too large" in problems(huge)[0]


def test_alternatives_are_explained_by_the_closest_one(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nroutes:\n  - {name: a, path: /, expect: {status: 999}}\n")
    (msg,) = problems(path)
    assert "routes[0].expect.status: got 999; expected at most 599" in msg


def test_a_tab_in_yaml_says_so_at_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nenv:\n\trequired: []\n")
    message = "tabs are not allowed for indentation in YAML; indent with spaces"
    assert problems(path) == [f"{path}:3:1: invalid YAML: {message}"]


def test_a_bare_name_under_env_required_suggests_the_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nenv:\n  required:\n    - DATABASE_URL\n")
    (problem,) = problems(path)
    assert problem.endswith(
        'env.required[0]: got "DATABASE_URL"; expected a mapping (write {name: DATABASE_URL})'
    )

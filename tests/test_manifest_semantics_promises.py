"""What the manifest's semantic checks promise (pinned by mutation testing): each problem the
schema cannot see is named at its field and line, and the valid cases around it pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgate.manifest import ManifestError, parse_manifest


def problems(tmp_path: Path, text: str) -> list[str]:
    try:
        parse_manifest("version: 1\n" + text, tmp_path / "launchready.yml", "m.yml")
    except ManifestError as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "domains:\n  - {name: a.test}\n  - {name: a.test}\n",
            "m.yml:4:12: domains[1].name: duplicate name 'a.test'",
        ),
        (
            "smoke:\n  flows:\n    - {name: f, steps: [{name: s, path: /}]}\n"
            "    - {name: f, steps: [{name: t, path: /}]}\n",
            "m.yml:5:14: smoke.flows[1].name: duplicate name 'f'",
        ),
        (
            "smoke:\n  flows:\n    - name: f\n      steps:\n        - {name: s, path: /}\n"
            "        - {name: s, path: /b}\n",
            "m.yml:7:18: smoke.flows[0].steps[1].name: duplicate name 's'",
        ),
        (
            "routes:\n  - {name: a, path: /, expect: {matches: '(unclosed'}}\n",
            "m.yml:3:42: routes[0].expect.matches: is not a valid regular expression",
        ),
        (
            "routes:\n  - {name: a, path: /, expect: {json: {'$..x': 1}}}\n",
            "m.yml:3:",
        ),
        (
            "smoke:\n  flows:\n    - name: f\n      steps:\n"
            "        - {name: s, path: /, capture: {t: {json: '$..t'}}}\n",
            "smoke.flows[0].steps[0].capture.t.json",
        ),
        (
            "env:\n  required:\n    - {name: N, format: int, min: 5, max: 2}\n",
            "m.yml:4:35: env.required[0].min: min 5 is greater than max 2",
        ),
        (
            "suppress:\n  - {rule: env.x, reason: because, expires: '2027-02-30'}\n",
            "suppress[0].expires: '2027-02-30' is not a real date (YYYY-MM-DD)",
        ),
        (
            "environments: {production: {}}\nenv:\n  required:\n"
            "    - {name: N, environments: [productoin, production]}\n",
            "env.required[0].environments[0]: environment 'productoin' is not declared under "
            "environments (did you mean 'production'?)",
        ),
    ],
)
def test_each_semantic_problem_is_named_at_its_field(
    tmp_path: Path, text: str, expected: str
) -> None:
    found = problems(tmp_path, text)
    assert any(expected in p for p in found), found


def test_one_variable_may_be_declared_once_per_environment(tmp_path: Path) -> None:
    envs = "environments: {production: {}, staging: {}}\nenv:\n  required:\n"
    apart = envs + (
        "    - {name: K, environments: [production]}\n    - {name: K, environments: [staging]}\n"
    )
    assert problems(tmp_path, apart) == []
    overlapping = apart + "    - {name: K, environments: [staging]}\n"
    assert problems(tmp_path, overlapping) == [
        "m.yml:7:14: env.required[2].name: duplicate name 'K' for the same environment(s)"
    ]
    everywhere = envs + "    - {name: K}\n    - {name: K, environments: [staging]}\n"
    assert problems(tmp_path, everywhere) == [
        "m.yml:6:14: env.required[1].name: duplicate name 'K' for the same environment(s)"
    ]


def test_valid_neighbours_of_each_problem_pass(tmp_path: Path) -> None:
    text = (
        "environments: {production: {}}\n"
        "domains:\n  - {name: a.test}\n  - {name: b.test}\n"
        "routes:\n  - {name: a, path: /, expect: {matches: 'ok+', json: {$.status: ok}}}\n"
        "smoke:\n  flows:\n    - name: f\n      steps:\n"
        "        - {name: s, path: /, capture: {t: {json: $.t}}}\n"
        "env:\n  required:\n    - {name: N, format: int, min: 2, max: 2, "
        "environments: [production]}\n"
        "suppress:\n  - {rule: env.x, reason: because, expires: 2028-02-29}\n"
    )
    assert problems(tmp_path, text) == []


def test_an_impossible_unquoted_date_is_a_clear_error_at_its_line(tmp_path: Path) -> None:
    """YAML reads 2027-02-30 as a date and fails on the day: an error, never a traceback."""
    found = problems(
        tmp_path, "suppress:\n  - {rule: env.x, reason: because, expires: 2027-02-30}\n"
    )
    assert found == ["m.yml:3:45: '2027-02-30' is not a real date (day is out of range for month)"]

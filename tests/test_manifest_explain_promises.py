"""What a person reads for each kind of schema mistake in launchready.yml (pinned by mutation
testing): the exact words, at the file:line:column of the key or value to fix."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from launchgate.manifest import ManifestError, load_manifest, manifest_schema
from launchgate.manifest.explain import problems_for
from launchgate.manifest.positions import Positions


def problems(tmp_path: Path, text: str, head: str = "version: 1\n") -> list[str]:
    """The problems of a real manifest file (``head`` + ``text``), its path shown as m.yml."""
    path = tmp_path / "launchready.yml"
    path.write_text(head + text, encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    prefix = f"{path}:"
    return [str(p).replace(prefix, "m.yml:", 1) for p in caught.value.problems]


ROUTE = "routes:\n  - {name: a, path: /, "


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "perf: {samples: many}\n",
            'm.yml:2:17: perf.samples: got "many"; expected a whole number',
        ),
        ("perf: {samples: 1.5}\n", "m.yml:2:17: perf.samples: got 1.5; expected a whole number"),
        ("perf: {samples: true}\n", "m.yml:2:17: perf.samples: got true; expected a whole number"),
        ("perf: {samples: null}\n", "m.yml:2:17: perf.samples: got null; expected a whole number"),
        ("perf: {samples: [1]}\n", "m.yml:2:17: perf.samples: got a list; expected a whole number"),
        (
            "perf: {samples: {a: 1}}\n",
            "m.yml:2:17: perf.samples: got a mapping; expected a whole number",
        ),
        ("routes: {}\n", "m.yml:2:9: routes: got a mapping; expected a list"),
        ("perf: 3\n", "m.yml:2:7: perf: got 3; expected a mapping"),
        ("project: 7\n", "m.yml:2:10: project: got 7; expected a string"),
        (
            "perf: {error_rate: fast}\n",
            'm.yml:2:20: perf.error_rate: got "fast"; expected a number',
        ),
        ("dns: {drift: 'yes'}\n", 'm.yml:2:14: dns.drift: got "yes"; expected true or false'),
    ],
)
def test_a_wrong_type_names_the_field_the_value_given_and_the_type_expected(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert problems(tmp_path, text) == [expected]


def test_a_bare_name_where_a_named_mapping_belongs_shows_how_to_write_it(tmp_path: Path) -> None:
    assert problems(tmp_path, "domains:\n  - example.com\n") == [
        'm.yml:3:5: domains[0]: got "example.com"; expected a mapping (write {name: example.com})'
    ]
    # A mapping without a `name` key is not hinted at: `write {name: ...}` would be wrong there.
    assert problems(tmp_path, "perf: fast\n") == ['m.yml:2:7: perf: got "fast"; expected a mapping']


def test_a_missing_required_key_is_named_at_the_mapping_that_lacks_it(tmp_path: Path) -> None:
    assert problems(tmp_path, "domains:\n  - {https: true}\n") == [
        "m.yml:3:5: domains[0]: missing required key 'name'"
    ]
    assert problems(tmp_path, "fail_on: high\n", head="") == [
        "m.yml:1:1: missing required key 'version'"
    ]


def test_an_unknown_key_is_named_where_it_is_with_the_key_it_resembles(tmp_path: Path) -> None:
    assert problems(tmp_path, "fial_on: high\n") == [
        "m.yml:2:1: fial_on: unknown key (did you mean 'fail_on'?)"
    ]
    assert problems(tmp_path, "perf:\n  samples: 5\n  samlpes: 6\n") == [
        "m.yml:4:3: perf.samlpes: unknown key in perf (did you mean 'samples'?)"
    ]
    # Under a name the user chose (an environment), the keys are the environment's own.
    assert problems(tmp_path, "environments:\n  prod: {base_ur: 'https://x.test'}\n") == [
        "m.yml:3:10: environments.prod.base_ur: unknown key in environments.prod"
        " (did you mean 'base_url'?)"
    ]


def keys_of(definition: str) -> str:
    """The keys the schema allows in one of its definitions, as the message lists them."""
    return ", ".join(sorted(manifest_schema()["$defs"][definition]["properties"]))


def test_an_unknown_key_like_no_other_lists_every_key_allowed_there(tmp_path: Path) -> None:
    assert problems(tmp_path, "routes:\n  - {name: a, path: /, zzz: 1}\n") == [
        f"m.yml:3:24: routes[0].zzz: unknown key in routes[0]; expected one of: {keys_of('route')}"
    ]


def test_every_unknown_key_of_a_mapping_is_reported_each_at_its_line(tmp_path: Path) -> None:
    assert problems(tmp_path, "dns:\n  drift: true\n  xx: 1\n  resolverz: []\n") == [
        f"m.yml:4:3: dns.xx: unknown key in dns; expected one of: {keys_of('dns')}",
        "m.yml:5:3: dns.resolverz: unknown key in dns (did you mean 'resolvers'?)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "fail_on: hgh\n",
            'm.yml:2:10: fail_on: got "hgh"; expected one of: blocker, high, medium, low, info'
            " (did you mean 'high'?)",
        ),
        (
            "fail_on: zzz\n",
            'm.yml:2:10: fail_on: got "zzz"; expected one of: blocker, high, medium, low, info',
        ),
    ],
)
def test_a_value_outside_a_fixed_set_lists_the_set_and_the_closest(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert problems(tmp_path, text) == [expected]


def test_a_version_other_than_one_says_which_version_is_expected(tmp_path: Path) -> None:
    assert problems(tmp_path, "version: '1'\n", head="") == [
        'm.yml:1:10: version: got "1"; expected 1'
    ]


def test_a_value_not_in_the_expected_form_quotes_the_form_from_the_schema(tmp_path: Path) -> None:
    assert problems(tmp_path, "routes:\n  - {name: a, path: home}\n") == [
        'm.yml:3:21: routes[0].path: "home" is not in the expected form'
        " (Path on the environment's base URL, e.g. /api/health)"
    ]
    # Without a description in the schema, the form is not described.
    assert problems(tmp_path, "email: {domains: ['not a domain']}\n") == [
        'm.yml:2:19: email.domains[0]: "not a domain" is not in the expected form'
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("perf: {samples: 0}\n", "m.yml:2:17: perf.samples: got 0; expected at least 1"),
        ("perf: {samples: 10001}\n", "m.yml:2:17: perf.samples: got 10001; expected at most 10000"),
        (
            ROUTE + "budget: {p95_ms: 0}}\n",
            "m.yml:3:41: routes[0].budget.p95_ms: got 0; expected more than 0",
        ),
    ],
)
def test_a_number_out_of_range_says_the_bound_and_which_side(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert problems(tmp_path, text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("email: {domains: []}\n", "m.yml:2:18: email.domains: expected at least 1 item(s)"),
        ("project: ''\n", "m.yml:2:10: project: must not be empty"),
        (
            "suppress:\n  - {rule: a.b, reason: ok}\n",
            "m.yml:3:25: suppress[0].reason: expected at least 3 characters",
        ),
    ],
)
def test_a_list_or_text_too_short_says_how_long_it_must_be(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert problems(tmp_path, text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            ROUTE + "expect: {status: 999}}\n",
            "m.yml:3:41: routes[0].expect.status: got 999; expected at most 599",
        ),
        (
            ROUTE + "expect: {status: [200, 99]}}\n",
            "m.yml:3:47: routes[0].expect.status[1]: got 99; expected at least 100",
        ),
        (
            ROUTE + "expect: {status: []}}\n",
            "m.yml:3:41: routes[0].expect.status: expected at least 1 item(s)",
        ),
        (
            ROUTE + "expect: {status: ok}}\n",
            'm.yml:3:41: routes[0].expect.status: got "ok"; expected a whole number or a list',
        ),
    ],
)
def test_a_value_with_alternatives_is_explained_by_the_alternative_of_its_type(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert problems(tmp_path, text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("routes:\n  - {name: a}\n", "m.yml:3:5: routes[0]: needs exactly one of 'path' or 'url'"),
        (
            "routes:\n  - {name: a, path: /, url: 'https://x.test/'}\n",
            "m.yml:3:5: routes[0]: set only one of 'path' or 'url', not both",
        ),
        (
            "suppress:\n  - {reason: accepted}\n",
            "m.yml:3:5: suppress[0]: needs 'fingerprint' or 'rule'",
        ),
        (
            "operations:\n  contacts:\n    - {name: Ann}\n",
            "m.yml:4:7: operations.contacts[0]: needs 'email' or 'phone' or 'url'",
        ),
    ],
)
def test_keys_that_go_together_or_exclude_each_other_are_named(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert problems(tmp_path, text) == [expected]


def test_a_check_id_under_checks_is_one_of_the_known_checks(tmp_path: Path) -> None:
    known = "env, secrets, smoke, perf, dns"
    assert problems(tmp_path, "checks:\n  secrest: {enabled: false}\n") == [
        f"m.yml:3:3: checks.secrest: unknown name; expected one of: {known}"
        " (did you mean 'secrets'?)"
    ]
    assert problems(tmp_path, "checks:\n  zzz: {}\n") == [
        f"m.yml:3:3: checks.zzz: unknown name; expected one of: {known}"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "environments:\n  -prod: {}\n",
            "m.yml:3:3: environments.-prod: is not a valid name"
            " (Letters, digits, '-', '_' and '.', starting with a letter or digit)",
        ),
        (
            "smoke:\n  flows:\n    - name: f\n      steps:\n"
            "        - {name: s, path: /, capture: {my-token: {json: $.t}}}\n",
            "m.yml:6:40: smoke.flows[0].steps[0].capture.my-token: is not a valid name"
            " (Letters, digits and '_', not starting with a digit)",
        ),
        (
            ROUTE + "expect: {json: {status: ok}}}\n",
            "m.yml:3:40: routes[0].expect.json.status: is not a valid name"
            " (A JSON path starting with $, e.g. $.status)",
        ),
    ],
)
def test_a_name_the_user_chooses_is_checked_against_the_form_of_that_place(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert problems(tmp_path, text) == [expected]


def test_too_few_or_too_many_keys_are_counted_in_words_not_python(tmp_path: Path) -> None:
    assert problems(tmp_path, ROUTE + "expect: {json: {}}}\n") == [
        "m.yml:3:39: routes[0].expect.json: must not be empty"
    ]
    step = "smoke:\n  flows:\n    - name: f\n      steps:\n        - {name: s, path: /, "
    assert problems(tmp_path, step + "capture: {t: {json: $.t, header: X-T}}}\n") == [
        "m.yml:6:43: smoke.flows[0].steps[0].capture.t: expected only one key, got 2: json, header"
    ]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("- version: 1\n", "a list"),
        ("version 1\n", "text"),
        ("1\n", "a number"),
        ("1.0\n", "a number"),
        ("true\n", "a boolean"),
    ],
)
def test_a_file_that_is_not_a_mapping_says_what_it_is_in_yaml_words(
    tmp_path: Path, text: str, kind: str
) -> None:
    assert problems(tmp_path, text, head="") == [
        f"m.yml:1:1: expected a mapping of keys (version, routes, ...), got {kind}"
    ]


def test_every_problem_is_listed_once_in_file_order_then_by_field(tmp_path: Path) -> None:
    text = (
        "environments:\n"
        "  base: &b {zzz: 1, aaa: 2}\n"
        "  prod:\n"
        "    <<: *b\n"
        "fail_on: hgh\n"
        "perf: {samples: 0, warmup: -1}\n"
    )
    allowed = "; expected one of: base_url, env_files, production"
    assert problems(tmp_path, text) == [
        f"m.yml:3:13: environments.base.zzz: unknown key in environments.base{allowed}",
        f"m.yml:3:21: environments.base.aaa: unknown key in environments.base{allowed}",
        # Merged keys have no place of their own: both sit at prod's mapping, by name.
        f"m.yml:5:5: environments.prod.aaa: unknown key in environments.prod{allowed}",
        f"m.yml:5:5: environments.prod.zzz: unknown key in environments.prod{allowed}",
        'm.yml:6:10: fail_on: got "hgh"; expected one of: blocker, high, medium, low, info'
        " (did you mean 'high'?)",
        "m.yml:7:17: perf.samples: got 0; expected at least 1",
        "m.yml:7:28: perf.warmup: got -1; expected at least 0",
    ]


def test_a_value_yaml_gives_a_type_of_its_own_is_named_by_that_type(tmp_path: Path) -> None:
    assert problems(tmp_path, "perf: {samples: !!set {a}}\n") == [
        "m.yml:2:17: perf.samples: got a set; expected a whole number"
    ]
    # A mapping of names (no keys of its own) given as text is not hinted at either.
    assert problems(tmp_path, "environments: prod\n") == [
        'm.yml:2:15: environments: got "prod"; expected a mapping'
    ]


@pytest.mark.parametrize(
    ("schema", "value", "expected"),
    [
        ({"type": ["string", "null"]}, 5, "got 5; expected a string or null"),
        ({"exclusiveMaximum": 5}, 5, "got 5; expected less than 5"),
        ({"propertyNames": {"pattern": "^a"}}, {"b": 1}, "b: is not a valid name"),
        ({"minProperties": 2}, {}, "{} does not have enough properties"),
        (
            {"maxProperties": 2},
            {"a": 1, "b": 2, "c": 3},
            "{'a': 1, 'b': 2, 'c': 3} has too many properties",
        ),
        ({"uniqueItems": True}, [1, 1], "[1, 1] has non-unique elements"),
    ],
)
def test_a_schema_rule_the_manifest_may_grow_is_explained_too(
    schema: dict[str, object], value: object, expected: str
) -> None:
    """Rules the manifest schema does not use yet: a new one gets words, or jsonschema's own."""
    (error,) = jsonschema.Draft202012Validator(schema).iter_errors(value)
    assert [str(p) for p in problems_for(error, "m.yml", Positions())] == [f"m.yml: {expected}"]


def subschemas(node: object) -> list[dict[str, object]]:
    """Every schema object in the manifest schema, nested ones included."""
    found: list[dict[str, object]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += subschemas(value)
    elif isinstance(node, list):
        for value in node:
            found += subschemas(value)
    return found


def test_the_schema_gives_the_explainer_what_it_reads() -> None:
    """Each list says what its items are, each closed mapping lists its keys (the unknown-key
    message lists them), each pattern for chosen names says the form in words."""
    schemas = subschemas(manifest_schema())
    assert all("items" in s for s in schemas if s.get("type") == "array")
    assert all(s.get("properties") for s in schemas if s.get("additionalProperties") is False)
    names = [s["propertyNames"] for s in schemas if "propertyNames" in s]
    assert names
    assert all("enum" in n or "description" in n for n in names if isinstance(n, dict))

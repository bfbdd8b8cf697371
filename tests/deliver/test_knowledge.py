"""The launch-impact pack: every family proves its globs with its own examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgate.deliver.knowledge import (
    ImpactPackError,
    builtin_pack,
    load_pack,
    parse_pack,
)
from launchgate.findings import Severity

PACK = builtin_pack()


@pytest.mark.parametrize("family", PACK.families, ids=lambda f: f.id)
def test_family_examples_resolve_to_their_family(family) -> None:
    """A positive example is claimed by this family (the first that fits); a negative is not."""
    assert family.positive, f"{family.id} has no positive example"
    for rule in family.positive:
        assert PACK.family_of(rule, family.details).id == family.id, rule
    for rule in family.negative:
        assert PACK.family_of(rule, family.details).id != family.id, rule


def test_details_narrow_a_family() -> None:
    """The same secrets rule means different launch impact in history, bundle and tree."""
    rule = "secrets.github-token"
    assert PACK.family_of(rule, {"scope": "history"}).id == "secret-in-history"
    assert PACK.family_of(rule, {"scope": "bundle"}).id == "secret-in-bundle"
    assert PACK.family_of(rule, {"scope": "tree"}).id == "secret-in-code"
    assert PACK.family_of(rule, {}).id == "secret-in-code"


def test_unknown_rule_falls_to_the_catch_all() -> None:
    assert PACK.family_of("custom.thing").id == "other"
    assert PACK.families[-1].match == ("*",)


def test_every_gap_the_audit_uses_has_words() -> None:
    for gap in (
        "no-operations",
        "no-rollback",
        "no-deploy",
        "no-restore",
        "restore-untested",
        "no-contacts",
        "no-monitors",
        "no-alerts",
        "route-unmonitored",
        "slow-interval",
        "certificate-unowned",
        "account-unowned",
        "no-registrar",
    ):
        text = PACK.gap(gap)
        assert text.title and text.impact and text.fix
    assert PACK.gap("no-rollback").severity is Severity.HIGH


def _pack(**family: object) -> dict[str, object]:
    base = {
        "id": "x",
        "match": ["x.*"],
        "group_by": "host",
        "title": "t",
        "impact": "i",
        "effort": "minutes",
    }
    return {"kind": "impact", "families": [{**base, **family}], "gaps": []}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"group_by": "planet"}, "group_by must be one of"),
        ({"effort": "ages"}, "effort 'ages' is not one of"),
        ({"match": []}, "'match' must be a non-empty list"),
        ({"impact": " "}, "'impact' must be a non-empty string"),
    ],
)
def test_malformed_families_are_refused_with_the_entry(change, message) -> None:
    with pytest.raises(ImpactPackError, match=message) as caught:
        parse_pack(_pack(**change), "p.yml")
    assert "p.yml: families[0] (x)" in str(caught.value)


@pytest.mark.parametrize(
    ("joins", "message"),
    [
        ("x", "'joins' must name another family"),
        ("nowhere", "family x: joins unknown family 'nowhere'"),
        ("y", "family x: joins y, which groups by route, not host"),
        ("z", "family x: joins z, which itself joins another"),
    ],
)
def test_joins_must_name_a_family_that_groups_alike(joins: str, message: str) -> None:
    base = {"match": ["x.*"], "group_by": "host", "title": "t", "impact": "i", "effort": "minutes"}
    families = [
        {**base, "id": "x", "joins": joins},
        {**base, "id": "y", "group_by": "route"},
        {**base, "id": "z", "joins": "w"},
        {**base, "id": "w"},
    ]
    with pytest.raises(ImpactPackError, match=message):
        parse_pack({"kind": "impact", "families": families, "gaps": []}, "p.yml")


def test_the_builtin_pack_joins_malformed_values_to_test_values() -> None:
    families = {f.id: f for f in PACK.families}
    assert families["env-malformed"].joins == "env-unsafe-values"


def test_wrong_kind_duplicates_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(ImpactPackError, match="not an impact pack"):
        parse_pack({"kind": "secrets"}, "p.yml")
    doubled = _pack()
    doubled["families"] = doubled["families"] * 2  # type: ignore[operator]
    with pytest.raises(ImpactPackError, match="duplicate ids x"):
        parse_pack(doubled, "p.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("families: [\n")
    with pytest.raises(ImpactPackError, match=r"bad\.yml: cannot read"):
        load_pack(bad)

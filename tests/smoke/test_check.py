"""The registered check: when ``launchgate run`` includes it, what the runner's unchecked-section
note says now that smoke exists, its rule catalogue, and clear errors instead of tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgate.checkapi import CheckError
from launchgate.manifest import Manifest, parse_manifest
from launchgate.registry import load_builtin_checks
from launchgate.runner import unchecked_sections
from launchgate.smoke.catalogue import RULES
from launchgate.smoke.check import SPEC, configured
from launchgate.smoke.policy import load_policy
from tests.smoke.conftest import RunSmoke


def _manifest(tmp_path: Path, text: str) -> Manifest:
    return parse_manifest("version: 1\n" + text, tmp_path / "launchready.yml")


def test_configured_by_routes_flows_or_domains(tmp_path: Path) -> None:
    assert not configured(_manifest(tmp_path, ""))
    assert configured(_manifest(tmp_path, "routes: [{name: a, path: /}]\n"))
    assert configured(_manifest(tmp_path, "domains: [{name: example.com}]\n"))
    flows = "smoke: {flows: [{name: f, steps: [{name: s, path: /}]}]}\n"
    assert configured(_manifest(tmp_path, flows))


def test_unchecked_note_only_for_what_smoke_does_not_read(tmp_path: Path) -> None:
    registry = {"smoke": SPEC}
    plain = _manifest(tmp_path, "routes: [{name: a, path: /}]\ndomains: [{name: example.com}]\n")
    assert unchecked_sections(plain, registry) == []
    records = _manifest(tmp_path, "domains: [{name: example.com, expect: {A: 192.0.2.1}}]\n")
    (note,) = unchecked_sections(records, registry)
    assert note.title.startswith("domains[].expect: declared, but not checked")
    assert len(unchecked_sections(plain, {})) == 2


def test_registered_with_every_rule_described() -> None:
    assert load_builtin_checks()["smoke"] is SPEC
    infos = list(SPEC.rules(_manifest(Path("/tmp"), "")))
    assert {i.id for i in infos} == set(RULES)
    assert all(i.id.startswith("smoke.") and i.severity and i.remediation for i in infos)
    assert {r.rule for r in load_policy().headers} <= set(RULES)


def test_nothing_to_smoke_is_a_clear_error(run_smoke: RunSmoke) -> None:
    with pytest.raises(CheckError, match="nothing to smoke"):
        run_smoke()


def test_a_path_without_a_base_url_is_a_clear_error(run_smoke: RunSmoke) -> None:
    with pytest.raises(CheckError, match="no base URL"):
        run_smoke({"routes": [{"name": "a", "path": "/"}]})


def test_bad_resolve_and_bundle_are_clear_errors(run_smoke: RunSmoke) -> None:
    with pytest.raises(CheckError, match="HOST:PORT:ADDRESS"):
        run_smoke(urls=["https://a.test/"], resolve=["a.test"])
    with pytest.raises(CheckError, match="no such file"):
        run_smoke(urls=["https://a.test/"], ca_bundle="/nonexistent.pem")

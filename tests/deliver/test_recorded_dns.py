"""The deliverables on a real dns report: the dns check's acceptance zones served by NSD, run
through the runner and the JSON report contract, then audited and handed over."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from launchgate import registry
from launchgate.checkapi import Masker
from launchgate.deliver.audit import Audit, build_audit
from launchgate.deliver.evidence import Evidence, merge, report_dict, validate_report
from launchgate.deliver.handover import build_handover
from launchgate.deliver.knowledge import builtin_pack
from launchgate.deliver.state import load_state
from launchgate.runner import RunOptions, run_gate
from tests.dnscheck.scenario import manifest_text, serve_policy, write_manifest, zones
from tests.fixtures.https import PKI, pki  # noqa: F401  (fixture)
from tests.fixtures.nsd import start_nsd

PACK = builtin_pack()
CATCH_ALLS = {"other", "other-smoke", "other-perf"}


@pytest.fixture(scope="module")
def recorded(
    pki: PKI,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dict[str, Any], Evidence, Path]]:
    """(manifest data, evidence, state directory) of one real dns run."""
    server = start_nsd(tmp_path_factory.mktemp("nsd"), zones())
    https = HTTPServer(host="127.0.0.1", port=0, ssl_context=pki.leaf("good").server_context())
    serve_policy(https)
    https.start()
    try:
        root = tmp_path_factory.mktemp("dnsrun")
        manifest = write_manifest(root, manifest_text(server.address, https.port))
        options = RunOptions(
            only=("dns",), params={"ca_bundle": str(pki.ca_file)}, state_dir=root / "state"
        )
        report = run_gate(manifest, root, options, registry.load_builtin_checks(), Masker())
        data = validate_report(report_dict(report), "dns run")
        yield dict(manifest.data), merge([("dns run", data)]), root / "state"
    finally:
        https.stop()
        server.stop()


@pytest.fixture(scope="module")
def audit(recorded: tuple[dict[str, Any], Evidence, Path]) -> Audit:
    data, evidence, _state = recorded
    return build_audit(data, evidence, PACK)


def test_every_dns_rule_that_fired_has_a_launch_meaning(
    recorded: tuple[dict[str, Any], Evidence, Path],
) -> None:
    _data, evidence, _state = recorded
    rules = {str(f["rule"]) for f in evidence.findings}
    assert len(rules) >= 10
    unknown = sorted(r for r in rules if PACK.family_of(r, {}).id in CATCH_ALLS)
    assert unknown == []


def test_refused_domain_makes_it_no_go_and_takeovers_rank_first(audit: Audit) -> None:
    assert not audit.go
    assert "could not run: dns" in audit.verdict
    assert audit.risks[0].severity.value == "blocker"
    blockers = {r.family for r in audit.risks if r.severity.value == "blocker"}
    assert "takeover" in blockers
    unverified = next(r for r in audit.risks if r.family == "unverified")
    assert "refused.example" in " ".join(unverified.evidence)
    # one risk per mail domain, however many of its SPF/DKIM/DMARC findings fired
    email = [r for r in audit.risks if r.family == "email-auth"]
    assert len({r.key for r in email}) == len(email)


def test_handover_shows_the_snapshot_the_run_saved(
    recorded: tuple[dict[str, Any], Evidence, Path], audit: Audit
) -> None:
    data, evidence, state_dir = recorded
    state = load_state(state_dir)
    assert state.records, "the dns check saves a snapshot"
    text = build_handover(data, evidence, state, audit)
    section = text.split("## Domains and DNS records", 1)[1].split("## ", 1)[0]
    assert "| app.test | — | A 127.0.0.1" in section
    assert "not observed yet" not in section.split("| app.test |", 1)[1].split("\n", 1)[0]

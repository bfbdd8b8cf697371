"""The documentation's examples are real: the rule packs in docs/rule-packs.md load and prove
themselves, so a user copying them gets working packs."""

from __future__ import annotations

import re
from pathlib import Path

from launchgate.dnscheck.packs import load_knowledge
from launchgate.envcheck.values import load_rules as load_env_rules
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.proof import unproven
from launchgate.secretscan.rules import load_rules as load_secret_rules

REPO = Path(__file__).resolve().parents[1]


def doc_packs(tmp_path: Path) -> dict[str, Path]:
    text = (REPO / "docs" / "rule-packs.md").read_text()
    out = {}
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        kind = re.search(r"^kind: ([\w-]+)", block, re.M)
        if kind:
            out[kind.group(1)] = tmp_path / f"{kind.group(1)}.yml"
            out[kind.group(1)].write_text(block)
    return out


def test_documented_packs_load_and_hold_their_examples(tmp_path: Path) -> None:
    packs = doc_packs(tmp_path)
    assert set(packs) == {"secrets", "env", "dns-takeover", "dns-caa-issuers"}
    detector = Detector(load_secret_rules([packs["secrets"]]))
    assert "secrets.acme-deploy-token" in {r.id for r in detector.ruleset.rules}
    assert unproven(detector, {str(packs["secrets"])}) == []
    rules = load_env_rules(tmp_path, [packs["env"].name])
    assert "acme-sandbox-host" in {r.id for r in rules}


def test_documented_dns_packs_load(tmp_path: Path) -> None:
    packs = doc_packs(tmp_path)
    knowledge = load_knowledge(
        tmp_path, [packs["dns-takeover"].name, packs["dns-caa-issuers"].name]
    )
    assert knowledge.service_of("shop.acme-hosting.example") is not None
    assert knowledge.issuer_of("CN=ACME Issuing CA 2,O=ACME Internal CA,C=US") is not None

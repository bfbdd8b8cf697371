"""The smoke, perf and dns fixtures are what the real checks produce against the planted Shop.

Every run records them again (``tests/deliver/recorder.py``: real HTTPS servers and a real NSD on
loopback, the real checks through the runner and the JSON contract) and compares the stable parts
with the committed files, so the expected outputs of the deliverable tests cannot drift from the
checks.
When a check changes what it reports, regenerate with ``python -m tests.deliver.recorder``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from launchgate.deliver.evidence import read_report
from tests.deliver.conftest import REPORTS
from tests.deliver.recorder import SMOKE_TOKEN, record, stable_parts

# Each planted problem and the rule that must report it (see the recorder's docstring).
PLANTED = {
    "certificate of www.shop.test expires in 5 days": "smoke.tls-expiring",
    "no security headers on www.shop.test": "smoke.security-header",
    "no HSTS": "smoke.hsts-missing",
    "session cookie without Secure": "smoke.cookie-not-secure",
    "login answers 500": "smoke.server-error",
    "private /api/me publicly cacheable": "smoke.private-cacheable",
    "CORS echoes any origin with credentials": "smoke.cors-reflected-credentials",
    "shop.test redirects http -> https -> http": "smoke.redirect-loop",
    "home page over its 400 ms budget": "perf.over-budget",
    "old.shop.test: CNAME to a Heroku app nobody holds": "dns.takeover-risk",
    "no DMARC record": "email.dmarc-missing",
    "SPF over ten lookups": "email.spf-too-many-lookups",
    "dns reads the same expiring certificate": "tls.expires-soon",
}
CHECKS = ("smoke", "perf", "dns")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return record(tmp_path_factory.mktemp("record"))


@pytest.mark.parametrize("check", CHECKS)
def test_committed_recording_matches_a_fresh_one(
    fresh: dict[str, dict[str, Any]], check: str
) -> None:
    committed = read_report(REPORTS / f"{check}.json")
    assert stable_parts(fresh[check]) == stable_parts(committed)


def test_every_planted_problem_is_in_the_recordings() -> None:
    rules = {
        f["rule"] for check in CHECKS for f in read_report(REPORTS / f"{check}.json")["findings"]
    }
    missing = {problem: rule for problem, rule in PLANTED.items() if rule not in rules}
    assert missing == {}


def test_home_is_measured_over_budget_and_the_fast_routes_under() -> None:
    routes = {m["route"]: m for m in read_report(REPORTS / "perf.json")["metrics"]["routes"]}
    assert routes["home"]["p95_ms"] > 400
    assert {name for name, m in routes.items() if m["verdict"] == "ok"} == {"health", "account"}


@pytest.mark.parametrize("check", CHECKS)
def test_recordings_hold_no_port_and_no_credential(check: str) -> None:
    text = (REPORTS / f"{check}.json").read_text("utf-8")
    assert re.findall(r"shop\.test:\d+", text) == []
    assert SMOKE_TOKEN not in text
    assert json.loads(text)["tool"]["name"] == "launchgate"

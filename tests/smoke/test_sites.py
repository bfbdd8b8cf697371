"""The issue's acceptance scenario: a deliberately broken site with ten problems, and its
correctly configured twin that must come out with no finding above low."""

from __future__ import annotations

from pytest_httpserver import HTTPServer

from launchgate.findings import Severity
from tests.fixtures.https import HttpsServerFactory
from tests.fixtures.sites import PROBLEMS, start_site
from tests.smoke.conftest import RunSmoke, rules


def test_correct_site_has_no_finding_above_low(
    https_server: HttpsServerFactory, httpserver: HTTPServer, run_smoke: RunSmoke
) -> None:
    site = start_site(https_server, httpserver, broken=False)
    result = run_smoke(
        urls=site.urls(), resolve=site.resolve(), private_urls=[f"{site.https_url}/account"]
    )
    above_low = [f for f in result.findings if f.severity.at_least(Severity.MEDIUM)]
    assert above_low == [], "\n".join(f"{f.rule}: {f.message}" for f in above_low)
    assert result.error is None


def test_broken_site_shows_all_ten_problems(
    https_server: HttpsServerFactory, httpserver: HTTPServer, run_smoke: RunSmoke
) -> None:
    site = start_site(https_server, httpserver, broken=True)
    result = run_smoke(
        urls=site.urls(), resolve=site.resolve(), private_urls=[f"{site.https_url}/account"]
    )
    found = rules(result)
    print("\n".join(f"{f.severity} {f.rule}: {f.message}" for f in result.findings))
    missing = {problem: rule for problem, rule in PROBLEMS.items() if rule not in found}
    assert missing == {}

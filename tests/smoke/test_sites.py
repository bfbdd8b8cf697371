"""The issue's acceptance scenario: a deliberately broken site with ten problems, and its
correctly configured twin that must come out with no finding above low."""

from __future__ import annotations

from pytest_httpserver import HTTPServer

from launchgate.findings import CheckResult, Severity
from tests.fixtures.https import HttpsServerFactory
from tests.fixtures.sites import PROBLEMS, Site, start_site
from tests.smoke.conftest import RunSmoke, rules


def _smoke(site: Site, run_smoke: RunSmoke) -> CheckResult:
    return run_smoke(
        urls=site.urls(), resolve=site.resolve(), private_urls=[f"{site.https_url}/account"]
    )


def test_correct_site_has_no_finding_above_low(
    https_server: HttpsServerFactory, httpserver: HTTPServer, run_smoke: RunSmoke
) -> None:
    result = _smoke(start_site(https_server, httpserver, broken=False), run_smoke)
    above_low = [f for f in result.findings if f.severity.at_least(Severity.MEDIUM)]
    assert above_low == [], "\n".join(f"{f.rule}: {f.message}" for f in above_low)
    assert result.error is None


def test_broken_site_shows_all_ten_problems(
    https_server: HttpsServerFactory, httpserver: HTTPServer, run_smoke: RunSmoke
) -> None:
    found = rules(_smoke(start_site(https_server, httpserver, broken=True), run_smoke))
    assert {problem: rule for problem, rule in PROBLEMS.items() if rule not in found} == {}

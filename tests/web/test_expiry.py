"""One certificate, one severity: smoke (after a deploy) and dns (at night) read the same ladder
and the same default warning threshold (launchgate/web/expiry.py)."""

from __future__ import annotations

import pytest

from launchgate.dnscheck.certs import DEFAULT_MIN_DAYS, expiry_issue
from launchgate.findings import Severity
from launchgate.smoke.config import SmokeConfig
from launchgate.smoke.verdict import expiry_severity
from launchgate.web.expiry import DEFAULT_WARN_DAYS, expiry_step
from tests.dnscheck.test_certs import NOW, info

SMOKE_DEFAULT = SmokeConfig.__dataclass_fields__["min_days_valid"].default


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0.1, (Severity.HIGH, 7)),
        (6.99, (Severity.HIGH, 7)),
        (7.0, (Severity.MEDIUM, 14)),
        (13.99, (Severity.MEDIUM, 14)),
        (14.0, (Severity.LOW, 30)),
        (29.99, (Severity.LOW, 30)),
        (30.0, None),
    ],
)
def test_the_ladder_by_days_left(days: float, expected: tuple[Severity, int] | None) -> None:
    assert expiry_step(days, 30) == expected


def test_nothing_is_reported_before_the_users_own_threshold() -> None:
    assert expiry_step(5.0, 3) is None
    assert expiry_step(2.0, 3) == (Severity.HIGH, 7)


@pytest.mark.parametrize("days", [0.5, 3, 5, 6.99, 7, 10, 13.99, 14, 20, 29.99, 30, 45])
def test_smoke_and_dns_give_one_certificate_one_severity(days: float) -> None:
    found = expiry_issue("app.test", info(days), DEFAULT_MIN_DAYS, NOW)
    from_dns = None if found is None else found.severity
    assert expiry_severity(days, SMOKE_DEFAULT) == (from_dns)


def test_both_checks_default_to_the_documented_thirty_days() -> None:
    assert DEFAULT_WARN_DAYS == DEFAULT_MIN_DAYS == SMOKE_DEFAULT == 30

"""How urgent a certificate's remaining life is: one ladder for every check that reads
certificates (smoke after a deploy, dns at night), so one certificate never gets two severities.

Certificate authorities' clients renew about 30 days before expiry; a certificate still under
14 days has missed its renewal, and under 7 days the site will break within the week.
Expiry itself is each check's blocker rule, not part of this ladder.
"""

from __future__ import annotations

from launchgate.findings import Severity

HIGH_DAYS = 7
MEDIUM_DAYS = 14
# domains[].tls.min_days_valid when the manifest does not say (the schema's documented default).
DEFAULT_WARN_DAYS = 30


def expiry_step(days_left: float, warn_days: int) -> tuple[Severity, int] | None:
    """The severity and the limit crossed ("under 7 days"), or None while ``warn_days`` or more
    days are left. Nothing is reported before the user's own warning threshold."""
    if days_left >= warn_days:
        return None
    for limit, severity in ((HIGH_DAYS, Severity.HIGH), (MEDIUM_DAYS, Severity.MEDIUM)):
        if days_left < limit:
            return severity, limit
    return Severity.LOW, warn_days

"""Readiness: wait until the new release answers before judging it.

A cold start is not a failure: probe with growing pauses (backoff) until an answer that is not a
connection failure nor a 502/503/504 arrives, or ``smoke.wait.timeout_s`` passes. A release that
never becomes ready is one blocker, not a finding per route.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from launchgate.findings import Finding, Location
from launchgate.smoke.catalogue import finding
from launchgate.smoke.config import SmokeConfig

if TYPE_CHECKING:
    from launchgate.smoke.engine import Smoke

NOT_READY_STATUSES = (502, 503, 504)
MAX_PAUSE_S = 10.0


@dataclass(frozen=True)
class Readiness:
    url: str
    ready: bool
    waited_ms: float
    attempts: int
    last: str

    def finding(self) -> Finding:
        return finding(
            "smoke.not-ready",
            f"{self.url} did not become ready in {self.waited_ms / 1000:.1f} s "
            f"({self.attempts} attempts; last: {self.last})",
            Location(url=self.url),
            details={"attempts": self.attempts, "waited_ms": round(self.waited_ms)},
        )


def probe_url(config: SmokeConfig) -> str | None:
    """``smoke.wait.path`` on the base URL, else the first route, else the first ad hoc URL."""
    if config.wait and config.wait.path and config.base_url:
        return config.base_url.rstrip("/") + config.wait.path
    for route in config.routes:
        if route.url or config.base_url:
            return route.target(config.base_url)
    return config.urls[0] if config.urls else None


def pauses(interval_s: float, timeout_s: float) -> list[float]:
    """The pauses between attempts: ``interval_s`` growing by half each time, capped at
    10 s, adding up to no more than ``timeout_s``."""
    out: list[float] = []
    pause, total = interval_s, 0.0
    while total + pause <= timeout_s:
        out.append(pause)
        total += pause
        pause = min(pause * 1.5, MAX_PAUSE_S)
    return out


def wait_until_ready(smoke: Smoke, config: SmokeConfig) -> Readiness | None:
    """Probe until ready; ``None`` when there is nothing to probe or no wait is configured."""
    url = probe_url(config)
    if url is None or config.wait is None:
        return None
    started = time.monotonic()
    attempts = 0
    last = ""
    schedule = pauses(config.wait.interval_s, config.wait.timeout_s)
    while True:
        attempts += 1
        smoke.deadline = time.monotonic() + config.timeout_s
        answer = smoke.fetch("GET", url)
        # A TLS failure means the server answers: the certificate is judged later, not waited for.
        if (answer.ok and answer.status not in NOT_READY_STATUSES) or answer.error_kind == "tls":
            waited = (time.monotonic() - started) * 1000
            return Readiness(url, True, waited, attempts, f"HTTP {answer.status or 'TLS'}")
        last = f"HTTP {answer.status}" if answer.ok else str(answer.error)
        if not schedule:
            return Readiness(url, False, (time.monotonic() - started) * 1000, attempts, last)
        time.sleep(schedule.pop(0))

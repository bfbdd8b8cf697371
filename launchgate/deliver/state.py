"""Saved state the handover reads: the DNS snapshot and the perf history (launchgate/store.py).

Read tolerantly: a missing, older or damaged file means "not observed yet", never an error, and
the handover says so. Formats: ``dns-snapshot`` is ``{"version": 1, "records": {"name TYPE":
[values]}}``; ``perf-history`` is ``{"format": 1, "routes": {route: [{"p95_ms", "time",
"commit", ...}]}}`` with the newest run last.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchgate.store import Store

DNS_KEY = "dns-snapshot"  # launchgate.dnscheck.drift.SNAPSHOT_KEY
PERF_KEY = "perf-history"


@dataclass(frozen=True)
class SavedState:
    records: Mapping[str, list[str]] = field(default_factory=dict)  # "name TYPE" -> values
    last_p95: Mapping[str, float] = field(default_factory=dict)  # route -> p95 of the last run


def _records(stored: Any) -> dict[str, list[str]]:
    """The dns check's own reader, sorted for a deterministic handover."""
    from launchgate.dnscheck.drift import read_snapshot

    return {key: sorted(values) for key, values in sorted(read_snapshot(stored).items())}


def _last_p95(stored: Any) -> dict[str, float]:
    if not isinstance(stored, Mapping) or stored.get("format") != 1:
        return {}
    routes = stored.get("routes")
    out: dict[str, float] = {}
    for name, runs in routes.items() if isinstance(routes, Mapping) else ():
        if isinstance(runs, list) and runs and isinstance(runs[-1], Mapping):
            p95 = runs[-1].get("p95_ms")
            if isinstance(p95, int | float):
                out[str(name)] = float(p95)
    return out


def load_state(directory: Path | None) -> SavedState:
    if directory is None or not directory.is_dir():
        return SavedState()
    store = Store(directory)
    return SavedState(records=_records(store.get(DNS_KEY)), last_p95=_last_p95(store.get(PERF_KEY)))


def records_by_name(records: Mapping[str, list[str]]) -> dict[str, dict[str, list[str]]]:
    """``{"www.example.com CNAME": [...]}`` -> ``{"www.example.com": {"CNAME": [...]}}``."""
    out: dict[str, dict[str, list[str]]] = {}
    for key, values in records.items():
        name, _, rtype = key.rpartition(" ")
        if name:
            out.setdefault(name.rstrip(".").lower(), {})[rtype] = values
    return out

"""Snapshots of the records a run looked at, and what changed since the previous one.

A snapshot maps ``"name TYPE"`` to the sorted normalized records (empty: the name has none).
A name that is a CNAME is recorded by its CNAME only, so a CDN rotating addresses behind it is
not reported as drift. What could not be looked up this run keeps last run's value: a SERVFAIL
is never reported as "removed".
"""

from __future__ import annotations

from collections.abc import Mapping

SNAPSHOT_KEY = "dns-snapshot"
SNAPSHOT_VERSION = 1
_SHOWN = 80

Snapshot = dict[str, list[str]]


def merge(previous: Mapping[str, list[str]], current: Snapshot, unknown: set[str]) -> Snapshot:
    """This run's snapshot, with last run's values kept for the keys that could not be checked."""
    merged = dict(current)
    for key in unknown:
        if key in previous:
            merged[key] = list(previous[key])
    return dict(sorted(merged.items()))


def _shown(records: list[str]) -> str:
    text = ", ".join(records)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def changes(previous: Mapping[str, list[str]], current: Mapping[str, list[str]]) -> list[str]:
    """Plain sentences: "app.example.com CNAME changed from a to b", "... added: x", ...

    Only keys present in both snapshots are compared: a name newly declared in the manifest is
    not "added" DNS, and a name no longer declared is not "removed" DNS.
    """
    out = []
    for key in sorted(set(previous) & set(current)):
        before, after = sorted(previous[key]), sorted(current[key])
        if before == after:
            continue
        if before and after:
            out.append(f"{key} changed from {_shown(before)} to {_shown(after)}")
        elif after:
            out.append(f"{key} added: {_shown(after)}")
        else:
            out.append(f"{key} removed (was {_shown(before)})")
    return out


def read_snapshot(stored: object) -> Snapshot:
    """The records of a stored snapshot; anything unexpected is treated as no snapshot."""
    if not isinstance(stored, Mapping) or stored.get("version") != SNAPSHOT_VERSION:
        return {}
    records = stored.get("records")
    if not isinstance(records, Mapping):
        return {}
    return {
        str(k): [str(r) for r in v]
        for k, v in records.items()
        if isinstance(v, list) and all(isinstance(r, str) for r in v)
    }


def stored_form(snapshot: Snapshot) -> dict[str, object]:
    return {"version": SNAPSHOT_VERSION, "records": snapshot}

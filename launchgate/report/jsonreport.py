"""The JSON report: the contract other tools and our own tests read (schemas/report.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from launchgate.findings import Report, verdict

SCHEMA_VERSION = 1


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "launchgate", "version": report.tool_version},
        "status": report.status,
        "fail_on": report.fail_on.value,
        "verdict": verdict(report),
        "counts": report.counts(),
        "checks": [
            {
                "id": c.check,
                "status": report.check_status(c).value,
                "duration_ms": c.duration_ms,
                "summary": c.summary,
                **({"error": c.error} if c.error is not None else {}),
            }
            for c in report.checks
        ],
        "findings": [f.to_dict() for f in report.findings],
        "suppressed": [
            {"finding": s.finding.to_dict(), "reason": s.reason} for s in report.suppressed
        ],
        "metrics": {
            "routes": [r.to_dict() for r in report.routes],
            "certificates": [c.to_dict() for c in report.certificates],
        },
    }


def render(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False) + "\n"

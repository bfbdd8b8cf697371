"""The Action's own messages as workflow commands, and its outputs when the gate does not run.

Findings are rendered by :mod:`launchgate.report.github`; this covers what happens before or
instead of a run (a skipped event, an invalid manifest, a shallow clone), with the same escaping
so no text from an event payload or a manifest can inject a workflow command.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from launchgate.findings import SEVERITIES

TITLE = "launchgate"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: str | int | None) -> str:
    """``::kind key=value,...::message`` with every part escaped."""
    props = ",".join(
        f"{key}={_escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    return f"::{kind}{' ' + props if props else ''}::{_escape_data(message)}\n"


def emit(kind: str, message: str, **properties: str | int | None) -> None:
    """Print a workflow command (``notice``, ``warning``, ``error``) with a title."""
    properties.setdefault("title", TITLE)
    sys.stdout.write(command(kind, message, **properties))
    sys.stdout.flush()


def log(text: str) -> None:
    """A plain log line; line breaks from event text are flattened so none can start a command."""
    sys.stdout.write("launchgate: " + " ".join(text.split()) + "\n")
    sys.stdout.flush()


def _append(variable: str, text: str) -> None:
    path = os.environ.get(variable)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def write_outputs(status: str, verdict: str) -> None:
    """Outputs for a run that ended before the gate, with the names ``report.github`` uses."""
    one_line = " ".join(verdict.split())
    lines = [f"status={status}", f"verdict={one_line}", *(f"{s.value}=0" for s in SEVERITIES)]
    lines += ["findings=0", "suppressed=0"]
    _append("GITHUB_OUTPUT", "".join(line + "\n" for line in lines))


def write_summary(heading: str, lines: Iterable[str]) -> None:
    """A job summary for a run that ended before the gate; honours ``LAUNCHGATE_SUMMARY``."""
    if os.environ.get("LAUNCHGATE_SUMMARY", "true").strip().lower() == "false":
        return
    body = "".join(f"{line}\n" for line in lines)
    _append("GITHUB_STEP_SUMMARY", f"## launchgate: {heading}\n\n{body}\n")

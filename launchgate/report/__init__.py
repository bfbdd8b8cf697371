"""Reporters: each a pure function from a :class:`~launchgate.findings.Report` to text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from launchgate.findings import Report

FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")


def render(
    fmt: str,
    report: Report,
    root: Path,
    color: bool = False,
    verbose: bool = False,
    manifest: str = "launchready.yml",
) -> str:
    """Render ``report`` in ``fmt`` (one of :data:`FORMATS`)."""
    renderers: dict[str, Callable[[], str]] = {
        "text": lambda: _text(report, color, verbose),
        "json": lambda: _json(report),
        "sarif": lambda: _sarif(report, root, manifest),
        "junit": lambda: _junit(report),
        "github": lambda: _github_annotations(report, root),
        "markdown": lambda: _markdown(report),
    }
    if fmt not in renderers:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return renderers[fmt]()


def _text(report: Report, color: bool, verbose: bool) -> str:
    from launchgate.report import text

    return text.render(report, color=color, verbose=verbose)


def _json(report: Report) -> str:
    from launchgate.report import jsonreport

    return jsonreport.render(report)


def _sarif(report: Report, root: Path, manifest: str) -> str:
    from launchgate.report import sarif

    return sarif.render(report, root, manifest=manifest)


def _junit(report: Report) -> str:
    from launchgate.report import junit

    return junit.render(report)


def _github_annotations(report: Report, root: Path) -> str:
    from launchgate.report import github

    return github.annotations(report, root=root)


def _markdown(report: Report) -> str:
    from launchgate.report import github

    return github.summary(report)

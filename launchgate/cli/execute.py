"""Run the gate once and write every requested report: the one place commands meet the runner."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from launchgate import registry
from launchgate.checkapi import Masker
from launchgate.cli.options import (
    EXIT_ERROR,
    EXIT_FAIL,
    EXIT_PASS,
    ExitError,
    parse_report,
    split_words,
    write_file,
)
from launchgate.findings import Report, Severity, with_path_prefix
from launchgate.manifest import Manifest
from launchgate.report import render
from launchgate.runner import RunOptions, UsageError, run_gate


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _progress_printer(quiet: bool) -> Callable[[str], None] | None:
    """Progress lines for long work, only on an interactive terminal (never in CI logs)."""
    if quiet or not sys.stderr.isatty() or os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS"):
        return None

    def show(message: str) -> None:
        width = 78
        sys.stderr.write("\r" + message[:width].ljust(width))
        sys.stderr.flush()

    return show


def execute(
    *,
    root: Path,
    manifest: Manifest,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    params: dict[str, Any],
    fail_on: Severity | None,
    reports: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    state_dir: Path | None,
    allow_errors: bool,
    color: str,
    quiet: bool,
    verbose: bool,
    path_prefix: str = "",
) -> int:
    """Run the gate and emit every requested report; returns the exit code.

    ``path_prefix`` puts finding paths under a subfolder of the repository (the action's
    ``working-directory``) so annotations and SARIF land on the right files.
    """
    targets = [parse_report(r) for r in split_words(reports)]
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    options = RunOptions(
        only=only,
        skip=skip,
        fail_on=fail_on,
        params=params,
        errors_fail=not allow_errors,
        state_dir=state_dir,
        verbose=verbose,
    )
    masker = Masker()
    progress = _progress_printer(quiet)
    try:
        report = run_gate(manifest, root, options, registry.load_builtin_checks(), masker, progress)
    except UsageError as exc:
        raise ExitError(str(exc)) from None
    finally:
        if progress is not None:
            sys.stderr.write("\r" + " " * 78 + "\r")
    if path_prefix.strip("/."):
        # From here on, paths are relative to the repository root, as GitHub wants them.
        report = with_path_prefix(report, path_prefix)
        root = root.parents[len(Path(path_prefix).parts) - 1]
    if in_actions:
        from launchgate.report import github

        # Masks go out before any other line so the runner hides these values from here on.
        click.echo(github.mask_commands(sorted(masker.values)), nl=False)

    manifest_rel = _relative(manifest.path, root)
    paths: dict[str, str] = {}
    printed: set[str] = set()
    for target in targets:
        text = render(target.fmt, report, root, verbose=verbose, manifest=manifest_rel)
        if target.path is None:
            click.echo(text, nl=False)
            printed.add(target.fmt)
        else:
            write_file(target.path, text)
            paths[f"{target.fmt}-file"] = str(target.path)

    stdout_fmt = fmt or "text"
    if output is not None:
        write_file(output, render(stdout_fmt, report, root, verbose=verbose, manifest=manifest_rel))
        paths[f"{stdout_fmt}-file"] = str(output)
    elif quiet:
        from launchgate.findings import verdict

        click.echo(verdict(report))
    elif not printed:
        click.echo(
            render(stdout_fmt, report, root, _use_color(color), verbose, manifest_rel), nl=False
        )
        printed.add(stdout_fmt)

    if in_actions:
        _emit_github(report, paths, root, annotate="github" not in printed)
    return {"pass": EXIT_PASS, "fail": EXIT_FAIL, "error": EXIT_ERROR}[report.status]


def _emit_github(report: Report, paths: dict[str, str], root: Path, annotate: bool) -> None:
    """Annotations on stdout (unless already printed); summary and outputs into runner files."""
    from launchgate.report import github

    if annotate:
        click.echo(github.annotations(report, root=root), nl=False)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file and os.environ.get("LAUNCHGATE_SUMMARY", "true").lower() != "false":
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(github.summary(report))
    output_file = os.environ.get("GITHUB_OUTPUT")
    if output_file:
        with open(output_file, "a", encoding="utf-8") as handle:
            handle.write(github.outputs(report, paths))


def _relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes, or its name when outside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name

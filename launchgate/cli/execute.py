"""Run the gate once and write every requested report: the one place commands meet the runner."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from launchgate import children, registry
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
from launchgate.findings import Report, Severity, verdict, with_path_prefix
from launchgate.manifest import Manifest
from launchgate.paths import prefix_in_repository, repository_root
from launchgate.report import render
from launchgate.runner import RunOptions, UsageError, run_gate


def _use_color(choice: str) -> bool:
    """An explicit ``--color always|never`` wins over NO_COLOR and over the terminal test."""
    if choice in ("always", "never"):
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _progress_printer(quiet: bool) -> Callable[[str], None] | None:
    """Progress lines for long work, only on an interactive terminal (never in CI logs)."""
    if quiet or not sys.stderr.isatty() or os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS"):
        return None

    def show(message: str) -> None:
        # One column short of the terminal so the line never wraps (and "\r" can rewrite it).
        width = max(10, shutil.get_terminal_size().columns - 1)
        sys.stderr.write("\r" + message[:width].ljust(width))
        sys.stderr.flush()

    return show


def _clear_progress() -> None:
    width = max(10, shutil.get_terminal_size().columns - 1)
    sys.stderr.write("\r" + " " * width + "\r")


# Formats GitHub reads: their paths must be relative to the repository root.
REPOSITORY_FORMATS = frozenset({"github", "sarif", "markdown"})


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
    skipped: Mapping[str, str] | None = None,
) -> int:
    """Run the gate and emit every requested report; returns the exit code.

    Standard output carries at most one document (the ``--format`` report or one ``--report
    FORMAT`` without a path); the verdict goes to standard error whenever that document is a
    machine format, and ``-q`` never hides why a check could not run.
    """
    targets = [parse_report(r) for r in split_words(reports)]
    to_stdout = [t.fmt for t in targets if t.path is None]
    if len(to_stdout) > 1 or (to_stdout and (fmt is not None or output is not None)):
        shown = ", ".join(to_stdout + ([fmt] if fmt and output is None else []))
        raise ExitError(
            f"only one report can go to standard output (asked: {shown}); give the others a "
            "file as FORMAT:PATH"
        )
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    options = RunOptions(
        only=only,
        skip=skip,
        fail_on=fail_on,
        params=params,
        errors_fail=not allow_errors,
        state_dir=state_dir,
        verbose=verbose,
        skipped=skipped or {},
    )
    masker = Masker()
    progress = _progress_printer(quiet)
    try:
        with interruptible() as interrupt:
            report = run_gate(
                manifest, root, options, registry.load_builtin_checks(), masker, progress
            )
            if interrupt.signum is not None:
                children.terminate_all()  # stop the workers before writing what finished
    except UsageError as exc:
        raise ExitError(str(exc)) from None
    finally:
        if progress is not None:
            _clear_progress()
    # Finding paths are relative to ``root`` (the manifest's directory); GitHub wants them
    # relative to the repository root.
    prefix = prefix_in_repository(root)
    top = repository_root(root) or root
    in_repository = with_path_prefix(report, prefix) if prefix else report
    if in_actions:
        from launchgate.report import github

        # Masks go out before any other line so the runner hides these values from here on.
        click.echo(github.mask_commands(sorted(masker.values)), nl=False)

    def rendered(target_fmt: str, use_color: bool = False) -> str:
        if target_fmt in REPOSITORY_FORMATS:
            manifest_rel = _relative(manifest.path, top)
            return render(target_fmt, in_repository, top, use_color, verbose, manifest_rel)
        return render(target_fmt, report, root, use_color, verbose, _relative(manifest.path, root))

    paths: dict[str, str] = {}
    for target in targets:
        if target.path is not None:
            write_file(target.path, rendered(target.fmt))
            paths[f"{target.fmt}-file"] = str(target.path)
    stdout_fmt = to_stdout[0] if to_stdout else (fmt or "text")
    if output is not None:
        write_file(output, rendered(stdout_fmt))
        paths[f"{stdout_fmt}-file"] = str(output)
        stdout_fmt = ""  # standard output holds no document: the verdict goes there
    elif quiet and stdout_fmt == "text":
        stdout_fmt = ""
    if stdout_fmt:
        use_color = stdout_fmt == "text" and _use_color(color)
        click.echo(rendered(stdout_fmt, use_color), nl=False, color=use_color or None)
    if stdout_fmt != "text":
        _verdict(report, err=bool(stdout_fmt), quiet=quiet)

    if in_actions:
        _emit_github(in_repository, paths, top, annotate=stdout_fmt != "github")
    if interrupt.signum is not None:
        click.echo(f"launchgate: interrupted ({signal.Signals(interrupt.signum).name})", err=True)
        return 128 + interrupt.signum  # the shell's convention: 130 for SIGINT, 143 for SIGTERM
    exits = {"pass": EXIT_PASS, "skipped": EXIT_PASS, "fail": EXIT_FAIL, "error": EXIT_ERROR}
    return exits[report.status]


def _verdict(report: Report, err: bool, quiet: bool) -> None:
    """The verdict line, and with ``-q`` each check's error (the text report is not shown)."""
    if quiet:
        for result in report.checks:
            if result.error is not None:
                click.echo(f"launchgate: {result.check}: {result.error}", err=True)
    click.echo(verdict(report), err=err)


@dataclass
class Interrupt:
    signum: int | None = None


@contextlib.contextmanager
def interruptible() -> Iterator[Interrupt]:
    """SIGINT and SIGTERM end the run early but in order: the runner marks unfinished checks,
    reports are still written, children are stopped, and the exit code says which signal."""
    interrupt = Interrupt()
    if threading.current_thread() is not threading.main_thread():
        yield interrupt  # signal handlers can only be set from the main thread
        return

    def handle(signum: int, _frame: object) -> None:
        interrupt.signum = signum
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield interrupt
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


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

"""Options shared by the deliverable commands (audit, handover, monitors)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import click

from launchgate.checkapi import Masker
from launchgate.cli.options import ExitError, F
from launchgate.deliver.evidence import Evidence, EvidenceError
from launchgate.deliver.gather import gather
from launchgate.manifest import Manifest
from launchgate.runner import RunOptions, UsageError


def evidence_options(func: F) -> F:
    func = click.option(
        "--state-dir",
        type=click.Path(path_type=Path),
        envvar="LAUNCHGATE_STATE_DIR",
        help="Where previous runs are kept (DNS snapshot, perf history) "
        "[default: the manifest's state_dir].",
    )(func)
    func = click.option(
        "--from",
        "reports",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False),
        help="JSON report(s) of earlier runs (launchgate run --report json:FILE); repeat for "
        "several. For a check in more than one, the last file wins.",
    )(func)
    return func


def output_option(help_text: str) -> Callable[[F], F]:
    return click.option("--output", "-o", type=click.Path(path_type=Path), help=help_text)


def collect(manifest: Manifest, reports: tuple[Path, ...], options: RunOptions | None) -> Evidence:
    """The evidence, with every problem turned into a clear error (exit 2)."""
    masker = Masker()
    try:
        evidence = gather(manifest, reports, options, masker)
    except (EvidenceError, UsageError) as exc:
        raise ExitError(str(exc)) from None
    if masker.values and os.environ.get("GITHUB_ACTIONS") == "true":
        from launchgate.report import github

        click.echo(github.mask_commands(sorted(masker.values)), nl=False)
    return evidence


def write_or_echo(text: str, output: Path | None) -> None:
    from launchgate.cli.options import write_file

    if output is None:
        click.echo(text, nl=False)
    else:
        write_file(output, text)

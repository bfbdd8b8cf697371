"""`launchgate secrets`: credentials in the tree, the history and build output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from launchgate.cli.execute import execute
from launchgate.cli.options import ExitError, common_options, guard, load_for_command


@click.command(name="secrets")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False), default=".")
@common_options
@click.option(
    "--since",
    envvar="LAUNCHGATE_SINCE",
    help="Scan only commits in REV..HEAD or BASE..HEAD (plus the tree).",
)
@click.option("--no-history", is_flag=True, help="Scan the tree and build output only.")
@click.option(
    "--staged",
    is_flag=True,
    help="Scan only the lines added in the index (git diff --cached): for pre-commit hooks. "
    "No history, no tree.",
)
@click.option(
    "--write-baseline",
    is_flag=True,
    help="Record every current finding in the baseline file so they stop failing.",
)
@guard
def secrets_command(
    path: Path,
    since: str | None,
    no_history: bool,
    staged: bool,
    write_baseline: bool,
    manifest: Path | None,
    **common: Any,
) -> None:
    """Scan the working tree, every commit on every ref, and build output for credentials."""
    if not path.exists():
        raise ExitError(f"{path}: no such directory")
    loaded = load_for_command(manifest, path, required=False)
    params = {
        "since": since,
        "history": False if no_history else None,
        "write_baseline": write_baseline,
    }
    if staged:
        params["staged"] = True
    code = execute(
        root=path.resolve(), manifest=loaded, only=("secrets",), skip=(), params=params, **common
    )
    sys.exit(code)

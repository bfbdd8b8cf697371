"""`launchgate run`: every check the manifest configures, as one gate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from launchgate.cli.execute import execute
from launchgate.cli.options import (
    common_options,
    guard,
    load_for_command,
    release_options,
    selection_options,
    split_words,
    web_options,
)


@click.command(name="run")
@selection_options
@common_options
@release_options
@click.option(
    "--since",
    envvar="LAUNCHGATE_SINCE",
    help="Scan only commits in this range for secrets: REV or BASE..HEAD.",
)
@web_options
@guard
def run(
    only: tuple[str, ...],
    skip: tuple[str, ...],
    environment: str | None,
    base_url: str | None,
    since: str | None,
    resolve: tuple[str, ...],
    ca_bundle: str | None,
    manifest: Path | None,
    **common: Any,
) -> None:
    """Run every check the manifest configures."""
    loaded = load_for_command(manifest, Path("."), required=True)
    params = {
        "environment": environment,
        "base_url": base_url,
        "since": since,
        "resolve": list(resolve),
        "ca_bundle": ca_bundle,
    }
    code = execute(
        root=loaded.root,
        manifest=loaded,
        only=split_words(only),
        skip=split_words(skip),
        params=params,
        **common,
    )
    sys.exit(code)

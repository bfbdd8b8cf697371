"""`launchgate env`: required environment variables only."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from launchgate.cli.execute import execute
from launchgate.cli.options import common_options, guard, load_for_command


@click.command(name="env")
@common_options
@click.option(
    "--environment",
    "-e",
    envvar="LAUNCHGATE_ENVIRONMENT",
    help="Environment to check; every declared environment when omitted.",
)
@guard
def env_command(environment: str | None, manifest: Path | None, **common: Any) -> None:
    """Check required environment variables (presence, format, placeholders, test values)."""
    loaded = load_for_command(manifest, Path("."), required=False)
    code = execute(
        root=loaded.root,
        manifest=loaded,
        only=("env",),
        skip=(),
        params={"environment": environment},
        **common,
    )
    sys.exit(code)

"""`launchgate init`: a commented starter manifest, pre-filled from the repository."""

from __future__ import annotations

from pathlib import Path

import click

from launchgate.cli.options import ExitError, guard, write_file
from launchgate.manifest import MANIFEST_NAME


@click.command(name="init")
@click.option(
    "--path",
    "target",
    type=click.Path(path_type=Path),
    default=Path(MANIFEST_NAME),
    show_default=True,
    help="Where to write the manifest.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing manifest.")
@guard
def init(target: Path, force: bool) -> None:
    """Write a commented starter launchready.yml, pre-filled from this repository."""
    from launchgate.starter import starter_manifest

    if target.exists() and not force:
        raise ExitError(f"{target} exists; use --force to overwrite it")
    text = starter_manifest(target.resolve().parent)
    write_file(target, text)
    click.echo(f"wrote {target}; edit it, then run `launchgate validate` and `launchgate run`")

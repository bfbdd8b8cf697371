"""`launchgate init`: a commented starter manifest, pre-filled from the repository."""

from __future__ import annotations

from pathlib import Path

import click

from launchgate.cli.options import ExitError, guard, write_file
from launchgate.manifest import MANIFEST_NAME


@click.command(name="init")
@click.option(
    "--manifest",
    "-m",
    "target",
    type=click.Path(path_type=Path),
    envvar="LAUNCHGATE_MANIFEST",
    help=f"Where to write the manifest [default: ./{MANIFEST_NAME}].  env: LAUNCHGATE_MANIFEST",
)
# The name before --manifest existed on every command; kept so old scripts keep working.
@click.option("--path", "legacy_target", type=click.Path(path_type=Path), hidden=True)
@click.option("--force", is_flag=True, help="Overwrite an existing manifest.")
@guard
def init(target: Path | None, legacy_target: Path | None, force: bool) -> None:
    """Write a commented starter launchready.yml, pre-filled from this repository."""
    from launchgate.starter import starter_manifest

    if target is not None and legacy_target is not None and target != legacy_target:
        raise ExitError("--path is the old name of --manifest; give only one of them")
    target = target or legacy_target or Path(MANIFEST_NAME)
    if target.exists() and not force:
        raise ExitError(f"{target} exists; use --force to overwrite it")
    text = starter_manifest(target.resolve().parent)
    write_file(target, text)
    click.echo(f"wrote {target}; edit it, then run `launchgate validate` and `launchgate run`")

"""`launchgate validate`: manifests against the published schema, every problem at once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from launchgate.cli.options import EXIT_ERROR, EXIT_PASS
from launchgate.manifest import MANIFEST_NAME, ManifestError, load_manifest


@click.command(name="validate")
@click.argument("manifests", nargs=-1, type=click.Path(path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when valid.")
def validate(manifests: tuple[Path, ...], quiet: bool) -> None:
    """Validate manifest files (default ./launchready.yml); every problem is listed."""
    failed = False
    for path in manifests or (Path(MANIFEST_NAME),):
        try:
            load_manifest(path)
        except ManifestError as exc:
            failed = True
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        if not quiet:
            click.echo(f"{path}: valid")
    sys.exit(EXIT_ERROR if failed else EXIT_PASS)

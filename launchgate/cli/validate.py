"""`launchgate validate`: manifests against the published schema, every problem at once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from launchgate.cli.options import EXIT_ERROR, EXIT_PASS, manifest_option, shown_path
from launchgate.manifest import MANIFEST_NAME, ManifestError, load_manifest
from launchgate.paths import find_manifest


@click.command(name="validate")
@click.argument("manifests", nargs=-1, type=click.Path(path_type=Path))
@manifest_option()
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when valid.")
def validate(manifests: tuple[Path, ...], manifest: Path | None, quiet: bool) -> None:
    """Validate manifest files (default: the one `launchgate run` would use); every problem is
    listed."""
    paths = [*manifests, *([manifest] if manifest is not None else [])]
    if not paths:
        found = find_manifest(Path("."))
        paths = [Path(MANIFEST_NAME) if found is None else shown_path(found)]
    failed = False
    for path in paths:
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

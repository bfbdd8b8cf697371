"""`launchgate monitors`: uptime monitor configuration (Gatus or Upptime) from the manifest."""

from __future__ import annotations

from pathlib import Path

import click

from launchgate.cli.deliver_options import output_option, write_or_echo
from launchgate.cli.options import ExitError, guard, load_for_command, manifest_option


@click.command(name="monitors")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["gatus", "upptime"]),
    required=True,
    help="gatus: a Gatus config.yaml; upptime: an Upptime .upptimerc.yml.",
)
@manifest_option()
@output_option("Write the configuration here instead of standard output.")
@guard
def monitors(fmt: str, manifest: Path | None, output: Path | None) -> None:
    """Write an uptime monitor configuration: one check per critical route (status, body,
    response time, certificate expiry), every operations.monitors.interval, alerting to the
    declared destinations. Credentials stay environment-variable references.
    """
    from launchgate.deliver.monitors import FORMATS
    from launchgate.deliver.plan import watched_routes

    loaded = load_for_command(manifest, Path("."), required=True)
    if not watched_routes(loaded.data):
        raise ExitError(
            "no route to monitor: declare routes and operations.monitors in the manifest "
            "(write routes are never probed on a schedule)"
        )
    generated = FORMATS[fmt](loaded.data)
    write_or_echo(generated.text, output)
    for note in generated.notes:
        click.echo(f"note: {note}", err=True)

"""`launchgate rules`: every rule launchgate can report, with its default severity."""

from __future__ import annotations

from pathlib import Path

import click

from launchgate.cli.options import ExitError, guard, load_for_command, manifest_option
from launchgate.registry import NOT_IN_THIS_VERSION, load_builtin_checks, not_in_this_version


@click.command(name="rules")
@click.option("--check", "check_id", help="Only this check's rules (env, secrets...).")
@manifest_option("Include the rule packs this manifest adds [default: the nearest one].")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@guard
def rules(check_id: str | None, manifest: Path | None, as_json: bool) -> None:
    """List the rules launchgate can report: id, default severity and title."""
    import json

    loaded = load_for_command(manifest, Path("."), required=False)
    registry = load_builtin_checks()
    if check_id is not None and not_in_this_version(check_id, registry):
        click.echo(f"launchgate: {check_id}: {NOT_IN_THIS_VERSION}; no rules to list", err=True)
        return
    if check_id is not None and check_id not in registry:
        raise ExitError(f"unknown check {check_id!r}; available: {', '.join(registry)}")
    infos = [
        info
        for spec in registry.values()
        if check_id in (None, spec.id)
        for info in spec.rules(loaded)
    ]
    if as_json:
        rows = [
            {
                "id": i.id,
                "severity": i.severity.value if i.severity else None,
                "title": i.title,
                "description": i.description,
                "remediation": i.remediation,
            }
            for i in infos
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for info in infos:
        severity = info.severity.value if info.severity else "-"
        click.echo(f"{info.id:<44} {severity:<8} {info.title}")

"""`launchgate action`: the GitHub Action's entry point."""

from __future__ import annotations

import sys

import click

from launchgate.cli.options import guard


@click.command(name="action")
@guard
def action() -> None:
    """Entry point of the GitHub Action: reads the event and runs what it calls for."""
    from launchgate.action import run_action

    sys.exit(run_action())

"""The ``launchgate`` command line. Thin: parse options, load the manifest, run, render.

One module per command; shared options in :mod:`launchgate.cli.options`, the gate's single run in
:mod:`launchgate.cli.execute`. A new command is a module here and one ``add_command`` line below.
"""

from __future__ import annotations

import click

import launchgate
from launchgate.cli.action import action
from launchgate.cli.audit import audit
from launchgate.cli.dns import dns_command
from launchgate.cli.env import env_command
from launchgate.cli.execute import execute
from launchgate.cli.handover import handover
from launchgate.cli.init import init
from launchgate.cli.monitors import monitors
from launchgate.cli.options import ExitError
from launchgate.cli.perf import perf_command
from launchgate.cli.rules import rules
from launchgate.cli.run import run
from launchgate.cli.secrets import secrets_command
from launchgate.cli.smoke import smoke_command
from launchgate.cli.validate import validate

__all__ = ["ExitError", "execute", "main"]


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``, with the version read only when asked (``launchgate.__version__`` imports
    ``importlib.metadata``: ~50 ms of every command's start-up)."""
    if value and not ctx.resilient_parsing:
        click.echo(f"launchgate, version {launchgate.__version__}")
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--version",
    "-V",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def main() -> None:
    """launchgate: the launch-readiness gate.

    Reads launchready.yml and checks env vars, secrets, routes, latency, DNS and email before you
    ship. Exit codes: 0 pass, 1 gate failed, 2 usage, manifest or internal error.
    """


for command in (
    run,
    env_command,
    secrets_command,
    smoke_command,
    perf_command,
    dns_command,
    validate,
    init,
    rules,
    action,
):
    main.add_command(command)
main.add_command(audit)
main.add_command(handover)
main.add_command(monitors)

"""`launchgate dns`: web records, email authentication, certificates and drift."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from launchgate.cli.execute import execute
from launchgate.cli.options import common_options, guard, load_for_command, split_words


@click.command(name="dns")
@click.argument("domains", nargs=-1)
@common_options
@click.option(
    "--selector",
    "-s",
    "selectors",
    multiple=True,
    envvar="LAUNCHGATE_DKIM_SELECTORS",
    help="DKIM selector to check (repeatable); replaces email.dkim_selectors.  "
    "env: LAUNCHGATE_DKIM_SELECTORS",
)
@click.option(
    "--nameserver",
    "-n",
    "nameservers",
    multiple=True,
    envvar="LAUNCHGATE_NAMESERVERS",
    help="Nameserver as HOST or HOST:PORT (repeatable); replaces dns.resolvers, else the "
    "system resolver.  env: LAUNCHGATE_NAMESERVERS",
)
@guard
def dns_command(
    domains: tuple[str, ...],
    selectors: tuple[str, ...],
    nameservers: tuple[str, ...],
    manifest: Path | None,
    **common: Any,
) -> None:
    """Check DNS records, SPF/DKIM/DMARC/MX, certificates, and what changed since the last run.

    With DOMAIN arguments, checks the web records and email authentication of each (like
    checkdmarc); without, checks the manifest's domains and email sections.
    """
    loaded = load_for_command(manifest, Path("."), required=not domains)
    params = {
        "domains": list(domains) or None,
        "selectors": list(split_words(selectors)) or None,
        "nameservers": list(split_words(nameservers)) or None,
    }
    code = execute(
        root=loaded.root, manifest=loaded, only=("dns",), skip=(), params=params, **common
    )
    sys.exit(code)

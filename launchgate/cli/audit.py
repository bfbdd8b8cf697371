"""`launchgate audit`: the go/no-go verdict and the ranked risk list (text, Markdown, HTML)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from launchgate.cli.deliver_options import collect, evidence_options, output_option, write_or_echo
from launchgate.cli.options import (
    EXIT_FAIL,
    EXIT_PASS,
    _severity,
    guard,
    load_for_command,
    manifest_option,
    release_options,
    selection_options,
    split_words,
    web_options,
)
from launchgate.findings import Severity
from launchgate.runner import RunOptions

if TYPE_CHECKING:
    from launchgate.deliver.audit import Audit

FORMATS = ("text", "markdown", "html")


@click.command(name="audit")
@selection_options
@evidence_options
@manifest_option()
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for an issue or PR, html "
    "for one self-contained page (phone friendly).",
)
@output_option("Write the audit to this file instead of standard output.")
@click.option(
    "--fail-on",
    callback=_severity,
    envvar="LAUNCHGATE_FAIL_ON",
    help="Lowest severity that makes the verdict NO-GO [default: the manifest's].",
)
@release_options
@web_options
@guard
def audit(
    only: tuple[str, ...],
    skip: tuple[str, ...],
    reports: tuple[Path, ...],
    state_dir: Path | None,
    manifest: Path | None,
    fmt: str,
    output: Path | None,
    fail_on: Severity | None,
    environment: str | None,
    base_url: str | None,
    resolve: tuple[str, ...],
    ca_bundle: str | None,
) -> None:
    """Rank what stands between this project and launch: GO or NO-GO first, then each risk
    with what customers would see, the evidence, the fix and the effort.

    Runs the configured checks, or reads their JSON reports with --from. A check that could not
    run makes it NO-GO (could not check is never a pass). Exit code 0 for GO, 1 for NO-GO (or
    nothing checked), 2 for a usage or input error.
    """
    from launchgate.deliver.audit import build_audit
    from launchgate.deliver.knowledge import builtin_pack

    loaded = load_for_command(manifest, Path("."), required=True)
    options = RunOptions(
        only=split_words(only),
        skip=split_words(skip),
        fail_on=fail_on,
        params={
            "environment": environment,
            "base_url": base_url,
            "resolve": list(resolve),
            "ca_bundle": ca_bundle,
        },
        state_dir=state_dir,
    )
    evidence = collect(loaded, reports, None if reports else options)
    result = build_audit(loaded.data, evidence, builtin_pack(), fail_on)
    write_or_echo(_render(fmt, result), output)
    if output is not None:
        click.echo(result.verdict)
    sys.exit(EXIT_PASS if result.go else EXIT_FAIL)


def _render(fmt: str, result: Audit) -> str:
    from launchgate.deliver.html import render_html
    from launchgate.deliver.render import render_markdown, render_text

    renderers = {"text": render_text, "markdown": render_markdown, "html": render_html}
    return renderers[fmt](result)

"""`launchgate handover`: write HANDOVER.md from the manifest, the last reports and the state."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from launchgate.cli.deliver_options import collect, evidence_options, output_option
from launchgate.cli.options import EXIT_FAIL, guard, load_for_command, manifest_option, write_file


@click.command(name="handover")
@evidence_options
@manifest_option()
@output_option("Where to write it [default: HANDOVER.md next to the manifest]; - for stdout.")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; exit 1 when the file is missing or out of date (for CI).",
)
@guard
def handover(
    reports: tuple[Path, ...],
    state_dir: Path | None,
    manifest: Path | None,
    output: Path | None,
    check_only: bool,
) -> None:
    """Write HANDOVER.md: accounts and owners, DNS and certificates, email authentication, env
    vars (names only), routes, monitoring, deploy/rollback/restore steps, contacts, and every
    gap with how to fill it. Identical output on unchanged inputs; never a secret value.
    """
    from launchgate.deliver.audit import build_audit
    from launchgate.deliver.gather import state_directory
    from launchgate.deliver.handover import build_handover
    from launchgate.deliver.knowledge import builtin_pack
    from launchgate.deliver.state import load_state

    loaded = load_for_command(manifest, Path("."), required=True)
    evidence = collect(loaded, reports, None)
    state = load_state(state_directory(loaded, state_dir))
    text = build_handover(
        loaded.data, evidence, state, build_audit(loaded.data, evidence, builtin_pack())
    )
    if output is not None and str(output) == "-":
        click.echo(text, nl=False)
        return
    target = output or loaded.root / "HANDOVER.md"
    if check_only:
        try:
            current = target.read_text("utf-8")
        except OSError:
            current = None
        if current != text:
            click.echo(f"{target} is out of date; run `launchgate handover` to regenerate it")
            sys.exit(EXIT_FAIL)
        click.echo(f"{target} is up to date")
        return
    try:
        unchanged = target.read_text("utf-8") == text
    except OSError:
        unchanged = False
    if not unchanged:
        write_file(target, text)
    click.echo(f"{'unchanged' if unchanged else 'wrote'} {target}")

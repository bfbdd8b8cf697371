"""Options and helpers shared by every command: report targets, severities, the manifest, errors.

Every option can also come from a ``LAUNCHGATE_*`` environment variable (named on each option),
which is how the GitHub Action passes its inputs without interpolating them into shell text.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from launchgate.findings import Severity
from launchgate.manifest import MANIFEST_NAME, Manifest, ManifestError, load_manifest
from launchgate.paths import find_manifest
from launchgate.report import FORMATS

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
F = TypeVar("F", bound=Callable[..., Any])


class ExitError(click.ClickException):
    """A clear error for the user: printed without a traceback, exit code 2."""

    exit_code = EXIT_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"launchgate: {self.format_message()}", err=True)


@dataclass(frozen=True)
class ReportTarget:
    fmt: str
    path: Path | None  # None: standard output


def split_words(values: Iterable[str]) -> tuple[str, ...]:
    """Accept ``--only a,b``, ``--only a --only b`` and ``LAUNCHGATE_ONLY='a b'``."""
    out: list[str] = []
    for value in values:
        out.extend(w for w in value.replace(",", " ").split() if w)
    return tuple(out)


def parse_report(value: str) -> ReportTarget:
    fmt, sep, path = value.partition(":")
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise click.BadParameter(
            f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)} "
            "(as FORMAT or FORMAT:PATH)"
        )
    if sep and not path:
        raise click.BadParameter(f"{value!r} names no file after ':'")
    return ReportTarget(fmt, Path(path) if path else None)


def _severity(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Severity | None:
    if value is None or value == "":
        return None
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


MANIFEST_HELP = (
    f"Manifest file [default: {MANIFEST_NAME} here or in the nearest parent directory, up to the "
    "repository root].  env: LAUNCHGATE_MANIFEST"
)


def manifest_option(help_text: str = MANIFEST_HELP) -> Callable[[F], F]:
    """``--manifest/-m`` and ``LAUNCHGATE_MANIFEST``: the same name on every command."""
    return click.option(
        "--manifest",
        "-m",
        type=click.Path(path_type=Path),
        envvar="LAUNCHGATE_MANIFEST",
        help=help_text,
    )


def common_options(func: F) -> F:
    """Options shared by ``run`` and every per-check subcommand."""
    options = [
        manifest_option(),
        click.option(
            "--fail-on",
            callback=_severity,
            envvar="LAUNCHGATE_FAIL_ON",
            help="Lowest severity that fails the gate (blocker, high, medium, low, info); "
            "overrides the manifest.  env: LAUNCHGATE_FAIL_ON",
        ),
        click.option(
            "--report",
            "-r",
            "reports",
            multiple=True,
            envvar="LAUNCHGATE_REPORTS",
            help="Report as FORMAT or FORMAT:PATH; repeat for several "
            f"({', '.join(FORMATS)}).  env: LAUNCHGATE_REPORTS (space-separated)",
        ),
        click.option(
            "--format",
            "-f",
            "fmt",
            type=click.Choice(FORMATS),
            envvar="LAUNCHGATE_FORMAT",
            help="Format of the report on standard output [default: text].  env: LAUNCHGATE_FORMAT",
        ),
        click.option(
            "--output",
            "-o",
            type=click.Path(path_type=Path),
            envvar="LAUNCHGATE_OUTPUT",
            help="Write the --format report to this file instead of standard output.",
        ),
        click.option(
            "--state-dir",
            type=click.Path(path_type=Path),
            envvar="LAUNCHGATE_STATE_DIR",
            help="Where previous runs are kept (perf baselines, DNS snapshots).",
        ),
        click.option(
            "--allow-errors",
            is_flag=True,
            envvar="LAUNCHGATE_ALLOW_ERRORS",
            help="A check that cannot run does not fail the gate.",
        ),
        click.option(
            "--color",
            type=click.Choice(["auto", "always", "never"]),
            default="auto",
            envvar="LAUNCHGATE_COLOR",
            show_default=True,
            help="Colour in the text report.",
        ),
        click.option(
            "--quiet",
            "-q",
            is_flag=True,
            envvar="LAUNCHGATE_QUIET",
            help="Print only the verdict line (file reports are still written).",
        ),
        click.option(
            "--verbose",
            "-v",
            is_flag=True,
            envvar="LAUNCHGATE_VERBOSE",
            help="Show fingerprints, suppressions and internal error details.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def selection_options(func: F) -> F:
    func = click.option(
        "--skip",
        multiple=True,
        envvar="LAUNCHGATE_SKIP",
        help="Check ids to leave out (comma-separated or repeated).  env: LAUNCHGATE_SKIP",
    )(func)
    func = click.option(
        "--only",
        multiple=True,
        envvar="LAUNCHGATE_ONLY",
        help="Run only these check ids (comma-separated or repeated).  env: LAUNCHGATE_ONLY",
    )(func)
    return func


def load_for_command(manifest_path: Path | None, default_root: Path, required: bool) -> Manifest:
    """Load the manifest: the one named, else the nearest one at or above ``default_root``.

    A per-check subcommand may run without one (defaults apply); ``run`` needs one.
    """
    path = manifest_path
    if path is None:
        found = find_manifest(default_root)
        if found is None and not required:
            return Manifest.empty(default_root.resolve())
        path = default_root / MANIFEST_NAME if found is None else shown_path(found)
    try:
        return load_manifest(path)
    except ManifestError as exc:
        if len(exc.problems) == 1 and exc.problems[0].line is None:
            raise ExitError(str(exc)) from None  # missing, a directory, empty: one plain line
        raise ExitError(f"invalid manifest\n{exc}") from None


def shown_path(path: Path) -> Path:
    """``path`` relative to the working directory when it is below it (shorter messages)."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return Path(os.path.relpath(path)) if path.is_absolute() else path


def guard(func: F) -> F:
    """Turn any unexpected exception into a one-line error with exit code 2 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise ExitError("interrupted") from None
        except BrokenPipeError:
            # The reader went away (``launchgate rules | head``): stop quietly, as Unix tools do.
            # Python's documented recipe: point stdout at devnull so the exit flush cannot fail.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_FAIL)
        except Exception as exc:
            if kwargs.get("verbose") or os.environ.get("LAUNCHGATE_DEBUG"):
                raise
            raise ExitError(
                f"internal error: {type(exc).__name__}: {exc} (run with --verbose for details)"
            ) from None

    return cast(F, wrapper)


def write_file(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ExitError(f"cannot write report {path}: {exc.strerror or exc}") from None


def _resolve_entries(
    _ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    """Accept repeated ``--resolve`` and ``LAUNCHGATE_RESOLVE='a:443:1.2.3.4 b:443:1.2.3.4'``;
    a malformed entry is a usage error naming it."""
    from launchgate.web.client import ResolveError, parse_resolve

    entries = split_words(value)
    for entry in entries:
        try:
            parse_resolve(entry)
        except ResolveError as exc:
            raise click.BadParameter(str(exc)) from None
    return entries


def web_options(func: F) -> F:
    """How network checks (smoke, perf) reach a site: curl's --resolve and a CA bundle."""
    func = click.option(
        "--ca-bundle",
        type=click.Path(exists=True, dir_okay=False),
        envvar="LAUNCHGATE_CA_BUNDLE",
        help="Trust the CAs in this PEM file (default: SSL_CERT_FILE, else certifi's bundle)."
        "  env: LAUNCHGATE_CA_BUNDLE",
    )(func)
    func = click.option(
        "--resolve",
        multiple=True,
        callback=_resolve_entries,
        envvar="LAUNCHGATE_RESOLVE",
        metavar="HOST:PORT:ADDRESS",
        help="Connect to ADDRESS for HOST:PORT, keeping the name for TLS and Host (curl's "
        "--resolve; repeatable): test an origin before DNS points at it.  env: LAUNCHGATE_RESOLVE",
    )(func)
    return func


def release_options(func: F) -> F:
    """Which deployed release network checks look at: an environment's base_url, or a URL."""
    func = click.option(
        "--base-url",
        envvar="LAUNCHGATE_BASE_URL",
        help="Base URL of the deployed release (overrides the environment's base_url).",
    )(func)
    func = click.option(
        "--environment",
        "-e",
        envvar="LAUNCHGATE_ENVIRONMENT",
        help="Environment to check (production, staging...).  env: LAUNCHGATE_ENVIRONMENT",
    )(func)
    return func

"""The ``launchgate`` command line. Thin: parse options, load the manifest, run, render.

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

from launchgate import __version__
from launchgate.checkapi import Masker
from launchgate.findings import Report, Severity, with_path_prefix
from launchgate.manifest import MANIFEST_NAME, Manifest, ManifestError, load_manifest
from launchgate.registry import load_builtin_checks
from launchgate.report import FORMATS, render
from launchgate.runner import RunOptions, UsageError, run_gate

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


def _split_words(values: Iterable[str]) -> tuple[str, ...]:
    """Accept ``--only a,b``, ``--only a --only b`` and ``LAUNCHGATE_ONLY='a b'``."""
    out: list[str] = []
    for value in values:
        out.extend(w for w in value.replace(",", " ").split() if w)
    return tuple(out)


def _parse_report(value: str) -> ReportTarget:
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


def common_options(func: F) -> F:
    """Options shared by ``run`` and every per-check subcommand."""
    options = [
        click.option(
            "--manifest",
            "-m",
            type=click.Path(path_type=Path),
            envvar="LAUNCHGATE_MANIFEST",
            help=f"Manifest file [default: ./{MANIFEST_NAME}].  env: LAUNCHGATE_MANIFEST",
        ),
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


def _load(manifest_path: Path | None, default_root: Path, required: bool) -> Manifest:
    """Load the manifest; a per-check subcommand may run without one (defaults apply)."""
    path = manifest_path or default_root / MANIFEST_NAME
    if manifest_path is None and not required and not path.exists():
        return Manifest.empty(default_root.resolve())
    try:
        return load_manifest(path)
    except ManifestError as exc:
        if len(exc.problems) == 1 and exc.problems[0].line is None:
            raise ExitError(str(exc)) from None  # missing, a directory, empty: one plain line
        raise ExitError(f"invalid manifest\n{exc}") from None


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _progress_printer(quiet: bool) -> Callable[[str], None] | None:
    """Progress lines for long work, only on an interactive terminal (never in CI logs)."""
    if quiet or not sys.stderr.isatty() or os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS"):
        return None

    def show(message: str) -> None:
        width = 78
        sys.stderr.write("\r" + message[:width].ljust(width))
        sys.stderr.flush()

    return show


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ExitError(f"cannot write report {path}: {exc.strerror or exc}") from None


def execute(
    *,
    root: Path,
    manifest: Manifest,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    params: dict[str, Any],
    fail_on: Severity | None,
    reports: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    state_dir: Path | None,
    allow_errors: bool,
    color: str,
    quiet: bool,
    verbose: bool,
    path_prefix: str = "",
) -> int:
    """Run the gate and emit every requested report; returns the exit code.

    ``path_prefix`` puts finding paths under a subfolder of the repository (the action's
    ``working-directory``) so annotations and SARIF land on the right files.
    """
    targets = [_parse_report(r) for r in _split_words(reports)]
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    options = RunOptions(
        only=only,
        skip=skip,
        fail_on=fail_on,
        params=params,
        errors_fail=not allow_errors,
        state_dir=state_dir,
        verbose=verbose,
    )
    masker = Masker()
    progress = _progress_printer(quiet)
    try:
        report = run_gate(manifest, root, options, load_builtin_checks(), masker, progress)
    except UsageError as exc:
        raise ExitError(str(exc)) from None
    finally:
        if progress is not None:
            sys.stderr.write("\r" + " " * 78 + "\r")
    if path_prefix.strip("/."):
        # From here on, paths are relative to the repository root, as GitHub wants them.
        report = with_path_prefix(report, path_prefix)
        root = root.parents[len(Path(path_prefix).parts) - 1]
    if in_actions:
        from launchgate.report import github

        # Masks go out before any other line so the runner hides these values from here on.
        click.echo(github.mask_commands(sorted(masker.values)), nl=False)

    manifest_rel = _relative(manifest.path, root)
    paths: dict[str, str] = {}
    printed: set[str] = set()
    for target in targets:
        text = render(target.fmt, report, root, verbose=verbose, manifest=manifest_rel)
        if target.path is None:
            click.echo(text, nl=False)
            printed.add(target.fmt)
        else:
            _write(target.path, text)
            paths[f"{target.fmt}-file"] = str(target.path)

    stdout_fmt = fmt or "text"
    if output is not None:
        _write(output, render(stdout_fmt, report, root, verbose=verbose, manifest=manifest_rel))
        paths[f"{stdout_fmt}-file"] = str(output)
    elif quiet:
        from launchgate.findings import verdict

        click.echo(verdict(report))
    elif not printed:
        click.echo(
            render(stdout_fmt, report, root, _use_color(color), verbose, manifest_rel), nl=False
        )
        printed.add(stdout_fmt)

    if in_actions:
        _emit_github(report, paths, root, annotate="github" not in printed)
    return {"pass": EXIT_PASS, "fail": EXIT_FAIL, "error": EXIT_ERROR}[report.status]


def _emit_github(report: Report, paths: dict[str, str], root: Path, annotate: bool) -> None:
    """Annotations on stdout (unless already printed); summary and outputs into runner files."""
    from launchgate.report import github

    if annotate:
        click.echo(github.annotations(report, root=root), nl=False)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file and os.environ.get("LAUNCHGATE_SUMMARY", "true").lower() != "false":
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(github.summary(report))
    output_file = os.environ.get("GITHUB_OUTPUT")
    if output_file:
        with open(output_file, "a", encoding="utf-8") as handle:
            handle.write(github.outputs(report, paths))


def _relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes, or its name when outside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def _guard(func: F) -> F:
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


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="launchgate")
def main() -> None:
    """launchgate: the launch-readiness gate.

    Reads launchready.yml and checks env vars, secrets, routes, latency, DNS and email before you
    ship. Exit codes: 0 pass, 1 gate failed, 2 usage, manifest or internal error.
    """


@main.command()
@selection_options
@common_options
@click.option(
    "--environment",
    "-e",
    envvar="LAUNCHGATE_ENVIRONMENT",
    help="Environment to check (production, staging...).  env: LAUNCHGATE_ENVIRONMENT",
)
@click.option(
    "--base-url",
    envvar="LAUNCHGATE_BASE_URL",
    help="Base URL of the deployed release (overrides the environment's base_url).",
)
@click.option(
    "--since",
    envvar="LAUNCHGATE_SINCE",
    help="Scan only commits in this range for secrets: REV or BASE..HEAD.",
)
@_guard
def run(
    only: tuple[str, ...],
    skip: tuple[str, ...],
    environment: str | None,
    base_url: str | None,
    since: str | None,
    manifest: Path | None,
    **common: Any,
) -> None:
    """Run every check the manifest configures."""
    loaded = _load(manifest, Path("."), required=True)
    params = {"environment": environment, "base_url": base_url, "since": since}
    code = execute(
        root=loaded.root,
        manifest=loaded,
        only=_split_words(only),
        skip=_split_words(skip),
        params=params,
        **common,
    )
    sys.exit(code)


@main.command(name="env")
@common_options
@click.option(
    "--environment",
    "-e",
    envvar="LAUNCHGATE_ENVIRONMENT",
    help="Environment to check; every declared environment when omitted.",
)
@_guard
def env_command(environment: str | None, manifest: Path | None, **common: Any) -> None:
    """Check required environment variables (presence, format, placeholders, test values)."""
    loaded = _load(manifest, Path("."), required=False)
    code = execute(
        root=loaded.root,
        manifest=loaded,
        only=("env",),
        skip=(),
        params={"environment": environment},
        **common,
    )
    sys.exit(code)


@main.command(name="secrets")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False), default=".")
@common_options
@click.option(
    "--since",
    envvar="LAUNCHGATE_SINCE",
    help="Scan only commits in REV..HEAD or BASE..HEAD (plus the tree).",
)
@click.option("--no-history", is_flag=True, help="Scan the tree and build output only.")
@click.option(
    "--staged",
    is_flag=True,
    help="Scan only the lines added in the index (git diff --cached): for pre-commit hooks. "
    "No history, no tree.",
)
@click.option(
    "--write-baseline",
    is_flag=True,
    help="Record every current finding in the baseline file so they stop failing.",
)
@_guard
def secrets_command(
    path: Path,
    since: str | None,
    no_history: bool,
    staged: bool,
    write_baseline: bool,
    manifest: Path | None,
    **common: Any,
) -> None:
    """Scan the working tree, every commit on every ref, and build output for credentials."""
    if not path.exists():
        raise ExitError(f"{path}: no such directory")
    loaded = _load(manifest, path, required=False)
    params = {
        "since": since,
        "history": False if no_history else None,
        "write_baseline": write_baseline,
    }
    if staged:
        params["staged"] = True
    code = execute(
        root=path.resolve(), manifest=loaded, only=("secrets",), skip=(), params=params, **common
    )
    sys.exit(code)


@main.command()
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


@main.command()
@click.option(
    "--path",
    "target",
    type=click.Path(path_type=Path),
    default=Path(MANIFEST_NAME),
    show_default=True,
    help="Where to write the manifest.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing manifest.")
@_guard
def init(target: Path, force: bool) -> None:
    """Write a commented starter launchready.yml, pre-filled from this repository."""
    from launchgate.starter import starter_manifest

    if target.exists() and not force:
        raise ExitError(f"{target} exists; use --force to overwrite it")
    text = starter_manifest(target.resolve().parent)
    _write(target, text)
    click.echo(f"wrote {target}; edit it, then run `launchgate validate` and `launchgate run`")


@main.command()
@click.option("--check", "check_id", help="Only this check's rules (env, secrets...).")
@click.option(
    "--manifest",
    "-m",
    type=click.Path(path_type=Path),
    envvar="LAUNCHGATE_MANIFEST",
    help="Include the rule packs this manifest adds (default: ./launchready.yml if any).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_guard
def rules(check_id: str | None, manifest: Path | None, as_json: bool) -> None:
    """List the rules launchgate can report: id, default severity and title."""
    import json

    loaded = _load(manifest, Path("."), required=False)
    registry = load_builtin_checks()
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


@main.command()
@_guard
def action() -> None:
    """Entry point of the GitHub Action: reads the event and runs what it calls for."""
    from launchgate.action import run_action

    sys.exit(run_action())


if __name__ == "__main__":  # pragma: no cover
    main()

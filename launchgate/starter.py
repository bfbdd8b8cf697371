"""``launchgate init``: a commented starter manifest, pre-filled from what the repository shows.

It looks at dotenv examples and code (env section), workflows and package.json (base URLs), a
GitHub Pages ``CNAME`` file (domain) and build directories (bundles to scan for keys). Everything
it cannot know stays as a commented example, so the file always validates as written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from launchgate.deliver.detect import operations_lines

BUILD_DIRS = ("dist", "build", "out", ".next/static", "public/build")
VENDOR_DIRS = ("vendor", "third_party", "node_modules")
_URL_IN_WORKFLOW = re.compile(r"^\s*url:\s*['\"]?(https://[^\s'\"$]+)", re.MULTILINE)


def _workflow_urls(root: Path) -> list[str]:
    """Deployment URLs named in ``environment: {url: ...}`` blocks of existing workflows."""
    urls: list[str] = []
    for wf in sorted((root / ".github" / "workflows").glob("*.y*ml")):
        try:
            text = wf.read_text("utf-8", errors="replace")
        except OSError:
            continue
        urls.extend(m.group(1).rstrip("/") for m in _URL_IN_WORKFLOW.finditer(text))
    return list(dict.fromkeys(urls))


def _package_homepage(root: Path) -> str | None:
    try:
        data = json.loads((root / "package.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    home = data.get("homepage") if isinstance(data, dict) else None
    return home.rstrip("/") if isinstance(home, str) and home.startswith("https://") else None


def _pages_domain(root: Path) -> str | None:
    try:
        name = (root / "CNAME").read_text("utf-8").strip()
    except OSError:
        return None
    return name if re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}", name) else None


_ENV_FILE = re.compile(r"\.env\.([A-Za-z0-9][A-Za-z0-9_-]*)")
_NOT_ENVIRONMENTS = {"example", "sample", "template", "dist", "local", "defaults", "test"}
_ALIASES = {"prod": "production", "stage": "staging"}


def _environment_dotenvs(root: Path) -> dict[str, list[str]]:
    """``.env.production``, ``.env.staging``... become environments reading those files."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.glob(".env.*")):
        match = _ENV_FILE.fullmatch(path.name)
        if not match or not path.is_file() or match.group(1).lower() in _NOT_ENVIRONMENTS:
            continue
        name = _ALIASES.get(match.group(1).lower(), match.group(1).lower())
        found.setdefault(name, []).append(path.name)
    return found


def _env_entries(root: Path) -> list[dict[str, Any]]:
    """Variables from ``.env.example`` and code reads, via the env check's own scanner."""
    try:
        from launchgate.envcheck.init import suggest_env_section
    except ImportError:  # the env check is not installed in this build
        return []
    others = [name for name in _environment_dotenvs(root) if name != "production"]
    return list(suggest_env_section(root, others))


def _flow(value: Any) -> str:
    return str(yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=1000)).strip()


def starter_manifest(root: Path) -> str:
    """The text of a starter ``launchready.yml`` for the repository at ``root``."""
    urls = _workflow_urls(root)
    homepage = _package_homepage(root)
    production_url = homepage or (urls[0] if urls else None)
    domain = _pages_domain(root) or (urlsplit(production_url).hostname if production_url else None)
    bundles = [d + "/" for d in BUILD_DIRS if (root / d).is_dir()]
    excludes = [f"{d}/**" for d in VENDOR_DIRS if (root / d).is_dir()]
    env_vars = _env_entries(root)

    lines = [
        "# launchready.yml: what this project needs to launch safely. Reference and editor",
        "# autocompletion: schemas/launchready.schema.json in launchgate.",
        "# Validate with `launchgate validate`; run every check with `launchgate run`.",
        "version: 1",
        "",
        "# Findings at or above this severity fail the gate: blocker, high, medium, low, info.",
        "fail_on: high",
        "",
        "# Where each environment answers. Smoke and perf checks run against base_url.",
        "environments:",
        "  production:",
    ]
    dotenvs = _environment_dotenvs(root)
    if production_url:
        lines.append(f"    base_url: {production_url}")
    else:
        lines.append("    production: true")
        lines.append("    # base_url: https://www.example.com")
    prod_files = dotenvs.pop("production", None)
    lines.append(
        f"    env_files: {_flow(prod_files)}"
        if prod_files
        else "    # env_files: [.env.production]"
    )
    for name, files in dotenvs.items():
        lines += [f"  {name}:", f"    env_files: {_flow(files)}"]
    lines += [
        "",
        "# Credential scanning: the tree, every commit on every ref, and build output.",
        "secrets:",
        "  history: true",
    ]
    lines.append(f"  bundles: {_flow(bundles)}" if bundles else "  # bundles: [dist/]")
    lines.append(f"  exclude: {_flow(excludes)}" if excludes else '  # exclude: ["vendor/**"]')
    lines += [
        "",
        "# Environment variables the app needs (checked before deploy).",
        "env:",
        "  sources: [process]",
    ]
    if env_vars:
        lines.append("  required:")
        lines.extend(f"    - {_flow(entry)}" for entry in env_vars)
    else:
        lines += [
            "  # required:",
            "  #   - {name: DATABASE_URL, format: url, environments: [production]}",
        ]
    lines += [
        "",
        "# Critical routes, smoke-checked after each deploy and timed against budgets.",
        "# routes:",
        "#   - {name: home, path: /, expect: {status: 200}, budget: {p95_ms: 500}}",
        "#   - {name: health, path: /api/health, expect: {status: 200}, budget: {p95_ms: 300}}",
        "",
        "# Domains you own: canonical redirects, certificates, DNS drift.",
    ]
    if domain:
        lines += ["domains:", f"  - name: {domain}"]
    else:
        lines += [
            "# domains:",
            "#   - name: example.com",
            "#     redirect_to: https://www.example.com",
        ]
    lines += [
        "",
        "# Email authentication for sending domains (SPF, DKIM, DMARC).",
        "# email:",
        f"#   domains: [{domain or 'example.com'}]",
        "#   dkim_selectors: [google]",
        "",
        *operations_lines(root, _flow),
        "# Accepted findings, each with a reason:",
        "# suppress:",
        "#   - {rule: secrets.generic-password, path: 'tests/fixtures/**', reason: test data}",
        "",
    ]
    return "\n".join(lines)

"""Real processes: values from a child's real environment, and the CLI in a simulated Actions run
whose every output (stdout, stderr, job summary, step outputs, report files) is searched for values.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import secret_values

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from pathlib import Path
from launchgate.checkapi import CheckContext
from launchgate.envcheck.check import check_env
from launchgate.manifest import load_manifest
from launchgate.store import Store
root = Path(sys.argv[1])
m = load_manifest(root / "launchready.yml")
params = {"environment": sys.argv[2]}
ctx = CheckContext(root=root, manifest=m, store=Store(root / ".lg"), params=params)
result = check_env(ctx)  # reads the real os.environ of this process
print(json.dumps([[f.rule, f.details.get("variable")] for f in result.findings]))
"""


def _clean_env(extra: dict[str, str]) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if k in ("PATH", "HOME", "LANG", "SYSTEMROOT", "PYTHONPATH")
    }
    keep["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), keep.get("PYTHONPATH", "")) if p)
    return {**keep, **extra}


def test_values_come_from_the_real_process_environment(tmp_path: Path) -> None:
    (tmp_path / "launchready.yml").write_text(
        "version: 1\nenv:\n  scan_code: false\n  required:\n"
        "    - {name: DATABASE_URL, format: url}\n    - {name: STRIPE_SECRET_KEY}\n"
        "    - {name: DEBUG, format: bool}\n"
    )
    env = _clean_env(
        {"DATABASE_URL": "not a url", "STRIPE_SECRET_KEY": "sk_test_abcdefghijkl", "DEBUG": "1"}
    )
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path), "production"],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    found = {tuple(x) for x in json.loads(out.stdout)}
    assert found == {
        ("env.malformed", "DATABASE_URL"),
        ("env.test-value-in-production", "STRIPE_SECRET_KEY"),
        ("env.test-value-in-production", "DEBUG"),
    }
    unset = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path), "production"],
        env=_clean_env({}), capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert {x[0] for x in json.loads(unset.stdout)} == {"env.missing"}


def test_cli_in_simulated_actions_never_prints_a_value(project: Path, tmp_path: Path) -> None:
    runner = tmp_path / "runner"
    runner.mkdir()
    summary, outputs = runner / "summary.md", runner / "output.txt"
    process_secret = "ghp_ProcessOnlySecretValue0123456789ab"
    manifest = (project / "launchready.yml").read_text()
    manifest = manifest.replace("sources: []", "sources: [process]").replace(
        "  ignore:",
        "    - {name: GH_DEPLOY_TOKEN, environments: [production], format: int}\n  ignore:",
    )
    (project / "launchready.yml").write_text(manifest)
    env = _clean_env({
        "GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs), "GH_DEPLOY_TOKEN": process_secret,
    })  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "launchgate", "env", "-r", "json:report.json",
         "-r", "sarif:report.sarif", "--format", "text"],
        cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    masks = [line for line in lines if line.startswith("::add-mask::")]
    first_other = next(i for i, line in enumerate(lines) if not line.startswith("::add-mask::"))
    assert all(line.startswith("::add-mask::") for line in lines[:first_other])
    assert len(masks) == first_other  # every mask comes before anything else
    masked = {line.removeprefix("::add-mask::") for line in masks}
    assert process_secret in masked and "Pr0dDbPassw0rd" in masked

    after_masks = "\n".join(lines[first_other:])
    everything = "\n".join([
        after_masks, result.stderr, summary.read_text(), outputs.read_text(),
        (project / "report.json").read_text(), (project / "report.sarif").read_text(),
    ])  # fmt: skip
    for value in [*secret_values(), process_secret, "Pr0dDbPassw0rd", "St4gingDbPass"]:
        assert value not in everything, value
    report = json.loads((project / "report.json").read_text())
    rules = {f["rule"] for f in report["findings"]}
    assert {
        "env.missing",
        "env.placeholder",
        "env.malformed",
        "env.test-value-in-production",
        "env.same-secret-across-environments",
        "env.undeclared-read",
    } <= rules
    malformed = [f for f in report["findings"] if f["rule"] == "env.malformed"]
    token = next(f for f in malformed if "GH_DEPLOY_TOKEN" in f["title"])
    assert "the process environment" in token["message"]

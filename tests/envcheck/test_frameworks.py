"""Frameworks' implicit reads: the data pack's own examples, and the first run of `init`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from launchgate.envcheck.frameworks import Framework, builtin_frameworks, implicit_reads
from tests.e2e.test_cli_first_run import launchgate

CASES = [
    (framework, kind, files)
    for framework in builtin_frameworks()
    for kind, examples in (("positive", framework.positive), ("negative", framework.negative))
    for files in examples
]


def _lay_out(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.mark.parametrize(
    ("framework", "kind", "files"), CASES, ids=[f"{c[0].id}-{c[1]}" for c in CASES]
)
def test_each_example_detects_as_declared(
    tmp_path: Path, framework: Framework, kind: str, files: dict[str, str]
) -> None:
    _lay_out(tmp_path, files)
    assert framework.present(tmp_path) is (kind == "positive")


def test_every_framework_has_both_kinds_of_example() -> None:
    assert {f.id for f in builtin_frameworks()} >= {"nextauth", "django", "rails"}
    assert all(f.positive and f.negative and f.reads for f in builtin_frameworks())


def test_implicit_reads_name_the_framework(tmp_path: Path) -> None:
    _lay_out(tmp_path, {"Gemfile": 'gem "rails"\n'})
    reads = implicit_reads(tmp_path)
    assert reads["SECRET_KEY_BASE"] == "Ruby on Rails"
    assert "NEXTAUTH_SECRET" not in reads


def test_the_manifest_init_writes_passes_its_first_run_without_unused_nextauth(
    tmp_path: Path,
) -> None:
    """A Next.js app with NextAuth: init's manifest must not report NEXTAUTH_SECRET as unused."""
    _lay_out(
        tmp_path,
        {
            "package.json": '{"dependencies": {"next": "14.2.0", "next-auth": "^4.24.0"}}',
            ".env.example": "NEXTAUTH_SECRET=\nNEXTAUTH_URL=\nDATABASE_URL=\n",
            "lib/db.js": "export const url = process.env.DATABASE_URL\n",
        },
    )
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)

    assert launchgate("init", cwd=tmp_path).returncode == 0
    assert "NEXTAUTH_SECRET" in (tmp_path / "launchready.yml").read_text()
    launchgate("env", "-r", "json:r.json", cwd=tmp_path)
    report = json.loads((tmp_path / "r.json").read_text())
    unused = [
        f["details"]["variable"]
        for f in report["findings"]
        if f["rule"] == "env.unused-declaration"
    ]
    assert "NEXTAUTH_SECRET" not in unused and "NEXTAUTH_URL" not in unused

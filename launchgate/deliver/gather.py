"""Collect the evidence for a deliverable: the given JSON reports, or a fresh run of the gate.

A fresh run goes through the same runner as ``launchgate run`` and then through the JSON report
contract, so the audit of a live run and of a saved report are the same computation.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from launchgate import registry
from launchgate.checkapi import Masker
from launchgate.deliver.evidence import Evidence, load_evidence, merge, report_dict
from launchgate.manifest import Manifest
from launchgate.runner import RunOptions, run_gate


def state_directory(manifest: Manifest, given: Path | None) -> Path:
    return given or manifest.root / str(manifest.data.get("state_dir", ".launchgate"))


def gather(
    manifest: Manifest,
    reports: Sequence[Path],
    options: RunOptions | None,
    masker: Masker,
) -> Evidence:
    """Evidence from ``reports``; with none given and ``options`` set, from running the gate."""
    if reports:
        return load_evidence(reports)
    if options is None:
        return Evidence()
    report = run_gate(manifest, manifest.root, options, registry.load_builtin_checks(), masker)
    return merge([("this run", report_dict(report))])

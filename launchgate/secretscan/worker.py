"""Scan worker: ``python -m launchgate.secretscan.worker ROOT PROMISOR [PACK...] -- [SPEC...]``.

A plain subprocess rather than a multiprocessing pool: pools re-import the parent's ``__main__``
(``python -m launchgate`` would start the CLI again in every worker, and code run from stdin or
an embedded interpreter breaks). The protocol is pickled tagged jobs in, pickled results out,
over pipes owned by the parent that started us (:func:`launchgate.secretscan.pool.run_jobs`),
so nothing untrusted is ever unpickled:

* ``("log", shard)``: what each commit of ``shard`` added (``git log`` in ROOT) -> BatchResult;
  ``("merges", shard)`` the same for a shard of merge commits;
* ``("files", paths, max_bytes)``: files relative to ROOT, already filtered by the excludes
  -> TreeResult;
* ``("blobs", items)``: file versions by blob id (``versionscan.read_versions``) -> VersionBatch.

The detector is built once per worker from the same rule packs as the parent's.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitwalk import BatchResult, scan_commits
from launchgate.secretscan.pool import Job
from launchgate.secretscan.rules import load_rules
from launchgate.secretscan.tree import TreeResult, scan_files
from launchgate.secretscan.versionscan import VersionBatch, read_versions


def main(argv: list[str]) -> int:
    root, promisor, *rest = argv
    cut = rest.index("--") if "--" in rest else len(rest)
    packs, pathspecs = rest[:cut], rest[cut + 1 :]
    detector = Detector(load_rules([Path(p) for p in packs]))
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            job: Job = pickle.load(source)  # noqa: S301 - our parent's pipe
        except EOFError:
            return 0
        result: BatchResult | TreeResult | VersionBatch
        if job[0] == "files":
            result = scan_files(Path(root), job[1], detector, job[2], workers=1)
        elif job[0] == "blobs":
            result = read_versions(Path(root), job[1], detector)
        else:
            merges = job[0] == "merges"
            result = scan_commits(Path(root), job[1], detector, promisor or None, pathspecs, merges)
        pickle.dump(result, sink)
        sink.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Scan worker: ``python -m launchgate.secretscan.worker ROOT PROMISOR [PACK...] -- [SPEC...]``.

A plain subprocess rather than a multiprocessing pool: pools re-import the parent's ``__main__``
(``python -m launchgate`` would start the CLI again in every worker, and code run from stdin or
an embedded interpreter breaks). The protocol is pickled tagged jobs in, pickled results out,
over pipes owned by the parent that started us (:func:`launchgate.secretscan.pool.run_jobs`),
so nothing untrusted is ever unpickled:

* ``("log", shard)``: what each commit of ``shard`` added (``git log`` in ROOT) -> BatchResult;
* ``("files", paths, max_bytes)``: files relative to ROOT, already filtered by the excludes
  -> TreeResult.

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
        result: BatchResult | TreeResult
        if job[0] == "log":
            result = scan_commits(Path(root), job[1], detector, promisor or None, pathspecs)
        else:
            result = scan_files(Path(root), job[1], detector, job[2], workers=1)
        pickle.dump(result, sink)
        sink.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

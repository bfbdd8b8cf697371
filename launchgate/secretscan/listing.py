"""A scan of every ref lists its history in a thread while this process reads the tree.

Listing is git's work (``rev-list``, then the versions of :mod:`versions` beside the object
sizes of :func:`~launchgate.secretscan.bigblobs.oversized_blobs`): 0.7 s on flask's history,
during which this process would otherwise wait. Once the commits are known, a history big
enough for workers gets one started (``pool.prestart``), so it is ready when reading begins.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from launchgate.secretscan.bigblobs import oversized_blobs
from launchgate.secretscan.gitrepo import list_commits
from launchgate.secretscan.history import IN_PROCESS_MAX_COMMITS
from launchgate.secretscan.pool import default_workers, prestart
from launchgate.secretscan.versions import Versions, list_versions


@dataclass
class Listing:
    """Every ref's commits (newest first), their versions, and the blobs over the file cap."""

    commits: list[str]
    versions: Versions
    big: dict[str, int] = field(default_factory=dict)


class EarlyListing:
    """:class:`Listing` for ``--all``, computed in a thread from construction on."""

    def __init__(
        self, root: Path, packs: Sequence[Path], pathspecs: Sequence[str], max_bytes: int
    ) -> None:
        self._args = (root, packs, pathspecs, max_bytes)
        self._listing: Listing | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def result(self) -> Listing:
        """The listing; re-raises what listing raised (``GitError``)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._listing is not None
        return self._listing

    def _run(self) -> None:
        root, packs, pathspecs, max_bytes = self._args
        try:
            commits = list_commits(root, ["--all"])
            if len(commits) > IN_PROCESS_MAX_COMMITS and default_workers() > 1:
                prestart(root, packs, None, pathspecs)
            big: dict[str, int] = {}
            sizes = threading.Thread(target=lambda: big.update(oversized_blobs(root, max_bytes)))
            sizes.start()
            versions = list_versions(root, commits, pathspecs)
            sizes.join()
            self._listing = Listing(commits, versions, big)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

"""The parent side of the worker protocol (the child is :mod:`launchgate.secretscan.worker`).

History shards and tree chunks run on the same workers: plain ``python -m`` child processes,
one feeding thread each, fed tagged jobs (``("log", shard)``, ``("files", paths, max_bytes)``)
as pickles over pipes. A job whose worker dies, answers garbage or cannot start comes back
as ``None`` so the caller can do it in its own process: a lost job must never become a clean
scan.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Literal, TypeVar

from launchgate import children

_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
WORKER = (sys.executable, "-m", "launchgate.secretscan.worker")

LogJob = tuple[Literal["log", "merges"], list[str]]  # "merges": a shard of merge commits
FilesJob = tuple[Literal["files"], list[str], int]
BlobsJob = tuple[Literal["blobs"], list[tuple[str, str]]]  # (blob id, path key) to read
Job = LogJob | FilesJob | BlobsJob
R = TypeVar("R")


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run_jobs(
    jobs: Sequence[Job],
    kind: type[R],
    n: int,
    root: Path,
    packs: Sequence[Path] = (),
    promisor: str | None = None,
    pathspecs: Sequence[str] = (),
    command: Sequence[str] = WORKER,
    local: Callable[[int], R] | None = None,
    first: Callable[[], None] = lambda: None,
) -> Iterator[tuple[int, R | None]]:
    """Run ``jobs`` on ``n`` workers; yield ``(index into jobs, result or None)`` as each ends.

    With ``local`` (how this process does the job at an index), this process is one of the
    ``n``: it starts ``n - 1`` workers and takes jobs from the same queue while they start and
    run. A worker is
    a fresh interpreter that imports, loads the rules and builds its detector (~0.3 s) before
    its first job; this process has all of that already, so it starts at once. ``first`` is
    other work of this process, done once the workers are starting (before any job of its own).

    ``kind`` is the result type every job must answer with (anything else counts as a dead
    worker). ``command`` is the worker program; tests pass one that fails to prove that no job
    is lost. Each thread puts a sentinel when its worker is gone, so a crash is noticed at once
    rather than by polling.
    """
    todo: queue.Queue[int] = queue.Queue()
    for index in range(len(jobs)):
        todo.put(index)
    done: queue.Queue[tuple[int, R | None] | None] = queue.Queue()
    cmd = _worker_command(command, root, promisor, packs, pathspecs)

    def feed(stdin: IO[bytes], stdout: IO[bytes]) -> None:
        while True:
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            try:
                pickle.dump(jobs[index], stdin)
                stdin.flush()
                result = pickle.load(stdout)  # noqa: S301 - our child's pipe
            except Exception:  # a dead or garbled worker: any unpickling error is possible
                result = None
            if not isinstance(result, kind):
                done.put((index, None))
                return
            done.put((index, result))

    def drive() -> None:
        try:
            proc = _spare(cmd) or _spawn(cmd)
        except OSError:
            done.put(None)
            return
        assert proc.stdin is not None
        assert proc.stdout is not None
        try:
            feed(proc.stdin, proc.stdout)
        finally:
            with contextlib.suppress(OSError):
                proc.stdin.close()
            proc.stdout.close()
            proc.wait()
            children.release(proc)
            done.put(None)

    spawned = min(n - 1 if local is not None else n, len(jobs))
    threads = [threading.Thread(target=drive, daemon=True) for _ in range(spawned)]
    for thread in threads:
        thread.start()
    try:
        first()
        live = len(threads)
        while True:
            try:
                item = done.get_nowait()  # what the workers finished first, then our own part
            except queue.Empty:
                mine = _take(todo) if local is not None else None
                if mine is not None and local is not None:
                    yield mine, local(mine)
                    continue
                if not live:
                    break
                item = done.get()
            if item is None:
                live -= 1
            else:
                yield item
        # Jobs no worker took (every worker died early) go back to the caller.
        while not todo.empty():
            yield todo.get_nowait(), None
    finally:
        while not todo.empty():  # the caller stopped early: let the threads wind down
            todo.get_nowait()
        for thread in threads:
            thread.join()


_SPARES: dict[tuple[str, ...], list[subprocess.Popen[bytes]]] = {}
_SPARES_LOCK = threading.Lock()


def prestart(
    root: Path,
    packs: Sequence[Path] = (),
    promisor: str | None = None,
    pathspecs: Sequence[str] = (),
    command: Sequence[str] = WORKER,
) -> None:
    """Start a worker now, for the next :func:`run_jobs` with the same arguments: its ~0.3 s
    start-up (interpreter, rules, detector) then overlaps other work instead of delaying the
    first job. Call :func:`release_spares` when done, in case no job ever came."""
    cmd = _worker_command(command, root, promisor, packs, pathspecs)
    with contextlib.suppress(OSError):
        proc = _spawn(cmd)
        with _SPARES_LOCK:
            _SPARES.setdefault(tuple(cmd), []).append(proc)


def release_spares() -> None:
    """Stop the prestarted workers no job took (closing its input ends a worker)."""
    with _SPARES_LOCK:
        procs = [p for spares in _SPARES.values() for p in spares]
        _SPARES.clear()
    for proc in procs:
        with contextlib.suppress(OSError):
            if proc.stdin is not None:
                proc.stdin.close()
        if proc.stdout is not None:
            proc.stdout.close()
        proc.wait()
        children.release(proc)


def _spare(cmd: list[str]) -> subprocess.Popen[bytes] | None:
    with _SPARES_LOCK:
        spares = _SPARES.get(tuple(cmd))
        return spares.pop() if spares else None


def _worker_command(
    command: Sequence[str],
    root: Path,
    promisor: str | None,
    packs: Sequence[Path],
    pathspecs: Sequence[str],
) -> list[str]:
    return [*command, str(root), promisor or "", *(str(p) for p in packs), "--", *pathspecs]


def _spawn(cmd: list[str]) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_PARENT, env.get("PYTHONPATH")]))
    return children.spawn(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)


def _take(todo: queue.Queue[int]) -> int | None:
    try:
        return todo.get_nowait()
    except queue.Empty:
        return None

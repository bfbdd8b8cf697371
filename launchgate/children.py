"""Child processes launchgate starts (scan workers, ``git log`` streams): none outlives the run.

Each child gets its own session, so a Ctrl-C in the terminal (SIGINT to the foreground process
group) reaches only launchgate itself, which stops its children here instead of every worker
printing a traceback. On a timeout, an interrupt or a normal exit, every child still running is
terminated with its own children (the whole process group), then killed if it lingers.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Sequence
from typing import Any

_LIVE: set[subprocess.Popen[bytes]] = set()
_LOCK = threading.Lock()


def spawn(command: Sequence[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    """``subprocess.Popen`` in a new session, remembered until :func:`release`."""
    proc: subprocess.Popen[bytes] = subprocess.Popen(command, start_new_session=True, **kwargs)
    with _LOCK:
        _LIVE.add(proc)
    return proc


def release(proc: subprocess.Popen[bytes]) -> None:
    """Forget a child that has ended (or been waited for)."""
    with _LOCK:
        _LIVE.discard(proc)


def live() -> int:
    with _LOCK:
        return sum(1 for proc in _LIVE if proc.poll() is None)


def terminate_all(grace_s: float = 2.0) -> None:
    """SIGTERM every live child's process group; SIGKILL what is still there after ``grace_s``."""
    with _LOCK:
        procs = [proc for proc in _LIVE if proc.poll() is None]
    for proc in procs:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        release(proc)


atexit.register(terminate_all)

"""git's patch output as buffers of whole lines, read ahead in a thread, with a cap per line.

A reader thread keeps git writing while the scanner works. Buffers end at a line end, and never
between a file's ``diff`` header and its first hunk. One line may cost at most ``cap`` bytes:
what follows in a longer line (a 60 MB minified file committed once) is read past and counted,
never held, so one hostile line cannot take the scan's memory.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass

_READ = 1 << 20
DEFAULT_LINE_CAP = 4_000_000  # bytes of one line read; past it, skipped and counted


@dataclass
class LineCuts:
    """Lines longer than the cap: how many, and how many of their bytes were not read."""

    lines: int = 0
    bytes: int = 0


def patch_buffers(stream: int, cuts: LineCuts, cap: int = DEFAULT_LINE_CAP) -> Iterator[bytes]:
    """Read the pipe in a thread (so git never waits on us) and yield complete-line buffers;
    a line longer than ``cap`` bytes is yielded cut to ``cap`` bytes (and counted in ``cuts``)."""
    with contextlib.suppress(OSError, AttributeError):
        import fcntl

        fcntl.fcntl(stream, 1031, _READ)  # F_SETPIPE_SZ: let git run ahead by a whole buffer
    q: queue.Queue[bytes | None] = queue.Queue(maxsize=16)

    def reader() -> None:
        try:
            parts: list[bytes] = []
            size = 0
            while True:
                data = os.read(stream, _READ)
                if not data:
                    break
                parts.append(data)
                size += len(data)
                if size >= _READ:
                    q.put(b"".join(parts))
                    parts, size = [], 0
            if parts:
                q.put(b"".join(parts))
        finally:
            q.put(None)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    pending = b""
    skipping = False  # inside the rest of a line that was cut
    counting = False  # and that line added text (its bytes are counted as not scanned)
    while True:
        data = q.get()
        if data is None:
            break
        if skipping:
            nl = data.find(b"\n")
            if counting:
                cuts.bytes += len(data) if nl < 0 else nl
            if nl < 0:
                continue
            data, skipping = data[nl:], False  # the newline ends the cut line
        data = pending + data if pending else data
        cut = data.rfind(b"\n") + 1
        d = data.rfind(b"\ndiff ", 0, cut)
        h = data.rfind(b"\n@@", 0, cut)
        if d > h and d > 0:
            cut = d + 1  # never split a file header from its first hunk
        if cut > 0:
            yield data[:cut]
        pending = data[cut:] if cut > 0 else data
        if len(pending) > cap:
            start = pending.rfind(b"\n") + 1
            counting = not pending.startswith(b"-", start)  # a removed line adds nothing
            if counting:
                cuts.lines += 1
                cuts.bytes += len(pending) - cap
            pending, skipping = pending[:cap], True
    thread.join()
    if pending:
        yield pending if pending.endswith(b"\n") else pending + b"\n"

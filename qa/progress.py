"""Progress of the long steps of a build (files read, chunks tokenized, chunks embedded).

On a terminal it is a progress bar (``tqdm``) on stderr: done/total, rate and time left. Anywhere else (a
log file, the web app's admin rebuild, CI) it is a log line on the ``qa.progress`` logger at every tenth of
the work and at the end: ``embedding: 270/540 chunks (12.3s, ~12s left)``.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from typing import Any

log = logging.getLogger("qa.progress")


def on_terminal(stream: Any = None) -> bool:
    """True when progress goes to an interactive terminal (``QA_PROGRESS=log`` forces log lines)."""
    stream = stream if stream is not None else sys.stderr
    if os.environ.get("QA_PROGRESS", "").lower() == "log":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def time_left(done: int, total: int, elapsed: float) -> float | None:
    """Seconds left at the rate so far (``None`` before anything is done)."""
    if done <= 0 or total <= done:
        return None if done <= 0 else 0.0
    return elapsed / done * (total - done)


def log_line(what: str, done: int, total: int, unit: str, elapsed: float) -> str:
    """``what: done/total unit (elapsed, ~left)``."""
    left = time_left(done, total, elapsed)
    rest = f", ~{left:.0f}s left" if left else ""
    return f"{what}: {done}/{total} {unit} ({elapsed:.1f}s{rest})"


class Progress:
    """``progress(done)`` reports that ``done`` of ``total`` items are finished; ``close()`` ends a bar."""

    def __init__(self, what: str, total: int, unit: str = "chunks", stream: Any = None) -> None:
        self.what, self.total, self.unit = what, total, unit
        self.t0, self.shown = time.perf_counter(), -1
        self.bar = None
        if on_terminal(stream) and total > 1:
            from tqdm import tqdm

            width = shutil.get_terminal_size((100, 24)).columns  # a pseudo-terminal may report no width
            self.bar = tqdm(total=total, desc=what, unit=unit.rstrip("s") or unit, file=stream or sys.stderr,
                            ncols=min(width, 120), leave=True)

    def __call__(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(max(0, done - self.bar.n))
            if done >= self.total:
                self.close()
            return
        tenth = done * 10 // max(self.total, 1)
        if tenth != self.shown and (tenth > self.shown or done == self.total):
            self.shown = tenth
            log.info("%s", log_line(self.what, done, self.total, self.unit, time.perf_counter() - self.t0))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

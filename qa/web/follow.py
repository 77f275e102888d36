"""Several worker processes (``ui.py --workers N``) each hold the index they loaded. An admin upload is rebuilt
and swapped in by the one worker that took the request; the others notice the new index on disk (its
manifest's build time, looked at no more than every few seconds, on requests) and load it, so every worker
answers from, and every page shows, the same announcements without a restart."""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("qa.web")


class IndexFollower:
    """Loads the index on disk when it was rebuilt by another process (see the module docstring)."""

    def __init__(self, web: Any, interval: float = 2.0) -> None:
        self.web = web
        self.interval = interval
        self._last = time.monotonic()
        self._lock = threading.Lock()
        self._built = self._loaded_build()

    def _loaded_build(self) -> str | None:
        return self.web.assistant.index.manifest.get("built_at")

    def _disk_build(self) -> str | None:
        try:
            path = Path(self.web.assistant.index.path) / "manifest.json"
            return json.loads(path.read_text(encoding="utf-8")).get("built_at")
        except (OSError, ValueError, AttributeError):
            return None

    def swapped(self) -> None:
        """This process swapped in its own rebuild: nothing to follow."""
        self._built = self._loaded_build()

    def check(self) -> None:
        """Load the index on disk if another process rebuilt it (cheap when nothing changed)."""
        now = time.monotonic()
        if now - self._last < self.interval or not self._lock.acquire(blocking=False):
            return
        try:
            self._last = now
            rebuilder = getattr(self.web, "rebuilder", None)
            if rebuilder is not None and rebuilder.busy():
                return  # this process is building: its own swap comes next
            built = self._disk_build()
            if built is None or built == self._built:
                return
            self._load(built)
        finally:
            self._lock.release()

    def _load(self, built: str) -> None:
        from .. import Assistant
        from ..index import load_index
        from ..rebuild import handing_over

        current = self.web.assistant.current
        with handing_over():  # the other requests of this worker keep their pace while it loads
            try:
                index = load_index(self.web.config, embedder=current.index.embedder, check_corpus=False)
            except Exception:  # noqa: BLE001 - keep answering from what is loaded; try again later
                log.exception("could not load the index another worker built")
                return
            self.web.assistant.swap(Assistant(self.web.config, index))
            self._built = built
            self.web.on_swap(self.web.assistant.current)

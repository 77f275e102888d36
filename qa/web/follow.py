"""Several worker processes (``ui.py --workers N``) each hold the index they loaded. An admin upload is rebuilt
and swapped in by the one worker that took the request; the others notice the new index on disk (its
manifest's build time, looked at no more than every few seconds, on requests) and load it, so every worker
answers from, and every page shows, the same announcements without a restart. With a shared store
(``store_url``: app replicas on several machines over one index volume) the build time is read from the
store's version row instead, which the replica that loaded the build wrote."""

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
        from ..store import open_store

        self.store = open_store(web.config)
        self._built = self._loaded_build()

    def _build_of(self, manifest: dict[str, Any]) -> str | None:
        """What names a build: its time, and with a shared store also a hash of its files (two builds a second)."""
        if self.store is None:
            return manifest.get("built_at")
        from ..store import build_id

        return build_id(manifest)

    def _loaded_build(self) -> str | None:
        return self._build_of(self.web.assistant.index.manifest)

    def _disk_build(self) -> str | None:
        """The build the replicas should answer from: the store's version row, else the manifest on disk."""
        if self.store is not None:
            try:
                version = self.store.version()
            except Exception as exc:  # noqa: BLE001 - the database is down: keep answering, look again later
                log.warning("could not read the index version from the store: %s", exc)
                return None
            return version.built_at if version is not None else None
        return self._manifest_build()

    def _manifest_build(self) -> str | None:
        try:
            path = Path(self.web.assistant.index.path) / "manifest.json"
            return self._build_of(json.loads(path.read_text(encoding="utf-8")))
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
            if self.store is not None and self._manifest_build() != built:
                return  # the build the store names is not (yet) on this replica's index volume
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

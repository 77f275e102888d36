"""Where an index may live and how it is guarded: the ownership check (a folder the assistant did not write is never
replaced), the file lock held while an index is swapped or read, and the clean-up of killed builds' leftovers."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import time
from pathlib import Path

log = logging.getLogger("qa.index")

MANIFEST = "manifest.json"
OWNER = "gongo-qa"  # the ownership marker: only folders whose manifest says so are ever replaced
OUTPUT_NAMES = {MANIFEST, "documents.json", "chunks.jsonl", "bm25", "dense.faiss", "facts.sqlite", "files.json",
                "units.sqlite", "unit_vectors.npy", "unit_rows.npy"}
LOCK_TIMEOUT_S = 120.0  # a swap takes milliseconds; a reader waits at most this long for a writer
STALE_TEMP_S = 3600  # leftovers whose process id cannot be read are removed after an hour


class IndexLocationError(ValueError):
    """An index path that could destroy files the assistant does not own (nothing was changed)."""


def _owned(index_dir: Path) -> bool:
    """True when the folder is an index this assistant wrote: its manifest carries the marker (or is one of
    the pre-marker format), or it holds nothing but index output names (a manifest truncated by a crash)."""
    names = {p.name for p in index_dir.iterdir() if not p.name.startswith("README")}
    try:
        with open(index_dir / MANIFEST, encoding="utf-8") as fh:
            m = json.load(fh)
        if isinstance(m, dict) and (m.get("owner") == OWNER or {"format_version", "pipeline", "corpus"} <= set(m)):
            return True
    except (OSError, ValueError):
        pass
    return MANIFEST in names and names <= OUTPUT_NAMES


def check_location(index_dir: Path, corpus_dir: Path | None = None) -> None:
    """Refuse an index path that could destroy files the assistant does not own; nothing is changed.

    Raises:
        IndexLocationError: the path is a file; corpus and index are the same folder or nested; or the
            folder is not empty and holds no index manifest with the ownership marker.
    """
    index_dir = Path(index_dir)
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexLocationError(f"index path {index_dir} is a file, not a folder; nothing was changed. "
                                 f"Choose a folder with --index (QA_INDEX_DIR).")
    if corpus_dir is not None:
        i, c = index_dir.resolve(), Path(corpus_dir).resolve()
        if i == c or i.is_relative_to(c) or c.is_relative_to(i):
            raise IndexLocationError(f"corpus ({corpus_dir}) and index ({index_dir}) must be separate folders, neither "
                                     f"inside the other; nothing was changed. Choose another --index.")
    if index_dir.is_dir() and any(not p.name.startswith("README") for p in index_dir.iterdir()) \
            and not _owned(index_dir):
        raise IndexLocationError(f"index folder {index_dir} is not empty and holds no index built by this assistant "
                                 f"(no {MANIFEST} with the {OWNER!r} marker); nothing was moved or deleted. "
                                 f"Choose an empty or new folder with --index, or empty this one yourself.")


@contextlib.contextmanager
def index_lock(index_dir: Path, timeout: float = LOCK_TIMEOUT_S):
    """The lock held while an index folder is swapped or read (a file beside it: ``.<name>.lock``).

    Where the parent folder is read-only (an index shipped on a read-only volume) no build can swap it
    either, so reading goes ahead without the lock.
    """
    from filelock import FileLock, Timeout

    index_dir = Path(index_dir)
    lock = FileLock(str(index_dir.parent / f".{index_dir.name}.lock"), timeout=timeout)
    try:
        if not index_dir.parent.is_dir():
            raise FileNotFoundError(index_dir.parent)  # nothing there to read or swap
        lock.acquire()
    except (OSError, Timeout) as exc:
        log.debug("index lock not taken (%s); going on without it", " ".join(str(exc).split())[:300])
        yield
        return
    try:
        yield
    finally:
        lock.release()


_LEFTOVER_RE = re.compile(r"^\.(?P<name>.+)\.(?P<kind>build|old)-(?P<pid>\d+)-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cleanup_leftovers(index_dir: Path) -> list[str]:
    """Remove the temporary and ``.old`` folders of builds that were killed (their process is gone).

    A swap killed between its two renames leaves no index but a complete ``.old`` one: that is moved back.
    Call with :func:`index_lock` held. Returns what was removed or restored.
    """
    index_dir = Path(index_dir)
    done = []
    if not index_dir.parent.is_dir():
        return done
    for p in sorted(index_dir.parent.glob(f".{index_dir.name}.*-*"), key=lambda q: q.name, reverse=True):
        m = _LEFTOVER_RE.match(p.name)
        if not p.is_dir() or (m and m["name"] != index_dir.name) or not (m or ".build-" in p.name or ".old-" in p.name):
            continue
        if m:
            if _alive(int(m["pid"])):
                continue  # a build still running (here or in another process)
        else:  # pre-marker names carry no process id: only old ones
            with contextlib.suppress(OSError):
                if time.time() - p.stat().st_mtime < STALE_TEMP_S:
                    continue
        if ".old-" in p.name and not index_dir.exists() and (p / MANIFEST).is_file():
            os.replace(p, index_dir)  # roll back an interrupted swap
            done.append(f"restored {p.name}")
            log.warning("restored the index %s from %s (a swap was interrupted)", index_dir, p.name)
            continue
        shutil.rmtree(p, ignore_errors=True)
        done.append(f"removed {p.name}")
        log.warning("removed %s, left over by a build that was killed", p)
    return done

"""The feedback and unanswered-question log: what people ask that the announcements do not answer.

Every "not found" answer and every 👍/👎 (with its optional comment) is one row of a small SQLite file
(``Config.feedback_db``; by default ``feedback.sqlite`` beside the index folder, which a rebuild replaces
whole, so the log cannot live inside it). A row holds the question, the answer, the answer's ``rule``, the
time and where it came from (``ui``, ``embed``, ``api``); never the client's address. Rows older than
``Config.feedback_retention_days`` are deleted on every write, and the table never holds more than
:data:`MAX_ROWS` rows (the oldest go first), so a flood of requests cannot fill the disk.

Each write is one transaction on its own connection (WAL, a busy timeout), so concurrent requests, threads
and forked workers never interleave half-written rows; the CSV export reads one consistent snapshot.
With ``Config.store_url`` set the log is the ``events`` table of that store (:mod:`qa.store`: a SQLite file or
PostgreSQL shared by every replica); the schema is the store's versioned migrations in both cases.
"""

from __future__ import annotations

import contextlib
import csv
import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .store import Database

MAX_ROWS = 100_000  # the log never grows past this; the oldest rows are removed first
MAX_TEXT = 4000  # longest question / answer / comment kept (characters)
KINDS = ("not_found", "feedback")
RATINGS = ("up", "down")
ORIGINS = ("ui", "embed", "api")
COLUMNS = ("id", "time", "kind", "rating", "question", "answer", "rule", "comment", "origin")

def feedback_path(config: Any) -> Path:
    """Where the log lives: ``config.feedback_db``, else ``feedback.sqlite`` beside the index folder."""
    given = str(getattr(config, "feedback_db", "") or "")
    if given:
        return Path(given).expanduser()
    index_dir = Path(config.index_dir)
    return index_dir.parent / f"{index_dir.name}.feedback.sqlite"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _clip(text: Any, limit: int = MAX_TEXT) -> str:
    """Text bounded in length, with lone surrogates replaced (they cannot be stored as UTF-8)."""
    s = "" if text is None else str(text)
    return s[:limit].encode("utf-8", "replace").decode("utf-8", "replace")


class FeedbackLog:
    """The log. Safe to share between threads; every method is one transaction (a short SQLite connection, or a
    pooled PostgreSQL one)."""

    def __init__(self, path: Path | str, retention_days: float = 180.0, max_rows: int = MAX_ROWS,
                 pool_size: int = 4) -> None:
        self.path = path if isinstance(path, str) and "://" in path else Path(path)
        self.db = Database(str(self.path), pool_size)
        self.retention_days = float(retention_days)
        self.max_rows = int(max_rows)

    @classmethod
    def for_config(cls, config: Any) -> FeedbackLog:
        """The store's events table when ``store_url`` is set, else the SQLite file of :func:`feedback_path`."""
        url = str(getattr(config, "store_url", "") or "")
        return cls(url or feedback_path(config), getattr(config, "feedback_retention_days", 180.0),
                   pool_size=getattr(config, "store_pool_size", 4))

    @contextlib.contextmanager
    def _connect(self) -> Iterator[Any]:
        with self.db.transaction() as tx:
            yield tx

    # ----------------------------------------------------------------- writing
    def add(self, kind: str, question: str, answer: str = "", rule: str = "", rating: str | None = None,
            comment: str = "", origin: str = "api") -> int:
        """Store one row (one transaction, pruning old rows in the same one); returns its id."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if rating is not None and rating not in RATINGS:
            raise ValueError(f"rating must be one of {RATINGS}")
        origin = origin if origin in ORIGINS else "api"
        row = (_now(), kind, rating, _clip(question), _clip(answer), _clip(rule, 200), _clip(comment), origin)
        with self._connect() as conn:  # one transaction: all or nothing
            row_id = conn.execute("insert into events (time, kind, rating, question, answer, rule, comment, origin)"
                                  " values (?, ?, ?, ?, ?, ?, ?, ?) returning id", row).fetchone()[0]
            self._prune(conn)
            return int(row_id)

    def not_found(self, question: str, answer: str, rule: str, origin: str = "api") -> int:
        return self.add("not_found", question, answer, rule, origin=origin)

    def feedback(self, question: str, answer: str, rule: str, rating: str, comment: str = "",
                 origin: str = "api") -> int:
        return self.add("feedback", question, answer, rule, rating=rating, comment=comment, origin=origin)

    def set_comment(self, row_id: int, comment: str) -> bool:
        """Attach a comment to a feedback row given earlier (👍/👎 first, the words after)."""
        with self._connect() as conn:
            cur = conn.execute("update events set comment = ? where id = ? and kind = 'feedback'",
                               (_clip(comment), int(row_id)))
            return cur.rowcount == 1

    def _prune(self, conn: Any) -> None:
        if self.retention_days > 0:
            cutoff = datetime.fromtimestamp(time.time() - self.retention_days * 86400, UTC)
            conn.execute("delete from events where time < ?", (cutoff.strftime("%Y-%m-%dT%H:%M:%SZ"),))
        conn.execute("delete from events where id <= (select max(id) from events) - ?", (self.max_rows,))

    # ----------------------------------------------------------------- reading
    def summary(self, top: int = 20, recent: int = 20) -> dict[str, Any]:
        """Counts, the most frequent unanswered questions (not found or 👎) and the latest feedback."""
        with self._connect() as conn:
            counts = dict(conn.execute(
                "select 'not_found', count(*) from events where kind = 'not_found' union all "
                "select 'up', count(*) from events where rating = 'up' union all "
                "select 'down', count(*) from events where rating = 'down' union all "
                "select 'comments', count(*) from events where comment != ''").fetchall())
            rules = "group_concat(distinct rule)" if self.db.dialect == "sqlite" else "string_agg(distinct rule, ',')"
            frequent = conn.execute(
                f"select question, count(*) as n, max(time), {rules} from events "
                "where kind = 'not_found' or rating = 'down' group by question order by n desc, max(time) desc "
                "limit ?", (int(top),)).fetchall()
            latest = conn.execute(
                "select id, time, rating, question, answer, rule, comment, origin from events "
                "where kind = 'feedback' order by id desc limit ?", (int(recent),)).fetchall()
        return {
            "counts": {k: int(counts.get(k, 0)) for k in ("not_found", "up", "down", "comments")},
            "unanswered": [{"question": q, "count": n, "last": t, "rules": sorted(set((r or "").split(",")) - {""})}
                           for q, n, t, r in frequent],
            "feedback": [dict(zip(("id", "time", "rating", "question", "answer", "rule", "comment", "origin"), row,
                                  strict=True)) for row in latest],
            "retention_days": self.retention_days,
        }

    def rows(self) -> list[dict[str, Any]]:
        with self._connect() as conn:
            cur = conn.execute(f"select {', '.join(COLUMNS)} from events order by id")
            return [dict(zip(COLUMNS, r, strict=True)) for r in cur.fetchall()]

    def csv(self) -> str:
        """Every row as CSV (UTF-8 with a BOM, so spreadsheet programs read the Korean correctly)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in self.rows():
            writer.writerow([_csv_safe(row[c]) for c in COLUMNS])
        return "\ufeff" + out.getvalue()


def _csv_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (CSV injection: ``=``, ``+``, ``-``, ``@`` first)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value

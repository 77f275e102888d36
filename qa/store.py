"""The facts-and-records store: SQLite or PostgreSQL behind one small interface, so app replicas share one database.

``Config.store_url`` chooses it: ``""`` keeps today's files (``facts.sqlite`` inside the index folder and the
feedback log beside it, nothing else written); a file path is one SQLite database; ``postgresql://…`` is a
PostgreSQL database (psycopg 3). The store holds the facts table with its provenance, the documents registry
with each file's build report, the build jobs, the feedback and unanswered log (:mod:`qa.feedback`) and one
index version row. Loading an index publishes it here (:func:`publish`): the facts and reports of the documents
whose content changed are replaced, the rest untouched, and the version row names the build, which is how
every replica learns within seconds that another one rebuilt (:class:`qa.web.follow.IndexFollower`).

The schema is versioned in :data:`MIGRATIONS` (applied in order, each once, in one transaction, recorded in
``schema_version``). SQL is written once, with ``?`` placeholders and the few dialect words filled in by
:class:`Database`. Facts are read by index (:meth:`Store.fact_rows`: a question's candidate subjects, attributes
or values, each column indexed with doc_id), never by scanning the table; what the question reader needs of
every fact is kept apart, one row per distinct name and announcement (``fact_names``; :mod:`qa.store_names` reads
it). Migration 2 adds them and empties the content hashes and the version row's build, so the next publish writes
every announcement again with them; migration 3 indexes the names by kind and name, read so per question.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .facts.model import Fact, Qualifiers
from .facts.names import FactNames, doc_name_rows
from .store_names import NameRowAt, name_rows, read_names
from .text import compact

if TYPE_CHECKING:
    from .config import Config
    from .index import Index

# (version, what it does, SQL with {id} = an auto-numbered primary key and {float} = a double column)
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "facts, documents, jobs, feedback events, index version", """
create table if not exists facts (
    fact_id text primary key, doc_id text not null, subject text not null, attribute text not null,
    value {float}, unit text, text text, raw text, chunk_id text, line integer,
    span_start integer, span_end integer, qualifiers text, position integer not null default 0);
create index if not exists facts_subject on facts(subject, doc_id, attribute);
create index if not exists facts_doc on facts(doc_id, position);
create table if not exists documents (
    doc_id text primary key, name text not null default '', title text not null default '',
    published text not null default '', content_sha text not null default '', report text not null default '{}',
    position integer not null default 0, updated text not null default '');
create table if not exists file_reports (
    name text primary key, doc_id text, status text not null, report text not null default '{}');
create table if not exists jobs (
    job_id text primary key, state text not null, reason text not null default '', created {float},
    started {float}, finished {float}, message text not null default '', detail text not null default '{}');
create table if not exists events (
    id {id}, time text not null, kind text not null, rating text, question text not null,
    answer text not null default '', rule text not null default '', comment text not null default '',
    origin text not null default 'api');
create index if not exists events_time on events(time);
create index if not exists events_question on events(kind, question);
create table if not exists index_version (
    id integer primary key, version bigint not null, built_at text not null default '',
    documents integer not null default 0, chunks integer not null default 0, updated text not null default '');
"""),
    (2, "facts read per question: attribute and value indexes, the names table", """
alter table facts add column value_stem text;
create index if not exists facts_attribute on facts(attribute, doc_id);
create index if not exists facts_value on facts(value_stem, doc_id);
create table if not exists fact_names (
    doc_id text not null, kind text not null, name text, detail text, flag integer not null default 0,
    position integer not null default 0);
create index if not exists fact_names_doc on fact_names(doc_id);
update documents set content_sha = '';
update index_version set built_at = ''
"""),
    (3, "names read per question: by kind and name, an announcement's by kind", """
create index if not exists fact_names_kind on fact_names(kind, name);
create index if not exists fact_names_doc_kind on fact_names(doc_id, kind);
drop index if exists fact_names_doc
"""),
)
DIALECT_WORDS = {
    "sqlite": {"id": "integer primary key autoincrement", "float": "real"},
    "postgresql": {"id": "bigint generated by default as identity primary key", "float": "double precision"},
}


class StoreError(ConnectionError):
    """The store cannot be opened (bad URL, missing driver, server down); one line naming the fix."""


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


CONNECT_TIMEOUT = 10  # seconds to reach PostgreSQL (or to wait for a pooled connection) before a StoreError


def _unreachable(exc: Exception) -> StoreError:
    return StoreError(f"cannot connect to PostgreSQL: {' '.join(str(exc).split())[:300]} (QA_STORE_URL)")


class Database:
    """One SQLite file or PostgreSQL database, one transaction per block, ``?`` placeholders. SQLite opens a short
    connection per transaction (a local file: nothing to save); PostgreSQL takes one from this Database's pool of at
    most ``pool_size`` (opened at the first transaction, one per process), since connecting anew cost every
    question several milliseconds."""

    def __init__(self, url: str, pool_size: int = 4) -> None:
        self.url = str(url)
        self.dialect = "postgresql" if is_postgres(self.url) else "sqlite"
        if int(pool_size) < 1:
            raise ValueError(f"store_pool_size must be at least 1, not {pool_size} (QA_STORE_POOL_SIZE)")
        self.pool_size = int(pool_size)
        self._ready = False
        self._lock = threading.Lock()
        self._pool: Any = None
        self._pool_pid = 0
        self._pool_lock = threading.Lock()
        self._inherited: list[Any] = []  # the parent's pools in a forked process (see _connections)
        if self.dialect == "postgresql":
            try:
                import psycopg  # noqa: F401
                import psycopg_pool  # noqa: F401
            except ImportError:
                raise StoreError("store_url is a postgresql:// URL but psycopg or psycopg-pool is not installed: "
                                 "pip install 'gongo-qa[postgres]'") from None

    def __repr__(self) -> str:  # never the password of a URL
        return f"Database({self.dialect})"

    def sql(self, text: str) -> str:
        return text.replace("?", "%s") if self.dialect == "postgresql" else text

    def _sqlite(self) -> sqlite3.Connection:
        Path(self.url).expanduser().parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(Path(self.url).expanduser(), timeout=10)
        conn.execute("pragma busy_timeout=10000")
        return conn

    def _connections(self) -> Any:
        """This process's pool, opened on first use. A forked worker opens its own and keeps the parent's unused and
        never closed: its connections are the parent's sockets, and closing them would end the parent's sessions."""
        if self._pool is not None and self._pool_pid == os.getpid():
            return self._pool
        with self._pool_lock:
            self._set_inherited_aside()
            if self._pool is None:
                self._pool, self._pool_pid = self._open_pool(), os.getpid()
            return self._pool

    def _open_pool(self) -> Any:
        import psycopg
        from psycopg_pool import ConnectionPool, PoolTimeout

        try:  # one direct connection first: an unreachable server is its own error at once, not a pool's timeout
            psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT).close()
        except psycopg.OperationalError as exc:
            raise _unreachable(exc) from None
        pool = ConnectionPool(self.url, min_size=1, max_size=self.pool_size, open=False, timeout=CONNECT_TIMEOUT,
                              kwargs={"connect_timeout": CONNECT_TIMEOUT}, check=ConnectionPool.check_connection,
                              num_workers=1, name="qa-store")
        try:
            pool.open(wait=True, timeout=CONNECT_TIMEOUT)  # its first connection made before the first caller asks
        except PoolTimeout as exc:
            raise _unreachable(exc) from None
        return pool

    def _checkout(self) -> tuple[Any, Callable[[Any], None]]:
        """A connection and how to give it back: a new SQLite connection (closed after), or a pooled one."""
        if self.dialect == "sqlite":
            return self._sqlite(), lambda conn: conn.close()
        from psycopg_pool import PoolTimeout

        pool = self._connections()
        try:
            return pool.getconn(), pool.putconn
        except PoolTimeout:
            raise StoreError(f"no PostgreSQL connection within {CONNECT_TIMEOUT} s: the server is unreachable or all "
                             f"{self.pool_size} pooled connections are busy (QA_STORE_URL, QA_STORE_POOL_SIZE)") from None

    def close(self) -> None:
        """Close this process's pool and its connections (a later transaction opens a new one)."""
        with self._pool_lock:
            self._set_inherited_aside()
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def _set_inherited_aside(self) -> None:
        """(Holding ``_pool_lock``.) In a forked process the pool is the parent's: kept unused and never closed."""
        if self._pool is not None and self._pool_pid != os.getpid():
            self._inherited.append(self._pool)
            self._pool = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[_Tx]:
        """One connection and one transaction: committed when the block ends, rolled back on an exception."""
        self.migrate()
        with self._transaction() as tx:
            yield tx

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[_Tx]:
        conn, release = self._checkout()
        try:
            yield _Tx(self, conn)
            conn.commit()
        except BaseException:
            with contextlib.suppress(Exception):  # a broken connection: the pool drops it when it comes back
                conn.rollback()
            raise
        finally:
            release(conn)

    def migrate(self) -> int:
        """Apply the migrations this database lacks (once per process); returns the schema version."""
        if self._ready:
            return MIGRATIONS[-1][0]
        with self._lock:
            if not self._ready:
                if self.dialect == "sqlite":
                    with contextlib.closing(self._sqlite()) as conn:
                        conn.execute("pragma journal_mode=wal")
                with self._transaction() as tx:
                    # replicas starting together migrate one at a time, all or nothing (SQLite: not create by create)
                    tx.execute("select pg_advisory_xact_lock(2025)" if self.dialect == "postgresql" else "begin immediate")
                    tx.execute("create table if not exists schema_version (version integer primary key, "
                               "description text not null, applied text not null)")
                    done = {r[0] for r in tx.execute("select version from schema_version").fetchall()}
                    for version, description, script in MIGRATIONS:
                        if version in done:
                            continue
                        for word, sql in DIALECT_WORDS[self.dialect].items():
                            script = script.replace("{" + word + "}", sql)
                        for statement in script.split(";"):
                            if statement.strip():
                                tx.execute(statement)
                        tx.execute("insert into schema_version values (?, ?, ?)", (version, description, _now()))
                self._ready = True
        return MIGRATIONS[-1][0]


class _Tx:
    """A connection inside a transaction; ``execute`` takes ``?`` placeholders in both dialects."""

    def __init__(self, db: Database, conn: Any) -> None:
        self.db, self.conn = db, conn

    def execute(self, sql: str, params: Iterable[Any] = ()) -> Any:
        return self.conn.execute(self.db.sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        if self.db.dialect == "postgresql":
            with self.conn.cursor() as cur:
                cur.executemany(self.db.sql(sql), [tuple(r) for r in rows])
        else:
            self.conn.executemany(sql, [tuple(r) for r in rows])


_FACT_COLUMNS = ("fact_id, doc_id, subject, attribute, value, unit, text, raw, chunk_id, line, span_start, span_end, "
                 "qualifiers, position")


def _fact_row(f: Fact, position: int) -> tuple:
    return (f.fact_id, f.doc_id, f.subject, f.attribute, f.value, f.unit, f.text, f.raw, f.chunk_id, f.line,
            f.span[0], f.span[1], json.dumps(f.qualifiers.to_dict(), ensure_ascii=False), position)


def _fact(r: tuple) -> Fact:
    return Fact(fact_id=r[0], doc_id=r[1], subject=r[2], attribute=r[3], value=r[4], unit=r[5] or "", text=r[6] or "",
                raw=r[7] or "", chunk_id=r[8], line=r[9], span=(r[10], r[11]),
                qualifiers=Qualifiers.of(json.loads(r[12] or "{}")))


def _write_facts(tx: _Tx, facts: list[tuple[int, Fact]]) -> None:
    """Insert these (position, fact) rows, with their value stems and their announcements' name rows."""
    if not facts:
        return
    tx.executemany(f"insert into facts ({_FACT_COLUMNS}, value_stem) values ({', '.join('?' * 15)})",
                   [(*_fact_row(f, p), compact(f.text).rstrip("원")) for p, f in facts])
    by_doc: dict[str, list[tuple[int, Fact]]] = {}
    for p, f in facts:
        by_doc.setdefault(f.doc_id, []).append((p, f))
    tx.executemany("insert into fact_names (doc_id, kind, name, detail, flag, position) values (?, ?, ?, ?, ?, ?)",
                   [(d, *row, p) for d, rows in by_doc.items() for row, p in doc_name_rows(rows)])


@dataclass(frozen=True)
class Version:
    """The index version row: which build the replicas should be answering from."""

    version: int
    built_at: str
    documents: int
    chunks: int


class Store:
    """Facts, documents, jobs and the version row in one :class:`Database` (feedback: :mod:`qa.feedback`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    def open(cls, url: str, pool_size: int = 4) -> Store:
        return cls(Database(url, pool_size))

    def close(self) -> None:
        """Close the database's connection pool (nothing to close on SQLite)."""
        self.db.close()

    # ------------------------------------------------------------------ publishing a build
    def publish(self, index: Index, facts: list[Fact], reports: list[dict[str, Any]]) -> dict[str, int]:
        """Make the store hold this index: the facts and reports of changed documents replaced, removed documents
        deleted, the version row set to its build (one transaction; a no-op when this build is already there)."""
        built = build_id(index.manifest)
        by_doc: dict[str, list[Fact]] = {}
        for f in facts:
            by_doc.setdefault(f.doc_id, []).append(f)
        docs = {d.doc_id: d for d in index.documents}
        sha = {d: _content_sha(docs[d], by_doc.get(d, [])) for d in docs}
        position = {f.fact_id: i for i, f in enumerate(facts)}
        with self.db.transaction() as tx:
            now = tx.execute("select built_at from index_version where id = 1").fetchone()
            if now and (now[0] == built or now[0].split("/")[0] > built.split("/")[0]):
                return {"changed": 0, "removed": 0}  # this build, or a newer one another replica loaded, is there
            have = dict(tx.execute("select doc_id, content_sha from documents").fetchall())
            removed = [d for d in have if d not in docs]
            changed = [d for d in docs if have.get(d) != sha[d]]
            for d in removed + changed:
                for table in ("facts", "fact_names", "documents"):
                    tx.execute(f"delete from {table} where doc_id = ?", (d,))
            _write_facts(tx, [(position[f.fact_id], f) for d in changed for f in by_doc.get(d, [])])
            by_id = {r.get("doc_id"): r for r in reports if r.get("doc_id")}
            for i, d in enumerate(docs.values()):
                if d.doc_id in changed:
                    tx.execute("insert into documents (doc_id, name, title, published, content_sha, report, position, "
                               "updated) values (?, ?, ?, ?, ?, ?, ?, ?)",
                               (d.doc_id, Path(d.path).name, d.title, d.published, sha[d.doc_id],
                                json.dumps(by_id.get(d.doc_id, {}), ensure_ascii=False), i, _now()))
                else:
                    tx.execute("update documents set position = ? where doc_id = ?", (i, d.doc_id))
            tx.execute("delete from file_reports")
            tx.executemany("insert into file_reports (name, doc_id, status, report) values (?, ?, ?, ?)",
                           [(r.get("name"), r.get("doc_id"), r.get("status", ""), json.dumps(r, ensure_ascii=False))
                            for r in reports if r.get("name")])
            self._set_version(tx, built, len(docs), len(index.chunks))
        return {"changed": len(changed), "removed": len(removed)}

    def _set_version(self, tx: _Tx, built: str, documents: int, chunks: int) -> None:
        row = tx.execute("select version from index_version where id = 1").fetchone()
        if row is None:
            tx.execute("insert into index_version (id, version, built_at, documents, chunks, updated) "
                       "values (1, 1, ?, ?, ?, ?)", (built, documents, chunks, _now()))
        else:
            tx.execute("update index_version set version = version + 1, built_at = ?, documents = ?, chunks = ?, "
                       "updated = ? where id = 1", (built, documents, chunks, _now()))

    def version(self) -> Version | None:
        """The version row (``None`` before the first publish): one indexed read, cheap enough every few seconds."""
        with self.db.transaction() as tx:
            r = tx.execute("select version, built_at, documents, chunks from index_version where id = 1").fetchone()
        return Version(int(r[0]), r[1], int(r[2]), int(r[3])) if r else None

    # ------------------------------------------------------------------ reading
    def facts(self, doc_id: str | None = None) -> list[Fact]:
        """Every fact (of one document), in the order of the build."""
        with self.db.transaction() as tx:
            if doc_id is None:
                rows = tx.execute(f"select {_FACT_COLUMNS} from facts order by position").fetchall()
            else:
                rows = tx.execute(f"select {_FACT_COLUMNS} from facts where doc_id = ? order by position",
                                  (doc_id,)).fetchall()
        return [_fact(r) for r in rows]

    def facts_about(self, subjects: Iterable[str], doc_ids: Iterable[str] | None = None) -> list[Fact]:
        """The facts of the question's candidate subjects (and documents), read through the subject index: the
        rows read follow the question, not the size of the table."""
        subjects = sorted(set(subjects))
        doc_ids = None if doc_ids is None else sorted(set(doc_ids))
        if not subjects or doc_ids == []:
            return []
        return [f for _, f in self.fact_rows("subject", subjects, doc_ids)]

    def fact_rows(self, column: str, keys: list[str], doc_ids: list[str] | None = None) -> list[tuple[int, Fact]]:
        """(position, fact) of the facts whose ``column`` — subject, attribute or value_stem, each indexed with
        doc_id — is one of ``keys`` (in these announcements), by position: a question's rows, read by index."""
        if column not in ("subject", "attribute", "value_stem"):
            raise ValueError(f"facts are not read by {column!r}")
        out: list[tuple[int, Fact]] = []
        with self.db.transaction() as tx:
            for i in range(0, len(keys), 500):  # far below either database's limit on parameters
                part = keys[i:i + 500]
                sql = f"select position, {_FACT_COLUMNS} from facts where {column} in ({', '.join('?' * len(part))})"
                if doc_ids is not None:
                    sql += f" and doc_id in ({', '.join('?' * len(doc_ids))})"
                rows = tx.execute(sql + " order by position", [*part, *(doc_ids or ())]).fetchall()
                out += [(r[0], _fact(r[1:])) for r in rows]
        return out

    def fact_names(self, rank: dict[str, int]) -> FactNames:
        """These announcements' names (``rank``: their build order), each once, read at load; not the values."""
        return read_names(self.db, rank)

    def name_rows(self, kind: str, names: list[str] | None, doc_ids: list[str] | None) -> list[NameRowAt]:
        """``fact_names`` rows of one kind by name and announcement (all of either without): a question's."""
        return name_rows(self.db, kind, names, doc_ids)

    def fact_count(self) -> int:
        with self.db.transaction() as tx:
            return int(tx.execute("select count(*) from facts").fetchone()[0])

    def documents(self) -> list[dict[str, Any]]:
        """The documents registry in build order, each with its file report."""
        with self.db.transaction() as tx:
            rows = tx.execute("select doc_id, name, title, published, report from documents order by position").fetchall()
        return [{"doc_id": r[0], "name": r[1], "title": r[2], "published": r[3], "report": json.loads(r[4] or "{}")}
                for r in rows]

    def file_reports(self) -> list[dict[str, Any]]:
        with self.db.transaction() as tx:
            return [json.loads(r[0]) for r in tx.execute("select report from file_reports order by name").fetchall()]

    # ------------------------------------------------------------------ jobs
    def save_job(self, job: dict[str, Any]) -> None:
        """Insert or update one build job (any replica can then show it)."""
        detail = json.dumps({k: job.get(k) for k in ("progress", "files", "uploads")}, ensure_ascii=False)
        row = (job["state"], job.get("reason", ""), job.get("created"), job.get("started"), job.get("finished"),
               job.get("message", ""), detail, job["job_id"])
        with self.db.transaction() as tx:
            cur = tx.execute("update jobs set state = ?, reason = ?, created = ?, started = ?, finished = ?, message = ?, "
                             "detail = ? where job_id = ?", row)
            if cur.rowcount == 0:
                tx.execute("insert into jobs (state, reason, created, started, finished, message, detail, job_id) "
                           "values (?, ?, ?, ?, ?, ?, ?, ?)", row)

    def job(self, job_id: str) -> dict[str, Any] | None:
        with self.db.transaction() as tx:
            r = tx.execute("select job_id, state, reason, created, started, finished, message, detail from jobs "
                           "where job_id = ?", (job_id,)).fetchone()
        if r is None:
            return None
        out = dict(zip(("job_id", "state", "reason", "created", "started", "finished", "message"), r[:7], strict=True))
        return {**out, **json.loads(r[7] or "{}")}


def build_id(manifest: dict[str, Any]) -> str:
    """A build's name in the version row: its time (orders builds) and a hash of its files (tells apart two
    builds of one second)."""
    files = hashlib.sha256(json.dumps(manifest.get("files", {}), sort_keys=True).encode()).hexdigest()[:12]
    return f"{manifest.get('built_at') or ''}/{files}"


def _content_sha(doc: Any, facts: list[Fact]) -> str:
    """A document's metadata and facts as stored: unchanged documents are not rewritten on a rebuild."""
    h = hashlib.sha256(json.dumps([doc.title, doc.published, doc.path, [list(c) for c in doc.checksums]],
                                  ensure_ascii=False).encode())
    for i, f in enumerate(facts):
        h.update(repr((i, *_fact_row(f, 0))).encode())
    return h.hexdigest()


def open_store(config: Config) -> Store | None:
    """The configured store, or ``None`` for today's files (``store_url = ""``)."""
    return Store.open(config.store_url, config.store_pool_size) if config.store_url else None


def publish_index(config: Config, index: Index, store: Store | None = None) -> None:
    """Publish a loaded index to the configured store (nothing without one): through ``store`` when given, else
    through one opened and closed here; called by :func:`qa.index.load_index`."""
    opened = None if store is not None else open_store(config)
    if store is None and opened is None:
        return
    try:
        _publish(store or opened, index)
    finally:
        if opened is not None:
            opened.close()


def _publish(store: Store, index: Index) -> None:
    now = store.version()
    if now is not None and now.built_at == build_id(index.manifest):
        return  # this build is there: its facts are not read from the index folder again
    from .facts import load_facts
    from .ingest import load_file_reports

    store.publish(index, load_facts(index.path), [r.to_dict() for r in load_file_reports(index.path)])

"""The facts table on disk: one SQLite file in the index folder (``sqlite3 index/facts.sqlite``)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .model import Fact, Qualifiers

FACTS_DB = "facts.sqlite"


def save_facts(facts: list[Fact], folder: Path) -> None:
    """Write the facts table as SQLite (inspectable with any SQL tool: ``sqlite3 index/facts.sqlite``)."""
    con = sqlite3.connect(Path(folder) / FACTS_DB)
    try:
        con.execute("""CREATE TABLE facts (
            fact_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, subject TEXT NOT NULL, attribute TEXT NOT NULL,
            value REAL, unit TEXT, text TEXT, raw TEXT, chunk_id TEXT, line INTEGER,
            span_start INTEGER, span_end INTEGER, qualifiers TEXT)""")
        con.executemany("INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", [
            (f.fact_id, f.doc_id, f.subject, f.attribute, f.value, f.unit, f.text, f.raw, f.chunk_id, f.line,
             f.span[0], f.span[1], json.dumps(f.qualifiers.to_dict(), ensure_ascii=False)) for f in facts])
        con.execute("CREATE INDEX facts_subject ON facts(doc_id, subject, attribute)")
        con.commit()
    finally:
        con.close()


def load_facts(folder: Path) -> list[Fact]:
    path = Path(folder) / FACTS_DB
    if not path.is_file():
        return []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT * FROM facts ORDER BY rowid").fetchall()
    finally:
        con.close()
    return [Fact(fact_id=r[0], doc_id=r[1], subject=r[2], attribute=r[3], value=r[4], unit=r[5] or "",
                 text=r[6] or "", raw=r[7] or "", chunk_id=r[8], line=r[9], span=(r[10], r[11]),
                 qualifiers=Qualifiers.of(json.loads(r[12] or "{}"))) for r in rows]

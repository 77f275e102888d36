"""Facts: a structured table of what an announcement states, each with provenance.  (placeholder)"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FACTS_DB = "facts.sqlite"


@dataclass(frozen=True)
class Fact:
    """One stated fact.

    ``subject`` is the entity or category it is about (전주시, 강소형), ``attribute`` what is stated
    (국비, 경쟁률, 신청 수, 사업부제 …), ``value``/``unit`` the number when there is one and ``text`` the
    value as written; ``raw`` is the exact source text and ``line``/``span`` locate it in the document.
    """

    fact_id: str
    doc_id: str
    subject: str
    attribute: str
    value: float | None
    unit: str
    text: str
    raw: str
    chunk_id: str
    line: int
    span: tuple[int, int]
    qualifiers: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["span"] = list(self.span)
        return d


def save_facts(facts: list[Fact], folder: Path) -> None:
    """Write the facts table as SQLite (inspectable with any SQL tool)."""
    path = Path(folder) / FACTS_DB
    con = sqlite3.connect(path)
    try:
        con.execute("""CREATE TABLE facts (
            fact_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, subject TEXT NOT NULL, attribute TEXT NOT NULL,
            value REAL, unit TEXT, text TEXT, raw TEXT, chunk_id TEXT, line INTEGER,
            span_start INTEGER, span_end INTEGER, qualifiers TEXT)""")
        con.executemany("INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", [
            (f.fact_id, f.doc_id, f.subject, f.attribute, f.value, f.unit, f.text, f.raw, f.chunk_id, f.line,
             f.span[0], f.span[1], json.dumps(f.qualifiers, ensure_ascii=False)) for f in facts])
        con.execute("CREATE INDEX facts_subject ON facts(subject, attribute)")
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
                 qualifiers=json.loads(r[12] or "{}")) for r in rows]


def extract_facts(documents, chunks) -> list[Fact]:
    return []

"""Reading the store's ``fact_names`` table (:mod:`qa.store` writes it at publish, one row per distinct name and
announcement): at load only the names the question reader still needs whole, each once, in the order the loaded
index first states it; per question the rest by key.

At load the database groups the rows itself, so what crosses to the replica grows with the distinct names, not with
the announcements that repeat them (the values and each announcement's own rows are left to the keys). The loaded
index's build order travels as one JSON parameter (the store may already hold another replica's newer build, whose
positions are not this index's), however many announcements it has.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .facts.names import FactNames

if TYPE_CHECKING:
    from .store import Database

PER_QUESTION = ("value",)  # the kinds never read at load: the question's keys find them
NameRowAt = tuple[str, str, str | None, str | None, int, int]  # (doc_id, kind, name, detail, flag, position)

# the loaded index's announcements and their rank in its build order, from a JSON list of doc_ids
_RANKED = {
    "sqlite": "select value as doc_id, key as r from json_each(?)",
    "postgresql": "select value as doc_id, ordinality - 1 as r from json_array_elements_text(?::json) with ordinality",
}
_FIRST = 4294967296  # rank * _FIRST + position orders by (rank, position): positions stay below 2**32


def read_names(db: Database, rank: dict[str, int]) -> FactNames:
    """The distinct names of these announcements (``rank``: their build order) but the per-question kinds, each once
    at its first statement (a subject with the announcement stating it first, not with every one: those are read by
    key), and the announcements that state a fact."""
    ranked = json.dumps(sorted(rank, key=rank.get), ensure_ascii=False)  # rank 0 first
    skip = ", ".join("?" * len(PER_QUESTION))
    with db.transaction() as tx:
        rows = tx.execute(f"with ranked as ({_RANKED[db.dialect]}) "
                          f"select n.kind, n.name, n.detail, n.flag, min(r.r * {_FIRST} + n.position) as first_at "
                          f"from fact_names n join ranked r on r.doc_id = n.doc_id where n.kind not in ({skip}) "
                          f"group by n.kind, n.name, n.detail, n.flag order by first_at",
                          (ranked, *PER_QUESTION)).fetchall()
        docs = [r[0] for r in tx.execute("select distinct doc_id from fact_names").fetchall()]
    ordered = sorted(rank, key=rank.get)
    names = FactNames()
    for kind, name, detail, flag, first_at in rows:
        names.add(ordered[first_at // _FIRST], (kind, name, detail, flag))
    stated = set(docs)
    names.docs = [d for d in ordered if d in stated]
    return names


def name_rows(db: Database, kind: str, names: list[str] | None, doc_ids: list[str] | None) -> list[NameRowAt]:
    """The rows of one kind whose name is one of ``names`` (all without), in these announcements (all without): on
    ``fact_names_kind (kind, name)`` or ``fact_names_doc_kind (doc_id, kind)``. Unordered: the caller ranks them."""
    if names == [] or doc_ids == []:
        return []
    out: list[NameRowAt] = []
    with db.transaction() as tx:
        for i in range(0, len(names or [None]), 500):  # far below either database's limit on parameters
            part = None if names is None else names[i:i + 500]
            sql = "select doc_id, kind, name, detail, flag, position from fact_names where kind = ?"
            if part is not None:
                sql += f" and name in ({', '.join('?' * len(part))})"
            if doc_ids is not None:
                sql += f" and doc_id in ({', '.join('?' * len(doc_ids))})"
            out += tx.execute(sql, [kind, *(part or ()), *(doc_ids or ())]).fetchall()
    return [tuple(r) for r in out]

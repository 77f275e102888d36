"""Facts: a structured table of what each announcement states, every row with its provenance.

Extraction is rule based and document agnostic: it reads pipe tables (one record per row, columns named
by the header, merged cells already filled down by the chunker) and sentences (money, competition ratios,
counts, periods, funding-match ratios, percentages, people and roles, phone numbers, ``label: value``
lines). Each fact is resolved to the entity or category it is about from its sentence, its parent point
and its section. Numbers in answers come only from here (or arithmetic over these), never from a guess.

Layout: :mod:`.model` (Fact, Qualifiers), :mod:`.sentences` (sentence rules), :mod:`.lines` (labels, people,
contacts), :mod:`.tables`, :mod:`.meta`, :mod:`.subjects` (subject resolution), :mod:`.extract` (the walk),
:mod:`.store` (SQLite).
"""

from __future__ import annotations

from ..lexicon import MAGNITUDE, MONEY_KEYS, REGIONS, ROLES, WHOLE
from ..text import format_number, parse_number
from .extract import extract_facts
from .model import Fact, Found, Qualifiers
from .store import FACTS_DB, load_facts, save_facts
from .tables import header_unit, split_entity

__all__ = ["FACTS_DB", "MAGNITUDE", "MONEY_KEYS", "REGIONS", "ROLES", "WHOLE", "Fact", "Found", "Qualifiers",
           "extract_facts", "format_number", "header_unit", "load_facts", "parse_number", "save_facts",
           "split_entity"]

"""The facts table's row types: :class:`Fact` and its typed :class:`Qualifiers`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..lexicon import MAGNITUDE


@dataclass(frozen=True)
class Qualifiers(Mapping):
    """What qualifies a fact's value. Serialised (JSON API, sqlite) as a dict of the fields that are set;
    read-only mapping access (``q.get("category")``, ``q["period"]``) is kept for readers of that dict."""

    category: str | None = None  # the category (유형) of the subject
    region: str | None = None  # the province of the subject (전북)
    year: int | None = None  # the announcement's year
    bound: str | None = None  # "최대": the amount is an upper bound
    approx: bool | None = None  # "약 …", "… 내외"
    period: str | None = None  # the support period stated with the amount ("3년간")
    matching: str | None = None  # the matching ratio stated with the amount ("국비:지방비=1:1")
    national: int | None = None  # 매칭비율 facts: the national part of the ratio
    local: int | None = None  # 매칭비율 facts: the local part of the ratio
    local_key: str | None = None  # 매칭비율 facts: which local money (지방비, 도비 …)
    noun: str | None = None  # count facts: the counted noun (지자체, 유형 …)
    person: bool | None = None  # the value is a person's name
    label: str | None = None  # contact rows: 책임자 / 담당자
    role: str | None = None  # phone numbers: the rank of the person
    total: bool | None = None  # from a 합계 row
    source: str | None = None  # where it was read: table:cell, table:filled-down, table:total, label
    column: str | None = None  # table facts: the column header
    entity: bool | None = None  # table facts: the row names an entity (not only a key)
    clause: str | None = None  # values quoted at question time: the clause or table row they stand in

    # extraction bookkeeping that means nothing to a reader (the UI hides these)
    INTERNAL = frozenset({"source", "column", "entity", "national", "local", "local_key", "person", "noun", "total",
                          "approx", "clause"})

    @classmethod
    def of(cls, values: Mapping[str, Any] | None) -> Qualifiers:
        """From a dict (sqlite JSON, tests); empty values are dropped as extraction drops them."""
        if isinstance(values, Qualifiers):
            return values
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in (values or {}).items() if k in names and v not in (None, "", [])})

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if getattr(self, f.name) is not None}

    def __getitem__(self, key: str) -> Any:
        value = getattr(self, key, None) if key in _QUALIFIER_NAMES else None
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        """``q.get("category")`` without the Mapping machinery (answer rules ask it for every fact they scan)."""
        value = getattr(self, key, None) if key in _QUALIFIER_NAMES else None
        return default if value is None else value

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self.to_dict())

    @classmethod
    def _names(cls) -> frozenset[str]:
        return _QUALIFIER_NAMES


_QUALIFIER_NAMES = frozenset(f.name for f in dataclasses.fields(Qualifiers))


@dataclass(frozen=True)
class Fact:
    """One stated fact.

    ``subject`` is the entity or category it is about (전주시, 강소형, or ``전체`` for the whole
    announcement), ``attribute`` what is stated (국비, 경쟁률, 신청 수, 사업부제 …), ``value``/``unit`` the
    number in the document's own unit when there is one, ``text`` the value as it should be shown, ``raw``
    the exact source text and ``line``/``span`` where it stands (``doc.lines[line - 1][span[0]:span[1]] ==
    raw``). ``qualifiers`` hold the category, region, period, matching ratio and the like.
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
    qualifiers: Qualifiers = field(default_factory=Qualifiers)

    def __post_init__(self) -> None:
        if not isinstance(self.qualifiers, Qualifiers):
            object.__setattr__(self, "qualifiers", Qualifiers.of(self.qualifiers))

    @property
    def base_value(self) -> float | None:
        """The value in base units (원 for money), for arithmetic across 억원 / 만원."""
        if self.value is None:
            return None
        mag = self.unit[:-1] if self.unit.endswith("원") else None
        return self.value * MAGNITUDE.get(mag, 1) if mag is not None else self.value

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        d["span"] = list(self.span)
        d["qualifiers"] = self.qualifiers.to_dict()
        return d


@dataclass(frozen=True)
class Found:
    """A fact found by a rule, before it gets its id, raw text and chunk."""

    subject: str
    attribute: str
    text: str
    line: int
    span: tuple[int, int]
    value: float | None = None
    unit: str = ""
    qualifiers: dict[str, Any] = field(default_factory=dict)

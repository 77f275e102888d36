"""The linked question: what a question asks, in the corpus vocabulary."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Question:
    """What a question asks, linked to the corpus vocabulary. Filled in by the linking steps."""

    text: str
    compact: str
    tokens: list[str]
    english: bool = False
    years: list[int] = field(default_factory=list)
    doc_ids: set[str] | None = None  # restriction from a year or title in the question
    dated: bool = False  # the title named announcements of other years: the year constrains their figures
    named_titles: set[str] = field(default_factory=set)  # compact title words of the documents it names
    entities: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    target_text: str = ""  # the compact question with the entity / category names blanked out
    families: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)  # exact extracted attribute names (roles, headers)
    values: list[str] = field(default_factory=list)  # fact values named in the question (기후위기 대응형, 80억)
    intent: str = "lookup"
    unknown_names: list[str] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)  # the words that matched families and intent
    typos: list[str] = field(default_factory=list)  # question words read as a one-jamo typo of a known word
    residual: list[str] = field(default_factory=list)  # content tokens not explained by the above
    followup: bool = False
    pseudo: str = ""  # Korean rendering of what was linked (for retrieving English questions)
    # what compose rules need to know about the wording
    excludes: bool = False  # "전주시를 빼고": the named entities are left out (see ``excluded``)
    wants_total: bool = False  # "모두", "총", "in total": counts are added up
    asks_difference: bool = False  # "차이", "difference"
    max_word: bool = False  # "가장 많이", "최고" …
    min_word: bool = False  # "가장 적게", "최저" …
    asks_selection: bool = False  # "선정": was it selected / how many were selected
    asks_responsible: bool = False  # "책임자" rather than "담당자"
    topic: str | None = None  # "X란?", "X의 목적은?": the X a passage should be about

    @property
    def has_target(self) -> bool:
        return bool(self.entities or self.categories)

    @property
    def has_ask(self) -> bool:
        return bool(self.families or self.attributes or self.intent in ("sum", "diff", "count", "list"))

    @property
    def excluded(self) -> list[str]:
        """The entities a sum leaves out."""
        return self.entities if self.excludes else []

    @property
    def spread(self) -> bool:
        """Both a largest and a smallest are named ("가장 많이 … 가장 적게 … 차이")."""
        return self.max_word and self.min_word

"""selection: "전주시는 선정됐나요?" — the entity's own table row says so (its 유형)."""

from __future__ import annotations

import re

from ...facts import Fact
from ...lexicon import ATTRIBUTE_FAMILIES, SELECTED_KINDS, Attr
from ...question import Question
from ..model import Draft
from ..render import docs_draft
from ..table import FactTable

# "선정(된) X": X names what was selected; a category (사업, 유형) or the kind of the entity (지자체, 곳) keeps the
# question about the entity's selection, anything else (마을, 기업) asks for the selected things themselves
_SELECTED_THING = re.compile(r"선정(?:된|한|받은)?\s+(?P<noun>[가-힣]{2,})")
_ENTITY_KINDS = re.compile(rf"(?:{SELECTED_KINDS})")


def applies(q: Question) -> bool:
    return bool(q.entities) and q.asks_selection and (not q.families or q.families == [Attr.TYPE]) \
        and not q.attributes and not _asks_selected_things(q)


def _asks_selected_things(q: Question) -> bool:
    """ "장흥군 선정 마을 이름은?" asks for the villages selected in 장흥군, not whether (or as what) it was."""
    m = _SELECTED_THING.search(q.text)
    if not m:
        return False
    noun = m.group("noun")
    categories = ATTRIBUTE_FAMILIES[Attr.TYPE] + ("사업",)
    return not (any(noun.startswith(w) for w in categories) or _ENTITY_KINDS.match(noun)
                or any(e.startswith(noun[:2]) for e in q.entities) or noun.startswith(("여부", "결과")))


def run(q: Question, facts: list[Fact], t: FactTable) -> Draft | None:
    mine = [f for f in t.of_family(facts, Attr.TYPE) if f.subject in q.entities]
    if not mine:
        return None
    parts = [(d, " / ".join(f"{f.subject}: {f.text} 선정" for f in fs)) for d, fs in t.by_doc(mine)]
    return docs_draft(t, parts, mine)

"""Answer: the result users see — a direct answer, its kind, the facts used and the source passages.

Layout: :mod:`.model` (Answer, Source, Draft), :mod:`.rules` (the compose rules, in priority order),
:mod:`.table` (the facts as rules read them), :mod:`.render` (how fact answers are written),
:mod:`.passage` (the best sentence of the retrieved passages).
"""

from __future__ import annotations

from .model import NOT_FOUND, Answer, Draft, QuestionError, Source, not_found
from .passage import best_passage, content_tokens, extend_lead_in, named_items, passage_fits, passage_text, units
from .rules import RULES, Rule, compose
from .table import FactTable

__all__ = ["NOT_FOUND", "RULES", "Answer", "Draft", "FactTable", "QuestionError", "Rule", "Source", "best_passage",
           "compose", "content_tokens", "extend_lead_in", "named_items", "not_found", "passage_fits", "passage_text",
           "units"]

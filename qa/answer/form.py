"""The answer's form: which kind of answer the question's form expects, as indicator features for the chooser.

Kept apart from :mod:`qa.answer.features` because it is not one named number but two families of indicators whose
names carry the question's form and the candidate's generator; :func:`~qa.answer.features.featurize` adds them and
the fit's ablation takes each family out whole.
"""

from __future__ import annotations

from .candidate import Candidate
from .context import Context

ANSWER_FORM_FAMILIES = ("form", "asks", "cover")  # the families of answer_form, each one entry in the ablation


def answer_form(c: Candidate, ctx: Context) -> dict[str, float]:
    """Which kind of answer the question's form expects, as indicators the chooser weighs: the question's intent
    (English marked apart) crossed with the candidate's generator (``form:describe|passage``), and each value class
    it asks crossed with the generator (``asks:date|quoted``; ``asks:name|…`` when it asks which place or body,
    ``asks:none|…`` when it asks neither). The expected
    answer type given the question's class is classic factoid-QA evidence; here its weights are fitted on the golden
    questions rather than written as rules ("왜" wants a passage, "몇 곳" a count, "뭐뭐" a list)."""
    q = ctx.q
    form = f"{q.intent}_en" if q.english else q.intent
    asked = ctx.ask.kinds if ctx.ask is not None and ctx.ask.kinds else ("name",) if ctx.asks_name else ("none",)
    return {f"form:{form}|{c.generator}": 1.0, **{f"asks:{kind}|{c.generator}": 1.0 for kind in asked},
            **coverage_by_generator(c)}


def coverage_by_generator(c: Candidate) -> dict[str, float]:
    """The candidate's ``coverage`` feature again under its generator's name (``cover:passage``): one measure for
    every generator, but how much of the question an answer must hold is not the same for a sentence, a quoted
    value or a fact, so the chooser weighs it per generator as well as in common. Read off ``c.features``: it
    runs after the registered features."""
    cover = c.features.get("coverage", 0.0)
    return {f"cover:{c.generator}": cover} if cover else {}

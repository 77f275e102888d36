"""Generators: every way of answering, registered by name. Each is ``generate(ctx) -> list[Candidate]``.

A generator proposes; it never decides. It returns every candidate it can stand behind, each with the
measurements (``evidence``) the features read, and leaves the choice between its candidates and those of
the other generators to :mod:`qa.answer.chooser`. Registering a generator is adding it to
:data:`GENERATORS`; ``python -m evals fit`` then learns its weight and ``python -m evals`` reports what
leaving it out costs.
"""

from __future__ import annotations

from collections.abc import Callable

from ..candidate import Candidate
from ..context import Context
from . import (
    arithmetic,
    attribution,
    changed,
    extreme,
    facts,
    inverse,
    listing,
    metadata,
    not_found,
    passages,
    periods,
    quoted,
    tables,
)

Generator = Callable[[Context], list[Candidate]]

GENERATORS: dict[str, Generator] = {
    "facts": facts.generate,
    "quoted": quoted.generate,
    "arithmetic": arithmetic.generate,
    "periods": periods.generate,
    "rows": tables.generate,
    "passage": passages.generate,
    "lead": passages.lead,
    "inverse": inverse.generate,
    "attribution": attribution.generate,
    "listing": listing.generate,
    "count_items": listing.count,
    "extreme": extreme.generate,
    "changed": changed.generate,
    "metadata": metadata.generate,
    "not_found": not_found.generate,
}


def generate(ctx: Context, names: tuple[str, ...] | None = None, skip: tuple[str, ...] = ()) -> list[Candidate]:
    """Every candidate of the named generators (all by default, less ``skip``), in registry order."""
    out: list[Candidate] = []
    for name, gen in GENERATORS.items():
        if (names is None or name in names) and name not in skip:
            out.extend(gen(ctx))
    return out

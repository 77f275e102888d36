"""공고문 QA: question answering over Korean government announcements.

Names are imported lazily (PEP 562) so that ``python -m qa --help`` and light tools do not pay for torch.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Answer": "answer", "NOT_FOUND": "answer", "QuestionError": "answer", "Source": "answer",
    "Assistant": "assistant", "build": "assistant",
    "Chunk": "chunk", "Config": "config", "Fact": "facts", "Qualifiers": "facts", "Question": "question",
    "IndexMismatchError": "index", "IndexNotBuiltError": "index",
    "CorpusError": "ingest", "Document": "ingest", "Hit": "retrieve",
}
__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'qa' has no attribute {name!r}")

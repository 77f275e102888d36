"""The document viewer's structure (qa.web.documents): tables shown with the caption the chunker read for them."""

from __future__ import annotations

from types import SimpleNamespace

from qa.chunk import chunk_document
from qa.ingest import Document
from qa.web.documents import structure


def _structure(text: str) -> list[dict]:
    doc = Document(doc_id="t", title="t", publisher=None, published=None, source=None, path="t.txt",
                   lines=tuple(text.split("\n")))
    return structure(doc, SimpleNamespace(chunks=chunk_document(doc)))


def test_a_caption_with_its_unit_note_on_its_line_is_the_tables_caption():
    """ "< 기관별 분담액 > (단위: 억 원)" heads its table in the chunker, so the viewer names the table by it (with a
    pattern of its own it showed the line nowhere)."""
    blocks = _structure("< 기관별 분담액 > (단위: 억 원)\n| 분담 기관 | 분담액 |\n| 도청 | 2,083 |")
    assert [b["type"] for b in blocks] == ["table"]
    assert blocks[0]["caption"] == "기관별 분담액" and blocks[0]["header"] == ["분담 기관", "분담액(억원)"]
    assert _structure("< 기관별 분담액 >\n| 분담 기관 | 분담액 |\n| 도청 | 2,083 |")[0]["caption"] == "기관별 분담액"

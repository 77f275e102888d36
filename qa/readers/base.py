"""Shared shape of every reader: blocks (paragraphs and tables) → the pipe-row lines the chunker reads.

Each reader turns its file into a list of :class:`Paragraph` and :class:`Table` blocks in reading order;
:func:`assemble` renders them the way the bundled ``.txt`` announcements are written, so chunking and fact
extraction work unchanged whatever the file type: one line per paragraph, a table as ``| a | b |`` rows
(one per table row, an empty cell as ``| |``), preceded by its caption as ``< caption >`` and its ``(단위: …)``
note, unless the header already names every unit the note lists. A merged cell is written where it labels:
its text is repeated down the rows it spans (the row label every row needs) when it is short
(:data:`LABEL_CHARS`), and written once, in its first column, across the columns it spans, so a form's
fine grid never multiplies its text (:func:`shown_rows`). A two-level header (a top cell spanning columns
that the second row names) is written the way the ``.txt`` form writes it: a spanning top cell once with
empty cells after it, and a cell spanning both header rows once in the top row, so the chunker merges the
two rows into column names. A table nested in a cell is a table of its own, written after the table that
holds it (its cell keeps its paragraphs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class ReadError(Exception):
    """A file that cannot be read; ``status`` says which kind of failure (for the per-file report)."""

    def __init__(self, reason: str, status: str = "unreadable") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status  # unreadable | encrypted | scanned | unmapped | empty | binary | oversized | wrong_type


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    """A table as a full grid: ``rows[r][c]`` is the text of the cell covering row ``r``, column ``c``."""

    rows: list[list[str]]
    caption: str | None = None
    # (row, col) of a position inside a merged cell → (row, col) of the cell's top-left anchor
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    note: str | None = None  # a "(단위: …)" note printed above the table


@dataclass
class Parsed:
    """What a reader returns: body lines, metadata from the file's own properties, and how it was read."""

    lines: list[str]
    meta: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    tables: int = 0


def grid_from_cells(cells: list[tuple[int, int, int, int, str]]) -> list[list[str]]:
    """Build a filled grid from ``(row, col, rowspan, colspan, text)`` cells: a merged cell's text is
    repeated in every position it covers, positions no cell covers stay empty."""
    if not cells:
        return []
    n_rows = max(r + max(rs, 1) for r, _, rs, _, _ in cells)
    n_cols = max(c + max(cs, 1) for _, c, _, cs, _ in cells)
    grid = [[""] * n_cols for _ in range(n_rows)]
    for r, c, rs, cs, text in cells:
        for dr in range(max(rs, 1)):
            for dc in range(max(cs, 1)):
                grid[r + dr][c + dc] = text
    return grid


def table_from_cells(cells: list[tuple[int, int, int, int, str]], caption: str | None = None) -> Table:
    """A :class:`Table` from ``(row, col, rowspan, colspan, text)`` cells: the filled grid of
    :func:`grid_from_cells` and which positions each merged cell covers."""
    grid = grid_from_cells(cells)
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    for r, c, rs, cs, _ in cells:
        for dr in range(max(rs, 1)):
            for dc in range(max(cs, 1)):
                if dr or dc:
                    merged[(r + dr, c + dc)] = (r, c)
    return Table(grid, caption, merged)


_SPACES = re.compile(r"\s+")


def cell_text(text: str) -> str:
    """One line per table row: inner line breaks become spaces and a literal pipe cannot split the cell."""
    return _SPACES.sub(" ", text).strip().replace("|", "｜")


_CAPTION = re.compile(r"^\s*[<〈《]\s*(.+?)\s*[>〉》]\s*$")
_UNIT_NOTE = re.compile(r"^\s*[(\[（]?\s*단\s*위\s*[:：]\s*([^()\[\]（）]+?)\s*[)\]）]?\s*$")


def pipe_row(cells: list[str]) -> str:
    """``| a | | c |``: the ``.txt`` form of a table row (an empty cell is ``| |``)."""
    return "|" + "|".join(f" {c} " if c else " " for c in cells) + "|"


def header_rows(table: Table) -> int:
    """2 when the first two rows are a two-level header (a top cell spans columns that the second row
    names one by one), else 1."""
    rows, merged = table.rows, table.merged
    if len(rows) < 3 or not merged:
        return 1
    for c in range(1, len(rows[0])):
        if merged.get((0, c), (None, None))[0] == 0 and (1, c) not in merged:
            return 2
    return 1


LABEL_CHARS = 40  # a merged cell up to this long is a label, repeated down the rows it spans


def shown_rows(table: Table) -> list[list[str]]:
    """The cells as written: a position a merged cell covers keeps its text only in the cell's own column,
    below its first row, and only when the cell is a label (at most :data:`LABEL_CHARS` long)."""
    rows = [[cell_text(c) for c in row] for row in table.rows]
    for (r, c), (ar, ac) in table.merged.items():
        if r >= len(rows) or c >= len(rows[r]):
            continue
        if c != ac or (r != ar and len(rows[ar][ac]) > LABEL_CHARS):
            rows[r][c] = ""
    return rows


def table_lines(table: Table) -> list[str]:
    rows = shown_rows(table)
    if header_rows(table) == 2:  # spanning header cells written once (see module docstring)
        for r in (0, 1):
            rows[r] = ["" if table.merged.get((r, c), (-1, c))[0] == 0 else v for c, v in enumerate(rows[r])]
    rows = [row for row in rows if any(row)]
    out = [f"< {table.caption} >"] if table.caption else []
    out += [f"(단위: {table.note})"] if table.note else []
    return out + [pipe_row(row) for row in rows]


def _units_in_header(units: str, table: Table) -> bool:
    header = " ".join(table.rows[0]) if table.rows else ""
    names = [u.strip() for u in re.split(r"[,，·ㆍ/]", units) if u.strip()]
    return bool(names) and all(u in header for u in names)


def assemble(blocks: list[Paragraph | Table]) -> Parsed:
    """Render blocks as lines (see module docstring); empty paragraphs are dropped."""
    items: list[Paragraph | Table] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            for line in b.text.split("\n"):
                s = line.strip()
                if s:
                    items.append(Paragraph(s))
        elif b.rows and any(any(cell_text(c) for c in row) for row in b.rows):
            items.append(Table([list(r) for r in b.rows], b.caption.strip() if b.caption else None, dict(b.merged)))
        elif b.caption and b.caption.strip():  # a frame around pictures: its caption is text of its own
            items.append(Paragraph(cell_text(b.caption)))
    items = join_broken(items)
    # Caption paragraphs and unit notes directly above a table belong to it.
    for i, b in enumerate(items):
        if not isinstance(b, Table) or _is_box(b):
            continue
        j = i - 1
        unit = None
        while j >= 0 and isinstance(items[j], Paragraph):
            text = items[j].text
            m_unit, m_cap = _UNIT_NOTE.match(text), _CAPTION.match(text)
            if m_unit and unit is None:
                unit = m_unit.group(1)
                items[j] = Paragraph("")
            elif m_cap and not b.caption:
                b.caption = m_cap.group(1)
                items[j] = Paragraph("")
                break
            else:
                break
            j -= 1
        if unit and not _units_in_header(unit, b):
            b.note = unit  # written after the caption, where the chunker looks for it
    lines: list[str] = []
    n_tables = 0
    for b in items:
        if isinstance(b, Paragraph):
            if b.text:
                lines.append(b.text)
        else:
            lines.extend(table_lines(b))
            n_tables += 0 if _is_box(b) else 1
    return Parsed(lines=lines, tables=n_tables)


# a paragraph that stops inside a sentence: on a particle, a connective or adnominal ending (Kiwi tags), or on
# a conjunction
_OPEN_TAGS = ("JKS", "JKC", "JKG", "JKO", "JKB", "JKV", "JKQ", "JX", "JC", "EC", "ETM")
# a paragraph that opens as text goes on, not as a new item (a bullet, a number, a bracket, a caption)
_BODY_START = re.compile(r"[가-힣0-9A-Za-z“\"‘']")
_NUMBERED = re.compile(r"\s*(\d+(\.\d+)*[.)]|[가-하][.)]|\(\d+\)|[①-⑳])")
_LABELS = ("[", "【", "<", "〈", "《")  # "[첨부2] … 결과서": a label's line, never a sentence's first half
BROKEN_MIN_CHARS = 20  # a line broken by the page is a full line's length; a short one is a heading or a label


def join_broken(items: list[Paragraph | Table]) -> list[Paragraph | Table]:
    """Paragraphs broken inside a sentence joined again: a release's lead paragraph written as two ("… 수출액은
    1,520억 달러로" / "역대 가장 많았다."), a text box broken line by line. The break is read as a wrap
    only where the first stops on a particle or a connective ending and the second opens as plain text; a title
    ends on a noun, an item opens with its bullet, and neither is joined."""
    from ..text import BULLET

    out: list[Paragraph | Table] = []
    for b in items:
        prev = out[-1] if out else None
        if (isinstance(b, Paragraph) and isinstance(prev, Paragraph) and len(prev.text) >= BROKEN_MIN_CHARS
                and not prev.text.startswith(_LABELS)
                and re.search(r"[가-힣]$", prev.text) and _BODY_START.match(b.text) and not BULLET.match(b.text)
                and not _NUMBERED.match(b.text) and _stops_open(prev.text)):
            out[-1] = Paragraph(f"{prev.text} {b.text}")
        else:
            out.append(b)
    return out


def _stops_open(text: str) -> bool:
    """Whether a paragraph ends inside its sentence. Its last word must not be a word of its own (길이, 결과: a
    noun Kiwi would read as 길 + 이 at a line's end), and 도 is read as a noun's end (구성도, 제도), not "also"."""
    from ..korean import dictionary_word, morphs
    from ..lexicon import NOUN_END_PARTICLES, OPEN_CONJUNCTIONS

    word = text.split()[-1]
    if word in OPEN_CONJUNCTIONS:
        return True
    last = morphs(word)
    if not last or dictionary_word(word):
        return False
    m = last[-1]
    return m.tag in _OPEN_TAGS and not (m.tag == "JX" and m.form in NOUN_END_PARTICLES)


def _is_box(table: Table) -> bool:
    """A one-cell table is a boxed heading (``| ➊ … |``), not a data table."""
    return len({c for row in table.rows for c in row if cell_text(c)}) <= 1 and all(
        len(set(row)) <= 1 for row in table.rows)


def clean_meta(meta: dict[str, object]) -> dict[str, str]:
    """Keep only usable metadata values: non-empty strings, titles with letters, publishers that name an
    organisation (authoring tools fill in user names and templates), dates that parse."""
    from ..ingest import find_date

    out: dict[str, str] = {}
    title = str(meta.get("title") or "").strip()
    junk = re.search(r"\.(hwpx?|docx?|pdf)$|^untitled|^제목\s*없음", title, re.I)
    if len(title) >= 4 and re.search(r"[가-힣A-Za-z]", title) and not junk:
        out["title"] = title
    publisher = str(meta.get("publisher") or "").strip()
    if re.fullmatch(r"[가-힣][가-힣\s·]{1,40}(부|처|청|위원회|시|도|군|구|과|원|공단|공사|센터|실|국|팀|본부|재단)", publisher) \
            or re.fullmatch(r"[가-힣][가-힣\s·]{3,40}(기획|추진|사업|지원|조사)단", publisher):  # 특구혁신기획단, 추진단
        out["publisher"] = publisher
    date = meta.get("published")
    if date:
        iso = find_date(str(date))
        if iso:
            out["published"] = iso
    source = str(meta.get("source") or "").strip()
    if source.startswith(("http://", "https://")):
        out["source"] = source
    return out

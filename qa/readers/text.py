"""Plain text (``.txt``) and Markdown (``.md``): decode the bytes, whatever the encoding they were saved in.

Files saved on older office PCs are CP949 (EUC-KR); Notepad's "Unicode" is UTF-16 with a BOM. Order of
attempts: strict UTF-8 (with or without BOM), a UTF-16/32 BOM, strict CP949, then charset-normalizer for
anything else. CP949 is tried before the detector on purpose: short Korean CP949 texts are misdetected by
statistical detectors (a few dozen bytes look like Latin-1 or Big5 to them).
"""

from __future__ import annotations

import codecs
import re

from .base import Paragraph, Parsed, ReadError, Table, assemble

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, name: str = "") -> tuple[str, str]:
    """``(text, encoding)`` of text file bytes; raises :class:`ReadError` for binary or undecodable bytes."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise ReadError(f"starts with a {enc} byte-order mark but is not {enc} ({exc.reason})",
                                "binary") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = _utf16_without_bom(data)
    if guess:
        return data.decode(guess), guess
    if b"\x00" in data:
        raise ReadError("binary content (NUL bytes), not a text file", "binary")
    try:
        return data.decode("cp949"), "cp949"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ReadError("undecodable text: neither UTF-8, UTF-16, CP949 nor any encoding charset-normalizer knows; "
                        "save it as UTF-8", "binary")
    text = str(best)
    if _looks_binary(text):
        raise ReadError(f"binary content (decodes only as {best.encoding} gibberish), not a text file", "binary")
    return text, best.encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM: every other byte of ASCII-range text is zero."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for enc, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
        if zeros.count(0) > len(zeros) * 0.3:
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if not _looks_binary(text):
                return enc
    return None


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\n\r\t\f") or 0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd")
    return bad > max(2, len(text) // 50)


def read_text(data: bytes, name: str = "") -> Parsed:
    """A ``.txt`` file: decoded text, lines kept exactly (front matter is handled by the caller)."""
    text, encoding = decode(data, name)
    if _looks_binary(text):
        raise ReadError("binary content (control characters), not a text file", "binary")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tables = sum(1 for i, line in enumerate(lines) if _is_row(line) and (i == 0 or not _is_row(lines[i - 1]))
                 and i + 1 < len(lines) and _is_row(lines[i + 1]))
    return Parsed(lines=lines, encoding=encoding, tables=tables)


def _is_row(line: str) -> bool:
    s = line.strip()
    return len(s) > 1 and s.startswith("|") and s.endswith("|")


_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_EMPH = re.compile(r"(\*\*|__)(.+?)\1")
_MD_LIST = re.compile(r"^(\s*)(?:[-+]|\d+[.)])\s+(.*)$")
_MD_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def markdown_lines(text: str) -> Parsed:
    """Markdown (already decoded): ``#`` headings and ``**bold**`` marks dropped, ``-`` list items kept as
    ``-`` sub-points (the chunker's sub-bullet), pipe tables kept (separator rows dropped, caption kept)."""
    blocks: list[Paragraph | Table] = []
    rows: list[list[str]] = []
    in_code = False

    def flush() -> None:
        if rows:
            width = max(len(r) for r in rows)
            blocks.append(Table([r + [""] * (width - len(r)) for r in rows]))
            rows.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw.strip().startswith("```"):
            in_code = not in_code
            continue
        if not in_code and _is_row(raw):
            if not _MD_SEP.match(raw):
                rows.append([c.strip() for c in raw.strip()[1:-1].split("|")])
            continue
        flush()
        line = raw
        if not in_code:
            m = _MD_HEADING.match(line)
            if m:  # a heading is a section: the boxed one-cell row the chunker reads as one
                blocks.append(Table([[_MD_EMPH.sub(r"\2", m.group(2))]]))
                continue
            m = _MD_LIST.match(line)
            if m and line.lstrip().startswith("+"):
                line = m.group(1) + "- " + m.group(2)
            line = _MD_EMPH.sub(r"\2", line)
        blocks.append(Paragraph(line))
    flush()
    return assemble(blocks)

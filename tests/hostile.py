"""Hostile files, made at test time (no bomb is committed): zip and deflate bombs, a PDF of 200,000 pages, an
ordinary long PDF, a text long enough to start a build's embedding processes.

Every writer streams what it compresses, so a 1 GiB bomb costs this process a few MB and about a second.
Used by ``tests/test_hostile.py`` and by ``tests/hostile_probe.py`` (the before/after probe of issue 24).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

MB = 2**20
SECTION_XML = ('<?xml version="1.0" encoding="UTF-8"?><hs:sec xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" '
               'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph"><hp:p><hp:run><hp:t>{text}</hp:t></hp:run>'
               '</hp:p></hs:sec>')


def deflated(size: int, head: bytes = b"", fill: bytes = b" ", level: int = 9) -> bytes:
    """``head`` followed by ``fill`` up to ``size`` bytes, deflated (zlib stream) without holding it whole."""
    c = zlib.compressobj(level)
    parts = [c.compress(head)]
    left = size - len(head)
    block = fill * (MB // len(fill))
    while left > 0:
        piece = block[:left]
        parts.append(c.compress(piece))
        left -= len(piece)
    parts.append(c.flush())
    return b"".join(parts)


def _zip_member(z: zipfile.ZipFile, name: str, size: int, head: bytes = b"", fill: bytes = b" ") -> None:
    """A deflated member of ``size`` bytes written piece by piece (zip64 when it needs it)."""
    info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with z.open(info, "w", force_zip64=size > 2**31) as fh:
        fh.write(head)
        left = size - len(head)
        block = fill * (MB // len(fill))
        while left > 0:
            piece = block[:left]
            fh.write(piece)
            left -= len(piece)


def hwpx(text: str = "본문 한 줄입니다.", mimetype_size: int = 0, section_size: int = 0) -> bytes:
    """A small HWPX; ``mimetype_size`` / ``section_size`` pad that member (deflated) to that many bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        mime = b"application/hwp+zip"
        if mimetype_size:
            _zip_member(z, "mimetype", mimetype_size, head=mime, fill=b"\n")
        else:
            z.writestr(zipfile.ZipInfo("mimetype", date_time=(2025, 1, 1, 0, 0, 0)), mime)
        section = SECTION_XML.format(text=text).encode()
        if section_size:
            head, tail = section.split(b"</hs:sec>")[0], b"</hs:sec>"
            _zip_member(z, "Contents/section0.xml", section_size - len(tail), head=head, fill=b" ")
            # a member cannot be appended to: the closing tag goes into a second section
            z.writestr("Contents/section1.xml", SECTION_XML.format(text="끝").encode())
        else:
            z.writestr("Contents/section0.xml", section, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def docx_bomb(size: int) -> bytes:
    """A zip that sniffs as DOCX with one part that unpacks to ``size`` bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                          'package/2006/content-types"/>')
        z.writestr("word/document.xml", "<w:document/>")
        _zip_member(z, "word/media/blank.bin", size, fill=b"\0")
    return buf.getvalue()


# --------------------------------------------------------------------------- PDF
def pdf(objects: list[bytes]) -> bytes:
    """A PDF of numbered objects (object 1 is the catalog) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, flate: bool = False) -> bytes:
    extra = b" /Filter /FlateDecode" if flate else b""
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def _pages(contents: list[int], font: int, first: int) -> list[bytes]:
    """Page objects numbered from ``first``, each drawing the content stream object given for it."""
    return [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (c, font) for c in contents]


def pdf_flate_bomb(size: int, level: int = 9) -> bytes:
    """One page whose content stream draws a line of text, then ``size`` bytes of spaces (deflated at
    ``level``: 9 packs 1 GiB into 1 MB; 1 is four times faster to make and packs 230 times)."""
    content = deflated(size, head=b"BT /F1 12 Tf 72 720 Td (Announcement text) Tj ET\n", level=level)
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                *_pages([4], 5, 3), _stream(content, flate=True), FONT])


def pdf_many_pages(n: int, declared: int | None = None) -> bytes:
    """``n`` pages sharing one content stream; ``declared`` is the page tree's /Count (a lie when it differs)."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(n))
    count = n if declared is None else declared
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
                _stream(b"BT /F1 12 Tf 72 720 Td (One page of many) Tj ET"), FONT, *_pages([3] * n, 4, 5)])


def pdf_ordinary(pages: int = 300, lines: int = 30) -> bytes:
    """An ordinary long PDF: per page, ``lines`` lines of text and a ruled 4x5 table (what the table finder
    works on), each page its own deflated content stream."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", FONT]
    contents = []
    for p in range(pages):
        ops = [b"BT /F1 10 Tf 72 760 Td 12 TL"]
        for i in range(lines):
            ops.append(b"(Page %d line %d: the programme funds %d projects with %d,000 won each.) '" % (p, i, i + 3, p + i))
        ops.append(b"ET 0.5 w")
        for r in range(5):
            for c in range(4):
                x, y = 72 + c * 110, 300 - r * 20
                ops.append(b"%d %d 110 20 re S BT /F1 9 Tf %d %d Td (R%dC%d %d) Tj ET" % (x, y, x + 4, y + 6, r, c, p))
        contents.append(len(objects) + 1)
        objects.append(_stream(zlib.compress(b"\n".join(ops)), flate=True))
    first = len(objects) + 1
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % (first + i) for i in range(pages)), pages)
    objects += _pages(contents, 3, first)
    return pdf(objects)


def long_text(paragraphs: int = 400, seed: int = 7) -> bytes:
    """A plain-text announcement of ``paragraphs`` distinct paragraphs (about one chunk each): enough chunks
    for a build to embed them in several processes."""
    import random

    rng = random.Random(seed)
    words = ["사업", "지원", "선정", "국비", "지방비", "도시", "공모", "계획", "추진", "예산", "주민", "교통", "안전", "환경",
             "청년", "일자리", "주택", "문화", "관광", "농촌", "어촌", "디지털", "에너지", "복지", "교육"]
    lines = ["2025년 시험용 긴 공고문", ""]
    for i in range(paragraphs):
        body = " ".join(rng.choice(words) for _ in range(60))
        lines.append(f"□ {i + 1}번 항목: {body} 총 {rng.randint(1, 900)}억원을 지원합니다.")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def write_all(folder: Path, bomb: int = 2**30) -> dict[str, Path]:
    """Every hostile file of the probe into ``folder`` (``bomb``: unpacked bytes of each bomb)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "hwpx_mimetype_bomb.hwpx": hwpx(mimetype_size=bomb),
        "pdf_flate_bomb.pdf": pdf_flate_bomb(bomb),
        "pdf_200k_pages.pdf": pdf_many_pages(200_000),
        "hwpx_section_bomb.hwpx": hwpx(section_size=bomb),
        "docx_bomb.docx": docx_bomb(bomb),
        "pdf_ordinary_300.pdf": pdf_ordinary(300),
        "long_text.txt": long_text(),
    }
    out = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    return out

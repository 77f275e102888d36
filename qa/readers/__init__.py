"""Readers: one per file type, each turning a file's bytes into the same lines (see :mod:`.base`).

The type is decided by the content (magic bytes), not by the extension alone: an HWPX saved as ``.hwp``
is read as HWPX, and a ``.pdf`` that is really an HTML error page is refused as "not a PDF".
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable

from .base import Parsed, ReadError

TEXT_EXTENSIONS = (".txt", ".md")
EXTENSIONS = (".hwpx", ".hwp", ".pdf", ".docx", ".html", ".htm", ".md", ".txt")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes) -> str | None:
    """The file type by content: ``hwpx`` | ``docx`` | ``zip`` | ``hwp`` | ``ole`` | ``pdf`` | ``html`` |
    ``text`` | ``binary`` (``None`` for empty)."""
    if not data:
        return None
    head = data[:2048]
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
                if "mimetype" in names and _head(z, "mimetype").strip().startswith(b"application/hwp"):
                    return "hwpx"
                if any(n.startswith("Contents/section") for n in names):
                    return "hwpx"
                if "word/document.xml" in names:
                    return "docx"
        except zipfile.BadZipFile:
            return "binary"
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "hwp" if b"H\x00W\x00P\x00" in data[:65536] or b"FileHeader" in data[:65536] or _has_hwp_header(data) else "ole"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or (b"<html" in lowered[:512] and b"<body" in head.lower()):
        return "html"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")) and not _mostly_utf16(head):
        return "binary"
    return "text"


def _head(z: zipfile.ZipFile, name: str) -> bytes:
    """The first bytes of a member: a type is told by its start, and a member that unpacks to a gigabyte
    must cost no more than that (:mod:`.budget`)."""
    from .budget import Budget

    try:
        return Budget().read_member(z, name, "zip", head=256)
    except (ReadError, zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError):
        return b""  # a member that cannot be read names no type


def _has_hwp_header(data: bytes) -> bool:
    try:
        import olefile

        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return ole.exists("FileHeader")
    except Exception:  # noqa: BLE001
        return False


def _mostly_utf16(head: bytes) -> bool:
    """UTF-16 text without a BOM: decodes to printable text (zero-padded binary does not)."""
    from .text import _looks_binary

    head = head[: len(head) - len(head) % 2]
    if len(head) < 4:
        return False
    for enc in ("utf-16-le", "utf-16-be"):
        try:  # the 2 KB head may end inside a surrogate pair
            text = head.decode(enc) if not 0xD800 <= int.from_bytes(head[-2:], enc[-2:] == "le" and "little" or "big") < 0xDC00 \
                else head[:-2].decode(enc)
        except UnicodeDecodeError:
            continue
        if text.strip("\x00") and not _looks_binary(text) and "\x00" not in text:
            return True
    return False


def _reader(kind: str) -> Callable[[bytes, str], Parsed]:
    if kind == "hwpx":
        from .hwpx import read_hwpx

        return read_hwpx
    if kind == "hwp":
        from .hwp import read_hwp

        return read_hwp
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf
    if kind == "docx":
        from .docx import read_docx

        return read_docx
    if kind == "html":
        from .html import read_html

        return read_html
    raise KeyError(kind)


_EXPECTED = {".hwpx": {"hwpx"}, ".hwp": {"hwp", "hwpx"}, ".pdf": {"pdf"}, ".docx": {"docx"},
             ".html": {"html", "text"}, ".htm": {"html", "text"}}


def file_type(suffix: str, data: bytes) -> str:
    """The reader to use for a file with this extension and content; raises :class:`ReadError` when the
    content does not fit the extension (type checked by content, not by name)."""
    suffix = suffix.lower()
    kind = sniff(data)
    if kind is None:
        raise ReadError("the file is empty", "empty")
    if suffix in TEXT_EXTENSIONS:
        if kind in ("text", "html"):
            return suffix[1:]
        if kind == "binary":
            raise ReadError("binary content, not a text file", "binary")
        raise ReadError(f"a {kind.upper()} file saved with a {suffix} extension; rename it to .{kind}", "wrong_type")
    allowed = _EXPECTED.get(suffix, set())
    if kind in allowed:
        return "html" if kind == "text" else kind
    if kind == "ole" and suffix == ".docx":
        raise ReadError("a password-protected (encrypted) Word document; save an unprotected copy", "encrypted")
    what = {"text": "plain text", "binary": "unrecognised binary data", "zip": "a zip archive", "ole": "an OLE (old Office) file"}
    raise ReadError(f"content is {what.get(kind, 'a ' + kind.upper() + ' file')}, not {suffix[1:].upper()}", "wrong_type")


def read_bytes(kind: str, data: bytes, name: str = "") -> Parsed:
    """Run the reader of a binary/markup type (``hwpx``, ``hwp``, ``pdf``, ``docx``, ``html``), with one
    decompression budget for everything it unpacks (:mod:`.budget`)."""
    from .budget import reading

    with reading():
        return _reader(kind)(data, name)


__all__ = ["EXTENSIONS", "Parsed", "ReadError", "file_type", "read_bytes", "sniff"]

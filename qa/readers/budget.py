"""One decompression budget per file: every byte a reader inflates is counted as it is produced.

Zip members (the HWPX ``mimetype`` included, python-docx's parts by their declared sizes, which ``zipfile``
enforces), PDF streams (pdfminer's Flate, LZW and run-length decoders, through :func:`install_pdfminer`) and
HWP sections all draw on the :class:`Budget` of the file being read (:func:`reading`). Two caps, both
``Config`` fields (:func:`configure`):

* ``max_unpacked_mb``: what one file may unpack to in all;
* ``max_unpack_ratio``: what one member or stream may unpack to, as a multiple of its packed size, once it
  passes ``unpack_ratio_floor_mb`` (a small part is never refused for its ratio; the files at hand stay under
  33×).

The same :class:`Limits` carry ``max_pdf_pages``, which the PDF reader checks against the page tree.

A file over either is refused as ``oversized`` the moment the count passes the cap, so a 1 GiB bomb costs at
most the cap, never the gigabyte. Why a count and not only the declared sizes: a PDF stream declares nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .base import ReadError

MB = 2**20
CHUNK = MB  # inflated at a time


def _default(name: str) -> Any:
    from ..config import Config

    return getattr(Config, name)  # the field's default


@dataclass(frozen=True)
class Limits:
    """What one file may cost to read; each a ``Config`` field (``QA_<FIELD>``)."""

    total: int  # max_unpacked_mb: what one file may unpack to in all
    ratio: float  # max_unpack_ratio: what a member or stream may unpack to, as a multiple of its packed size …
    floor: int  # unpack_ratio_floor_mb: … once past this (a small part is never refused for its ratio)
    pages: int  # max_pdf_pages: a PDF's pages, counted from its page tree before a page is built

    @classmethod
    def of(cls, max_unpacked_mb: float, max_unpack_ratio: float, unpack_ratio_floor_mb: float | None = None,
           max_pdf_pages: int | None = None) -> Limits:
        floor = _default("unpack_ratio_floor_mb") if unpack_ratio_floor_mb is None else unpack_ratio_floor_mb
        pages = _default("max_pdf_pages") if max_pdf_pages is None else max_pdf_pages
        return cls(total=int(float(max_unpacked_mb) * MB), ratio=float(max_unpack_ratio), floor=int(float(floor) * MB),
                   pages=int(pages))


FIELDS = ("max_unpacked_mb", "max_unpack_ratio", "unpack_ratio_floor_mb", "max_pdf_pages")
_limits: Limits | None = None


def configure(max_unpacked_mb: float, max_unpack_ratio: float, unpack_ratio_floor_mb: float | None = None,
              max_pdf_pages: int | None = None) -> Limits:
    """Set this process's caps (from the ``Config`` of the server, the worker or the build; the two left out
    keep their ``Config`` defaults)."""
    global _limits
    _limits = Limits.of(max_unpacked_mb, max_unpack_ratio, unpack_ratio_floor_mb, max_pdf_pages)
    return _limits


def settings(config: Any) -> dict[str, Any]:
    """The caps of a ``Config`` as keyword arguments of :func:`configure` (JSON, for a worker process)."""
    return {name: getattr(config, name) for name in FIELDS}


def configure_from(config: Any) -> Limits:
    return configure(**settings(config))


def limits() -> Limits:
    """This process's caps; until :func:`configure` is called, those of ``Config.load()`` (defaults, ``qa.toml``,
    ``QA_*`` variables), so a command-line build honours ``QA_MAX_UNPACKED_MB`` too."""
    if _limits is None:
        from ..config import Config

        try:
            return configure_from(Config.load())
        except (ValueError, OSError):  # a broken qa.toml is reported where the config is loaded, not here
            return configure_from(Config())
    return _limits


def _mb(n: int) -> str:
    return f"{n / MB:,.1f} MB" if n >= MB else f"{n / 1024:,.0f} KB"


class Budget:
    """What one file may still unpack to; ``refused`` keeps the first reason it was refused (a library that
    swallows the :class:`ReadError` cannot make the file pass: :meth:`check` raises it again)."""

    def __init__(self, limit: Limits | None = None) -> None:
        self.limits = limit or limits()
        self.used = 0
        self.refused: str | None = None

    def refuse(self, why: str) -> None:
        self.refused = self.refused or why
        raise ReadError(self.refused, "oversized")

    def check(self) -> None:
        if self.refused:
            raise ReadError(self.refused, "oversized")

    def part_limit(self, packed: int) -> int:
        """What one member or stream of ``packed`` bytes may unpack to (before the total is counted)."""
        return max(self.limits.floor, int(packed * self.limits.ratio))

    def charge(self, n: int, what: str, out: int = 0, packed: int = 0) -> None:
        """Count ``n`` more inflated bytes of ``what`` (``out`` of it so far, from ``packed`` bytes)."""
        self.used += n
        if packed and out > self.part_limit(packed):
            self.refuse(f"{what} unpacks to more than {_mb(out)} from {_mb(packed)} (over {self.limits.ratio:g} "
                        f"times its packed size: a decompression bomb; max_unpack_ratio)")
        if self.used > self.limits.total:
            self.refuse(f"the file unpacks to more than {_mb(self.limits.total)} (max_unpacked_mb); "
                        f"{what} passed it")

    def inflate(self, data: bytes, what: str, wbits: int = zlib.MAX_WBITS, strict: bool = True) -> bytes:
        """``zlib.decompress(data, wbits)`` counted as it goes; ``strict=False`` returns what a truncated stream
        held instead of raising ``zlib.error`` (as ``decompressobj`` does)."""
        d = zlib.decompressobj(wbits)
        parts: list[bytes] = []
        out = 0
        buf = data
        while not d.eof:
            chunk = d.decompress(buf, CHUNK)
            buf = d.unconsumed_tail
            if not chunk and not buf:
                break
            out += len(chunk)
            self.charge(len(chunk), what, out, len(data))
            parts.append(chunk)
        if strict and not d.eof:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return b"".join(parts)

    # ------------------------------------------------------------------ zip
    def check_zip(self, z: Any, what: str, all_members: bool = False) -> None:
        """Refuse a package whose members declare a bomb's ratio (``zipfile`` holds a member to its declared
        size); with ``all_members`` (a library that loads every part) also their declared total."""
        total = 0
        for info in z.infolist():
            total += info.file_size
            if info.file_size > self.part_limit(info.compress_size):
                self.refuse(f"{info.filename} inside the {what} unpacks to {_mb(info.file_size)} from "
                            f"{_mb(info.compress_size)} (over {self.limits.ratio:g} times: a zip bomb; max_unpack_ratio)")
        if all_members:
            self.charge(total, f"the {what}'s parts ({_mb(total)})")

    def read_member(self, z: Any, name: str, what: str, head: int | None = None) -> bytes:
        """A zip member read piece by piece against the budget; ``head``: only its first bytes."""
        info = z.getinfo(name)
        if head is None and self.used + info.file_size > self.limits.total:
            self.refuse(f"{name} inside the {what} is {_mb(info.file_size)} uncompressed, over what the file may "
                        f"unpack to ({_mb(self.limits.total)}, max_unpacked_mb)")
        parts: list[bytes] = []
        out = 0
        with z.open(info) as fh:
            while True:
                chunk = fh.read(min(CHUNK, head - out) if head is not None else CHUNK)
                if not chunk:
                    break
                out += len(chunk)
                self.charge(len(chunk), f"{name} inside the {what}", out, info.compress_size)
                parts.append(chunk)
                if head is not None and out >= head:
                    break
        return b"".join(parts)


_current: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("qa_read_budget", default=None)


def current() -> Budget:
    """The budget of the file being read (a fresh one outside :func:`reading`)."""
    return _current.get() or Budget()


@contextlib.contextmanager
def reading() -> Iterator[Budget]:
    """One file's budget for everything read inside the block (also by pdfminer)."""
    install_pdfminer()
    budget = Budget()
    token = _current.set(budget)
    try:
        yield budget
        budget.check()
    except Exception:
        if budget.refused:  # whatever a library made of the refusal, the file is oversized
            raise ReadError(budget.refused, "oversized") from None
        raise
    finally:
        _current.reset(token)


# --------------------------------------------------------------------------- pdfminer
class _CountingDecompressor:
    """``zlib.decompressobj()`` for pdfminer's byte-at-a-time recovery of a corrupted stream, counted."""

    def __init__(self, *args: Any) -> None:
        self._d = zlib.decompressobj(*args)
        self._in = self._out = 0

    def decompress(self, data: bytes, *args: Any) -> bytes:
        out = self._d.decompress(data, *args)
        self._in += len(data)
        self._out += len(out)
        current().charge(len(out), "a corrupted PDF stream", self._out, self._in)
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self._d, name)


class _BoundedZlib:
    """Stands in for the ``zlib`` module inside ``pdfminer.pdftypes``: every FlateDecode stream is inflated
    through the current budget (same bytes, same errors as ``zlib.decompress``)."""

    error = zlib.error
    MAX_WBITS = zlib.MAX_WBITS

    @staticmethod
    def decompress(data: bytes, wbits: int = zlib.MAX_WBITS, bufsize: int = 0) -> bytes:
        return current().inflate(bytes(data), "a PDF stream (FlateDecode)", wbits)

    decompressobj = _CountingDecompressor

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


def _bounded_lzw(data: bytes) -> bytes:
    import io

    from pdfminer.lzw import LZWDecoder

    budget, out, parts = current(), 0, []
    for chunk in LZWDecoder(io.BytesIO(data)).run():
        out += len(chunk)
        budget.charge(len(chunk), "a PDF stream (LZWDecode)", out, len(data))
        parts.append(chunk)
    return b"".join(parts)


def _runlength_size(data: bytes) -> int:
    """The decoded size of a RunLengthDecode stream, counted without decoding it."""
    size, i, n = 0, 0, len(data)
    while i < n:
        length = data[i]
        if length == 128:
            break
        if length < 128:
            size += length + 1
            i += length + 2
        else:
            size += 257 - length
            i += 2
    return size


def _wrap_runlength(original: Any) -> Any:
    def rldecode(data: bytes) -> bytes:
        size = _runlength_size(data)
        current().charge(size, "a PDF stream (RunLengthDecode)", size, len(data))
        return original(data)

    return rldecode


def _wrap_ascii85(original: Any) -> Any:
    """ASCII85 (``z`` is four zero bytes): at most four times its input, counted after it ran."""
    def decode(data: bytes) -> bytes:
        out = original(data)
        current().charge(len(out), "a PDF stream (ASCII85Decode)", len(out), len(data))
        return out

    return decode


def _bounded_ccitt(data: bytes, params: dict[str, object]) -> bytes:
    """pdfminer's ``ccittfaxdecode`` with each decoded row counted before it is kept (a row is as wide as
    the stream's ``Columns`` says, however few bits encode it)."""
    from pdfminer.ccitt import CCITTFaxDecoder
    from pdfminer.pdfexceptions import PDFValueError

    budget, packed = current(), len(data)

    class Counted(CCITTFaxDecoder):
        def output_line(self, y: int, bits: Any) -> None:
            size = (len(bits) + 7) // 8
            budget.charge(size, "a PDF stream (CCITTFaxDecode)", len(self._buf) + size, packed)
            super().output_line(y, bits)

    if params.get("K") != -1:
        raise PDFValueError(params.get("K"))
    parser = Counted(params.get("Columns"), bytealign=params.get("EncodedByteAlign"), reversed=params.get("BlackIs1"))
    parser.feedbytes(data)
    return parser.close()


def install_pdfminer() -> None:
    """Route pdfminer's stream decoders through the current budget (once per process; idempotent)."""
    try:
        from pdfminer import pdftypes
    except ImportError:  # pragma: no cover - pdfplumber is a dependency
        return
    if getattr(pdftypes, "_qa_budget", False):
        return
    pdftypes.zlib = _BoundedZlib()
    pdftypes.lzwdecode = _bounded_lzw
    pdftypes.rldecode = _wrap_runlength(pdftypes.rldecode)
    pdftypes.ascii85decode = _wrap_ascii85(pdftypes.ascii85decode)
    pdftypes.ccittfaxdecode = _bounded_ccitt
    pdftypes._qa_budget = True

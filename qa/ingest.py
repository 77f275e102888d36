"""Ingest: read every announcement in the corpus folder into a :class:`Document`, whatever its format.

Announcements arrive as published: HWPX, HWP, PDF, DOCX, a saved HTML page, Markdown, or text in UTF-8,
CP949 or UTF-16. :mod:`qa.readers` turns each into the same lines (tables as ``| a | b |`` rows with their
``< caption >``), so chunking and facts work unchanged. Metadata comes from a JSON sidecar (``name.json``
beside ``name.hwpx``), ``---`` front matter (text files), the document's own header and text (a press
release's header table, headline and contact table, a plan's or notice's cover: :mod:`qa.readers.metadata`),
and last the file's own properties (PDF info, DOCX core properties, HWPX/HWP summary, HTML
``<title>``/``<meta>``), which are kept only where they agree with the text or nothing else exists: authoring
tools keep the title and dates of the template a document was made from.

:func:`scan_corpus` never stops at a bad file: each file gets a :class:`FileReport` (read, or skipped and
why: unreadable, encrypted, scanned, empty, binary, oversized, bad sidecar, duplicate text or id, a symlink
leaving the folder), and the readable documents are indexed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .progress import Progress
from .readers import EXTENSIONS, Parsed, ReadError, file_type, read_bytes
from .readers.chars import clean_text
from .readers.dates import STATED_YEAR, TITLE_YEAR_WORDS, YEAR_SHIFT
from .readers.text import decode, markdown_lines

log = logging.getLogger(__name__)
DEFAULT_MAX_FILE_MB = 50.0
MAX_SIDECAR_BYTES = 64 * 1024
SIDECAR_KEYS = ("doc_id", "title", "publisher", "published", "released", "date", "source", "url")
# Which file of a pair with the same name is read first (the others are then duplicates): the cleanest text.
_PREFERENCE = {ext: i for i, ext in enumerate((".txt", ".md", ".hwpx", ".hwp", ".docx", ".html", ".htm", ".pdf"))}


class CorpusError(Exception):
    """A corpus folder or file that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Document:
    """One announcement. ``lines`` are the body lines (1-based line ``n`` is ``lines[n - 1]``)."""

    doc_id: str
    title: str
    publisher: str | None
    published: str | None  # ISO date (YYYY-MM-DD) or None
    source: str | None  # original URL
    path: str
    lines: tuple[str, ...] = field(repr=False)
    checksums: tuple[tuple[str, str], ...] = ()  # (file name, sha256) of the bytes this document was read from
    published_month: str | None = None  # "YYYY-MM" when the document states only a year and month ("2025. 1.")
    department: str | None = None  # the department of its contact table ("대외경제국 국제경제과")
    # its contact rows: (department, role, rank, name, phone or e-mail), e.g. ("국제경제과", "담당자", "사무관", …)
    contacts: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:  # a copy read back from JSON holds lists: the same value as tuples
        object.__setattr__(self, "contacts", tuple(tuple(c) for c in self.contacts))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def year(self) -> int | None:
        """The announcement's year: from the release date (or the month it states), else from the title."""
        if self.published or self.published_month:
            return int((self.published or self.published_month)[:4])
        m = re.search(STATED_YEAR, self.title)
        return int(m.group(1)) if m else None

    @property
    def years(self) -> frozenset[int]:
        """Every year the announcement is about: its release year and the years its title names (a 2024
        release titled "2023년 12월 및 연간 고용동향" is about 2023; a 2023 release "2024년 … 대상지 선정" about
        2024), so a year in a question finds it either way."""
        found = {self.year} if self.year else set()
        for m in re.finditer(rf"{STATED_YEAR}|[’'‘](\d{{2}})\s*년", self.title):
            found.add(int(m.group(1)) if m.group(1) else 2000 + int(m.group(2)))
        if self.year:  # a January release "지난해 화재 3만 8,857건 …" is about the year before
            found.update(self.year + YEAR_SHIFT[w] for w in TITLE_YEAR_WORDS
                         if re.search(rf"(?<![가-힣]){w}", self.title))
        return frozenset(found)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("lines")
        d["checksums"] = [list(c) for c in self.checksums]
        d["contacts"] = [list(c) for c in self.contacts]
        d["year"] = self.year
        d["n_lines"] = len(self.lines)
        return d


def normalize_text(text: str) -> str:
    """NFC-normalise (decomposed Hangul breaks tokenization), unify line endings and odd spaces, and read NUL
    and Hancom's private-use characters as the characters they show (:func:`qa.readers.chars.clean_text`)."""
    text = unicodedata.normalize("NFC", clean_text(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return text.replace("\u00a0", " ").replace("\u3000", " ")


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_URL = re.compile(r"https?://\S+")
_SOURCE_LINE = re.compile(r"^\s*(원출처|출처|source)\s*[:：]\s*(https?://\S+)", re.I)


def parse_front_matter(raw: str) -> tuple[dict[str, str], str]:
    """Split ``---`` front matter (``key: value`` lines) from the body."""
    m = _FRONT_MATTER.match(raw)
    if not m:
        return {}, raw
    meta = {}
    for line in m.group(1).splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, raw[m.end():]


def find_date(text: str) -> str | None:
    """First full date in the text (whichever way it is written), as ISO ``YYYY-MM-DD``."""
    from .readers.dates import first_date

    return first_date(text)


def derive_title(lines: list[str]) -> str:
    """A title from the text: a release's headline, a cover's title, a ``< … >`` / ``「…」`` caption, or the
    first plain line (see :mod:`qa.readers.metadata`)."""
    from .readers.metadata import text_metadata

    return text_metadata(lines).title or first_line(lines)


def first_line(lines: list[str]) -> str:
    """The first non-empty line without its table pipes and bullet: the title of last resort."""
    for line in lines:
        s = line.strip().strip("|").strip()
        if s:
            return re.sub(r"^[□■○ㅇ◦\-*·]\s*", "", s)[:80]
    return ""


@dataclass(frozen=True)
class FileReport:
    """What happened to one corpus file: read (``status == "ok"``) or ``"skipped"``, and why.

    ``problem`` names the kind of failure of a skipped file: ``unreadable``, ``encrypted``, ``scanned``,
    ``unmapped`` (a PDF whose fonts have no Unicode map), ``empty``, ``binary``, ``oversized``, ``wrong_type``,
    ``bad_sidecar``, ``duplicate``, ``duplicate_id``, ``symlink``; ``reason`` says it in words (with the fix where there is one).
    """

    name: str
    type: str  # hwpx | hwp | pdf | docx | html | md | txt
    encoding: str | None = None
    lines: int = 0
    tables: int = 0
    status: str = "ok"  # ok | skipped
    reason: str | None = None
    problem: str | None = None
    doc_id: str | None = None
    facts: int | None = None  # filled in by the build

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CorpusScan:
    """The readable documents of a corpus folder and one report per file (read or skipped)."""

    documents: list[Document]
    reports: list[FileReport]

    @property
    def skipped(self) -> list[FileReport]:
        return [r for r in self.reports if not r.ok]


class _Skip(Exception):
    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def _read_sidecar(path: Path, checksums: list[tuple[str, str]]) -> dict[str, str]:
    """The metadata sidecar beside a file: a flat JSON object of strings (``doc_id``, ``title`` …)."""
    sidecar = path.with_suffix(".json")
    if not sidecar.is_file() or _leaves(sidecar, path.parent):
        return {}
    try:
        if sidecar.stat().st_size > MAX_SIDECAR_BYTES:
            raise _Skip("bad_sidecar", f"{sidecar.name}: metadata sidecar larger than {MAX_SIDECAR_BYTES // 1024} KB")
        side = sidecar.read_bytes()
        checksums.append((sidecar.name, hashlib.sha256(side).hexdigest()))
        data = json.loads(side.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        what = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise _Skip("bad_sidecar", f"{sidecar.name}: unreadable metadata sidecar ({what})") from exc
    if not isinstance(data, dict):
        raise _Skip("bad_sidecar", f"{sidecar.name}: metadata sidecar must be a JSON object of strings, "
                                   f"not {type(data).__name__}")
    meta = {}
    for key, value in data.items():
        k = str(key).lower()
        if k not in SIDECAR_KEYS or value is None:
            continue
        if not isinstance(value, str):
            raise _Skip("bad_sidecar", f'{sidecar.name}: "{key}" must be a string, not {type(value).__name__} '
                                       f"(e.g. \"{key}\": \"…\")")
        meta[k] = value.strip()
    return meta


def _leaves(path: Path, folder: Path) -> bool:
    """True for a symlink (or a path through one) that resolves outside ``folder``."""
    try:
        target = path.resolve(strict=False)
        return not target.is_relative_to(Path(folder).resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return True


def _parse(path: Path, data: bytes) -> tuple[str, Parsed, dict[str, str]]:
    """``(type, parsed, front matter)`` of a file's bytes."""
    kind = file_type(path.suffix, data)
    if kind in ("txt", "md"):
        text, encoding = decode(data, path.name)
        meta, body = parse_front_matter(normalize_text(text))
        if kind == "txt":
            from .readers.text import read_text

            parsed = read_text(body.rstrip("\n").encode("utf-8"))
        else:
            parsed = markdown_lines(body)
        parsed.encoding = encoding
        return kind, parsed, meta
    return kind, read_bytes(kind, data, path.name), {}


def _read(path: Path, max_bytes: int | None = None) -> tuple[Document, FileReport]:
    """Read one file into a Document and its report; raises :class:`_Skip` with the reason."""
    kind = path.suffix.lower().lstrip(".")
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise _Skip("oversized", f"{size / 2**20:.1f} MB, over the {max_bytes / 2**20:g} MB limit (max_file_mb)")
        data = path.read_bytes()
    except OSError as exc:
        raise _Skip("unreadable", f"cannot read ({exc.strerror or exc})") from exc
    checksums = [(path.name, hashlib.sha256(data).hexdigest())]
    try:
        kind, parsed, front = _parse(path, data)
    except ReadError as exc:
        raise _Skip(exc.status, exc.reason) from exc
    except (RecursionError, MemoryError) as exc:
        raise _Skip("unreadable", f"too deeply nested or too large to parse ({type(exc).__name__})") from exc
    except Exception as exc:  # noqa: BLE001 - a parser bug on one odd file must not stop the build
        raise _Skip("unreadable", f"the {kind.upper()} reader failed ({type(exc).__name__}: {exc})") from exc
    meta = {**front, **_read_sidecar(path, checksums)}
    lines = normalize_text("\n".join(parsed.lines)).split("\n") if kind not in ("txt",) else parsed.lines
    if kind != "txt":
        lines = [line for line in lines if line.strip()]
    if not any(line.strip() for line in lines):
        raise _Skip("empty", "the file has no text" + (" (only front matter)" if front else ""))
    doc = _document(path, lines, meta, parsed.meta, checksums)
    report = FileReport(name=path.name, type=kind, encoding=parsed.encoding, lines=len(lines),
                        tables=parsed.tables, doc_id=doc.doc_id)
    return doc, report


def _document(path: Path, lines: list[str], meta: dict[str, str], props: dict[str, str],
              checksums: list[tuple[str, str]]) -> Document:
    """The document with its metadata: ``meta`` (sidecar over front matter) > the text > ``props`` (the file's
    own properties, kept only where they agree with the text or nothing else exists)."""
    from .readers.metadata import choose_published, choose_publisher, choose_title, text_metadata

    told = text_metadata(lines)
    source = meta.get("source") or meta.get("url")
    if not source:
        for line in lines[::-1]:
            m = _SOURCE_LINE.match(line)
            if m:
                source = m.group(2)
                break
    stated = meta.get("published") or meta.get("released") or meta.get("date")
    published, month = (find_date(str(stated)), None) if stated else choose_published(told, props.get("published"))
    return Document(
        doc_id=str(meta.get("doc_id") or path.stem),
        title=str(meta.get("title") or choose_title(told, props.get("title"), lines, first_line(lines))),
        publisher=meta.get("publisher") or choose_publisher(told, props.get("publisher")),
        published=published,
        source=source or props.get("source"),
        path=str(path),
        lines=tuple(lines),
        checksums=tuple(checksums),
        published_month=month,
        department=told.department,
        contacts=told.contacts,
    )


def read_document(path: Path, max_file_mb: float | None = None) -> Document:
    """Read one announcement file of any supported type; raises :class:`CorpusError` naming the file and why."""
    path = Path(path)
    try:
        doc, _ = _read(path, int(max_file_mb * 2**20) if max_file_mb else None)
    except _Skip as exc:
        raise CorpusError(f"{path.name}: {exc.reason}") from exc
    return doc


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The announcement files of a corpus folder (every supported extension; not hidden files, ``README*``
    or sidecars), sorted for a stable order; for the same name, the cleanest format comes first."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    files = [p for p in corpus_dir.iterdir()
             if p.suffix.lower() in EXTENSIONS and not p.name.startswith(".") and not p.name.upper().startswith("README")
             and (p.is_file() or p.is_symlink())]
    return sorted(files, key=lambda p: (p.stem, _PREFERENCE.get(p.suffix.lower(), 99), p.name))


def _text_key(lines: list[str] | tuple[str, ...]) -> str:
    """What makes two files the same announcement: their text with whitespace and table pipes ignored."""
    joined = "\n".join(re.sub(r"[\s|]+", "", line) for line in lines)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def scan_corpus(corpus_dir: Path, max_file_mb: float | None = DEFAULT_MAX_FILE_MB,
                read: Callable[[Path, int | None], tuple[Document, FileReport]] | None = None) -> CorpusScan:
    """Read every file of the corpus folder; a bad file is skipped with a warning, never raised.

    Args:
        corpus_dir: the folder (not searched recursively).
        max_file_mb: files larger than this are skipped (``None``: no limit).
        read: reads one file (default :func:`_read`); the build passes one that reuses cached units.

    Returns:
        The readable documents (in :func:`corpus_files` order) and one :class:`FileReport` per file.

    Raises:
        CorpusError: only when the folder itself is missing.
    """
    corpus_dir = Path(corpus_dir)
    max_bytes = int(max_file_mb * 2**20) if max_file_mb else None
    docs: list[Document] = []
    reports: list[FileReport] = []
    texts: dict[str, str] = {}
    ids: dict[str, str] = {}
    files = corpus_files(corpus_dir)
    progress = Progress("reading files", len(files), "files")
    for n, path in enumerate(files, start=1):
        progress(n - 1)
        kind = path.suffix.lower().lstrip(".")
        try:
            if _leaves(path, corpus_dir):
                raise _Skip("symlink", "a symlink that leaves the corpus folder (not followed)")
            if not path.is_file():
                raise _Skip("unreadable", "not a regular file (a broken symlink or a folder)")
            doc, report = (read or _read)(path, max_bytes)
            key = _text_key(doc.lines)
            if key in texts:
                raise _Skip("duplicate", f"same text as {texts[key]}")
            if doc.doc_id in ids:
                raise _Skip("duplicate_id", f"doc_id {doc.doc_id!r} is already used by {ids[doc.doc_id]}")
        except _Skip as exc:
            log.warning("skipped %s: %s", path.name, exc.reason)
            reports.append(FileReport(name=path.name, type=kind, status="skipped", reason=exc.reason, problem=exc.status))
            continue
        texts[key] = path.name
        ids[doc.doc_id] = path.name
        docs.append(doc)
        reports.append(report)
    progress(len(files))
    return CorpusScan(docs, reports)


def load_corpus(corpus_dir: Path, max_file_mb: float | None = DEFAULT_MAX_FILE_MB) -> list[Document]:
    """The readable announcements of a folder (bad files are skipped with a warning, see :func:`scan_corpus`).

    Raises:
        CorpusError: the folder is missing, or it holds no readable announcement at all.
    """
    scan = scan_corpus(corpus_dir, max_file_mb)
    if not scan.documents:
        if not scan.reports:
            raise CorpusError(f"no announcements ({', '.join(EXTENSIONS)}) in {corpus_dir}")
        why = "; ".join(f"{r.name}: {r.reason}" for r in scan.reports[:5])
        raise CorpusError(f"no readable announcement in {corpus_dir} ({why})")
    return scan.documents


def corpus_hash(corpus_dir: Path) -> dict[str, str]:
    """sha256 of every corpus file and metadata sidecar, keyed by file name (what the manifest records)."""
    corpus_dir = Path(corpus_dir)
    hashes = {}
    for p in corpus_files(corpus_dir):
        for f in (p, p.with_suffix(".json")):
            if _leaves(f, corpus_dir):  # never read through a symlink out of the folder: hash its target name
                hashes[f.name] = hashlib.sha256(f"symlink:{os.readlink(f)}".encode()).hexdigest()
            elif f.is_file():
                try:
                    hashes[f.name] = hashlib.sha256(f.read_bytes()).hexdigest()
                except OSError:
                    hashes[f.name] = "unreadable"
    return hashes


FILES_JSON = "files.json"


def files_with_facts(reports: list[FileReport], facts: list) -> list[FileReport]:
    """The reports with each read file's number of extracted facts filled in."""
    from collections import Counter
    from dataclasses import replace

    counts = Counter(f.doc_id for f in facts)
    return [replace(r, facts=counts.get(r.doc_id, 0)) if r.ok else r for r in reports]


def save_file_reports(reports: list[FileReport], folder: Path) -> None:
    """Write ``files.json`` into an index folder being built: a JSON list with one object per corpus file,
    the fields of :class:`FileReport` (``name``, ``type``, ``encoding``, ``lines``, ``tables``, ``status``
    ``ok``/``skipped``, ``reason``, ``problem``, ``doc_id``, ``facts``)."""
    with open(Path(folder) / FILES_JSON, "w", encoding="utf-8") as fh:
        json.dump([r.to_dict() for r in reports], fh, ensure_ascii=False, indent=2)


def load_file_reports(folder: Path) -> list[FileReport]:
    """The per-file reports saved with an index (empty for an index built before they existed)."""
    path = Path(folder) / FILES_JSON
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        fields = set(FileReport.__dataclass_fields__)
        return [FileReport(**{k: v for k, v in f.items() if k in fields}) for f in data if isinstance(f, dict)]
    except (OSError, ValueError, KeyError, TypeError):
        return []

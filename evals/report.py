"""Reports: the console text, ``summary.json``, ``report.md`` and ``metrics.png``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RET_COLS = ("hit@1", "hit@3", "hit@5", "mrr@5", "ndcg@5")


def rounded(obj: Any, digits: int = 4) -> Any:
    """Floats rounded to ``digits`` (NaN → None), recursively; for a stable, diffable summary.json."""
    if isinstance(obj, float):
        return None if obj != obj else round(obj, digits)
    if isinstance(obj, dict):
        return {str(k): rounded(v, digits) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [rounded(v, digits) for v in obj]
    return obj


def _f(x: Any, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _ms(x: Any) -> str:
    return "n/a" if x is None else f"{x:.1f}"


def _sections(summary: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
    """(title, runs, golden info) for each golden file, plus the pooled 'overall' when there are several."""
    out = [(name, g["runs"], g) for name, g in summary["goldens"].items()]
    if len(out) > 1:
        out.append(("overall (all golden files)", summary["overall"], None))
    return out


def _type_rows(runs: dict[str, Any], primary: str) -> list[list[str]]:
    m = runs[primary]
    rows = [[t, str(v["n"]), str(v["correct"]), _f(v["accuracy"]), _f(v["kind_agreement"])]
            for t, v in m["by_type"].items()]
    rows.append(["all", str(m["n"]), str(m["correct"]), _f(m["answer_accuracy"]), _f(m["kind_agreement"])])
    return rows


def _retriever_rows(runs: dict[str, Any]) -> list[list[str]]:
    rows = []
    for r, m in runs.items():
        ret, nn, lat = m["retrieval"], m["none"], m["latency_ms"]
        rows.append([r, str(ret["n"]), *(_f(ret[c]) for c in RET_COLS), _f(m["answer_accuracy"]),
                     _f(m["kind_agreement"]), _f(nn["precision"]), _f(nn["recall"]), _ms(lat["p50"]), _ms(lat["p95"])])
    return rows


TYPE_HEAD = ["type", "n", "correct", "accuracy", "kind agree"]
RULE_HEAD = ["rule", "n", "correct", "accuracy"]


def _rule_rows(runs: dict[str, Any], primary: str) -> list[list[str]]:
    """Accuracy per answering rule (``Answer.rule``) of the primary retriever's run."""
    return [[name, str(v["n"]), str(v["correct"]), _f(v["accuracy"])]
            for name, v in (runs[primary].get("by_rule") or {}).items()]
RET_HEAD = ["retriever", "n (with evidence)", *RET_COLS, "answer acc", "kind agree", "none P", "none R",
            "p50 ms", "p95 ms"]
NONE_HEAD = ["retriever", "expected none", "answered none", "TP", "FP", "FN", "precision", "recall"]


def _none_rows(runs: dict[str, Any]) -> list[list[str]]:
    return [[r, str(m["none"]["tp"] + m["none"]["fn"]), str(m["none"]["tp"] + m["none"]["fp"]),
             str(m["none"]["tp"]), str(m["none"]["fp"]), str(m["none"]["fn"]),
             _f(m["none"]["precision"]), _f(m["none"]["recall"])] for r, m in runs.items()]


def _text_table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]
    line = lambda cells: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)  # noqa: E731
                                   for i, (c, w) in enumerate(zip(cells, widths, strict=False)))
    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


def _md_table(head: list[str], rows: list[list[str]]) -> str:
    esc = lambda s: str(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    out = ["| " + " | ".join(map(esc, head)) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(map(esc, r)) + " |" for r in rows]
    return "\n".join(out)


def _must_str(must: list[Any]) -> str:
    return " & ".join(m if isinstance(m, str) else "|".join(m) for m in must)


def _failure_line(f: dict[str, Any]) -> str:
    hist = f" (after {f['history']})" if f.get("history") else ""
    exp = f"expected {f['expected_kind']}" + (f" must [{_must_str(f['must'])}]" if f["must"] else "")
    exp += f" must_not {f['must_not']}" if f["must_not"] else ""
    why = []
    if f["expected_kind"] == "none" and f["got_kind"] != "none":
        why.append("answered instead of none")
    elif f["expected_kind"] != "none" and f["got_kind"] == "none":
        why.append("said none")
    if f["missing"]:
        why.append(f"missing [{_must_str(f['missing'])}]")
    if f["forbidden"]:
        why.append(f"has forbidden {f['forbidden']}")
    if f.get("error"):
        why.append(f"error {f['error']}")
    gold = "" if f["expected_kind"] == "none" else f" gold@{f['gold_rank'] or '-'}"
    return (f"[{f['id']}] {f['type']}: {f['q']}{hist} — {exp} — got {f['got_kind']}: \"{f['answer']}\" — "
            f"{'; '.join(why)}{gold}")


def render_text(summary: dict[str, Any]) -> str:
    primary = summary["retriever"]
    out = [f"evals {summary['timestamp']}  k={summary['k']}  retriever={primary}"
           f"{'  (compare: ' + ', '.join(summary['retrievers']) + ')' if len(summary['retrievers']) > 1 else ''}"]
    for title, runs, g in _sections(summary):
        out.append("")
        if g is not None:
            idx = g["index"] or {}
            emb = (idx.get("embedder") or {}).get("name")
            out.append(f"== {title}: {g['items']} items, corpus {', '.join(g['corpus'])}; index {emb}, "
                       f"{(idx.get('counts') or {}).get('documents')} docs / {(idx.get('counts') or {}).get('chunks')}"
                       f" chunks, built {idx.get('built_at')} ==")
        else:
            out.append(f"== {title} ==")
        out.append(f"answer accuracy by type ({primary}):")
        out.append(_text_table(TYPE_HEAD, _type_rows(runs, primary)))
        out.append(f"answer accuracy by rule ({primary}):")
        out.append(_text_table(RULE_HEAD, _rule_rows(runs, primary)))
        out.append("")
        out.append("by retriever (retrieval metrics over the sources of ask(k); none P/R: positive = expected none; "
                   "latency = wall-clock ask()):")
        out.append(_text_table(RET_HEAD, _retriever_rows(runs)))
    fails = summary["failures"]
    out.append("")
    out.append(f"failures ({primary}): {len(fails)}")
    out += ["  " + _failure_line(f) for f in fails]
    out.append(f"elapsed {summary['elapsed_s']:.1f}s")
    return "\n".join(out)


def render_markdown(summary: dict[str, Any]) -> str:
    primary = summary["retriever"]
    out = ["# Evaluation report", "",
           f"- generated: {summary['timestamp']}",
           f"- primary retriever: `{primary}`; retrievers run: {', '.join(f'`{r}`' for r in summary['retrievers'])}",
           f"- sources per question (k): {summary['k']}",
           f"- primary metric: **answer_accuracy = {_f(summary['primary']['value'])}**",
           f"- qa source sha256: `{summary['qa_source_sha256'][:16]}…`", ""]
    for title, runs, g in _sections(summary):
        out.append(f"## {title}")
        out.append("")
        if g is not None:
            idx = g["index"] or {}
            out += [f"- items: {g['items']} ({', '.join(f'{t} {n}' for t, n in g['types'].items())})",
                    f"- corpus: {', '.join(f'`{c}`' for c in g['corpus'])}",
                    f"- index: embedder `{(idx.get('embedder') or {}).get('name')}`, chunker "
                    f"`{json.dumps(idx.get('chunker'))}`, counts `{json.dumps(idx.get('counts'))}`, "
                    f"built {idx.get('built_at')}", ""]
        out += [f"### Answer accuracy by question type ({primary})", "",
                _md_table(TYPE_HEAD, _type_rows(runs, primary)),
                "", f"### Answer accuracy by rule ({primary})", "",
                "`rule` is `Answer.rule`: the compose rule that produced a fact answer, `passage…` for a passage, "
                "`not_found:<reason>` for no answer.", "",
                _md_table(RULE_HEAD, _rule_rows(runs, primary)),
                "", "### Retrieval and answers per retriever", "",
                "Retrieval is measured on the sources `ask(q, k=...)` returns; a source is relevant when it covers a "
                "gold evidence line. Items without evidence (expected `none`) are left out of retrieval metrics.", "",
                _md_table(RET_HEAD, _retriever_rows(runs)), "",
                "### `none` precision / recall (positive class = expected none)", "",
                _md_table(NONE_HEAD, _none_rows(runs)), "",
                "### Latency of `ask()` (ms, wall clock, after one warm-up call)", "",
                _md_table(["retriever", "n", "p50", "p95", "mean", "max"],
                          [[r, str(m["latency_ms"]["n"]), _ms(m["latency_ms"]["p50"]), _ms(m["latency_ms"]["p95"]),
                            _ms(m["latency_ms"]["mean"]), _ms(m["latency_ms"]["max"])] for r, m in runs.items()]), ""]
    fails = summary["failures"]
    out += [f"## Failures ({primary}): {len(fails)}", ""]
    if fails:
        out.append(_md_table(
            ["golden", "id", "type", "question", "expected", "got kind", "answer", "why", "gold rank"],
            [[f["golden"], f["id"], f["type"], f["q"] + (f" (after {f['history']})" if f.get("history") else ""),
              f"{f['expected_kind']}: {_must_str(f['must'])}" + (f" ¬{f['must_not']}" if f["must_not"] else ""),
              str(f["got_kind"]), f["answer"],
              "; ".join(x for x in (f"missing {_must_str(f['missing'])}" if f["missing"] else "",
                                    f"forbidden {f['forbidden']}" if f["forbidden"] else "",
                                    f.get("error") or "") if x) or "kind",
              "-" if f["expected_kind"] == "none" else str(f["gold_rank"] or "-")] for f in fails]))
    out.append("")
    return "\n".join(out)


def write_png(summary: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    runs = summary["overall"]
    retrievers = list(runs)
    types = sorted({t for m in runs.values() for t in m["by_type"]})
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 5), gridspec_kw={"width_ratios": [1, 1.6]})
    width = 0.8 / max(len(retrievers), 1)
    x = np.arange(len(RET_COLS) + 1)
    for i, r in enumerate(retrievers):
        vals = [runs[r]["retrieval"][c] or 0.0 for c in RET_COLS] + [runs[r]["answer_accuracy"] or 0.0]
        ax1.bar(x + (i - (len(retrievers) - 1) / 2) * width, vals, width, label=r)
    ax1.set_xticks(x, [*RET_COLS, "answer acc"])
    ax1.set_ylim(0, 1.05)
    ax1.set_title("Retrieval metrics and answer accuracy by retriever")
    ax1.legend()
    x2 = np.arange(len(types))
    for i, r in enumerate(retrievers):
        vals = [(runs[r]["by_type"].get(t) or {}).get("accuracy") or 0.0 for t in types]
        ax2.bar(x2 + (i - (len(retrievers) - 1) / 2) * width, vals, width, label=r)
    ax2.set_xticks(x2, [f"{t}\n(n={runs[retrievers[0]]['by_type'].get(t, {}).get('n', 0)})" for t in types],
                   fontsize=8)
    ax2.set_ylim(0, 1.05)
    ax2.set_title("Answer accuracy by question type")
    ax2.legend()
    fig.suptitle(f"evals {summary['timestamp']} — primary answer_accuracy={_f(summary['primary']['value'])}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(summary: dict[str, Any], folder: Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "summary.json", folder / "report.md", folder / "metrics.png"]
    with open(paths[0], "w", encoding="utf-8") as fh:
        json.dump(rounded(summary), fh, ensure_ascii=False, sort_keys=True, indent=2)
        fh.write("\n")
    paths[1].write_text(render_markdown(summary), encoding="utf-8")
    write_png(summary, paths[2])
    return paths

"""The before/after table of issue 24: what the issue measured before (its own figures), the probe's results
after (``tests/hostile_probe.py``), and per case whether it held, judged by the done-when of the issue:
no request without a token grows the server by more than 10 MB, no upload by more than the configured budget
(``max_unpacked_mb``), and ``/healthz`` never stalls over 200 ms while an upload is checked or rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable

NO_TOKEN_MB = 10
STALL_MS = 200

# case → what the issue measured before (59 cases probed then: 50 held, 9 broken)
BEFORE = {
    "no_token_8x49MB": "broken: body read before the token; 905 MB → 1.8 GB, 1.1 GB held after",
    "no_token_chunked_52MB": "broken: body read before the token",
    "token_chunked_52MB": "broken: 52 MB buffered in RAM before the 413",
    "hwpx_mimetype_1GiB": "broken: accepted; +2 GB, server frozen 3.3 s",
    "pdf_flate_1GiB": "broken: accepted; +2 GB, frozen 7 s, 1.8 GB held after",
    "pdf_200k_pages": "broken: refused after 23 s, the whole server frozen",
    "hwpx_section_1GiB": "held: a 1 GiB section member refused",
    "docx_part_1GiB": "held: a 1 GiB DOCX member refused",
    "pdf_ordinary_300_pages": "broken: parsed on the event loop, 16.5 s with every question frozen",
    "name_90_hangul": "broken: 500 from os.replace",
    "name_lookalike": "broken: indexed beside the real one, no 409",
    "name_readme": "broken: 202 'done', never indexed, DELETE 404; README.md overwritten without a 409",
    "duplicate_new_name": "to mend: 202 'done', no word of the duplicate",
    "bearer_lowercase": "to mend: `bearer` refused",
    "file_mode": "to mend: saved 0600 beside 0644",
    "head": "broken: HEAD /healthz 404",
    "slow_body": "to mend: never timed out",
    "rebuild_stall": "(not measured; rebuilds ran in the server process)",
    "kill_during_embedding": "broken: 3 children alive 49 s later, 265 MB",
    "disk_full_build": "to mend: raw sqlite3.OperationalError traceback",
}


def _quiet(r: dict, growth_mb: float) -> bool:
    return r.get("peak_growth_mb", 0) <= growth_mb and r.get("healthz_stall_ms", 0) < STALL_MS


def _upload(status: int) -> Callable[[dict, float], bool]:
    return lambda r, budget: r.get("status") == status and _quiet(r, budget)


CHECKS: dict[str, Callable[[dict, float], bool]] = {
    "no_token_8x49MB": lambda r, b: r.get("status") == [401] * 8 and _quiet(r, NO_TOKEN_MB),
    "no_token_chunked_52MB": lambda r, b: r.get("status") == 401 and _quiet(r, NO_TOKEN_MB),
    "token_chunked_52MB": _upload(413),
    "hwpx_mimetype_1GiB": _upload(422),
    "pdf_flate_1GiB": _upload(422),
    "pdf_200k_pages": _upload(422),
    "hwpx_section_1GiB": _upload(422),
    "docx_part_1GiB": _upload(422),
    "pdf_ordinary_300_pages": _upload(202),
    "name_90_hangul": lambda r, b: r.get("status") == 202,
    "name_lookalike": lambda r, b: r.get("status") == 409,
    "name_readme": lambda r, b: r.get("status") == [422, 422] and r.get("README.md kept") is True,
    "duplicate_new_name": lambda r, b: r.get("status") == 409 and "molit_2025_smart_city_selection" in str(r.get("says")),
    "bearer_lowercase": lambda r, b: r.get("status") == 202,
    "file_mode": lambda r, b: r.get("mode") is not None and r.get("mode") == r.get("corpus mode"),
    "head": lambda r, b: r.get("status") == [200, 200, 200],
    "slow_body": lambda r, b: str(r.get("status")).startswith("HTTP/1.1 408"),
    "rebuild_stall": lambda r, b: r.get("status") == 202 and r.get("job") == "done" and _quiet(r, b),
    "kill_during_embedding": lambda r, b: r.get("embedding processes seen", 0) > 0 and r.get("alive 10 s later") == 0,
    "disk_full_build": lambda r, b: r.get("status") == 1 and not r.get("traceback")
    and str(r.get("last line", "")).startswith("error: no space left"),
}

_SHOWN = ("status", "says", "mode", "corpus mode", "README.md kept", "job", "seconds", "embedding processes seen",
          "alive 10 s later", "their RSS MB", "traceback", "last line")


def verdict(case: str, row: dict, budget_mb: float) -> str:
    if "skipped" in str(row.get("status")):
        return "not run"
    return "held" if CHECKS[case](row, budget_mb) else "BROKEN"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(results: dict[str, dict], budget_mb: float) -> str:
    """The table: case, before (the issue's figures), after (status and what the server said), the server's
    RSS growth at its peak and a second after, the workers' peak RSS, the longest /healthz stall, verdict."""
    lines = ["| case | before (issue 24) | after | server RSS growth: peak / after (MB) | worker peak RSS (MB) "
             "| longest /healthz (ms) | verdict |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for case, row in results.items():
        after = "; ".join(f"{k}: {row[k]}" for k in _SHOWN if k in row)
        rss = f"{row['peak_growth_mb']} / {row['after_growth_mb']}" if "peak_growth_mb" in row else "–"
        lines.append(f"| {case} | {_cell(BEFORE.get(case, ''))} | {_cell(after[:300])} | {rss} | "
                     f"{row.get('children_peak_mb', '–')} | {row.get('healthz_stall_ms', '–')} | "
                     f"{verdict(case, row, budget_mb)} |")
    held = sum(verdict(c, r, budget_mb) == "held" for c, r in results.items())
    broken = sum(verdict(c, r, budget_mb) == "BROKEN" for c, r in results.items())
    lines.append("")
    lines.append(f"{len(results)} cases: {held} held, {broken} broken (before: 59 cases, 50 held, 9 broken).")
    return "\n".join(lines)

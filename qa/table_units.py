"""The units of a table as the chunker reads them: a ``(단위: …)`` note and the columns it belongs to, the units a
caption lists without "단위:", a part's note ("| 참고 1 | … (단위: 억달러) |") for the tables under it, and a row of
parenthesised rates under the row of amounts it is the change of (statistical releases print them so)."""

from __future__ import annotations

import re

from .quantity import MAGNITUDE_CHARS

NUMERIC_CELL = re.compile(r"^[-+△▲▽∆]?\s*\d[\d,]*(?:\.\d+)?\s*%?$|^[-–—]$")  # "1,350", "△0.7", "12.5%", "-"
HEADER_HAS_UNIT = re.compile(r"[(\[][^()\[\]]+[)\]]\s*$")  # "국비(억원)", "고용률(%)"
RATE_HEADER = re.compile(r"률|율|비율|비중|점유|%|퍼센트")  # a column or row of rates


def note_units(note: str) -> list[str]:
    """ "(단위: 억원, %)" → ["억원", "%"]; words that are not units (전년동월대비 증감) are dropped. A caption
    without "단위:" gives the units its closing parenthesis lists (:func:`caption_units`)."""
    m = re.search(r"단위\s*[:：]\s*([^)\]]+)", note)
    if not m:
        return caption_units(note)
    units = [u.strip().replace(" ", "") for u in re.split(r"[,，/·]", m.group(1)) if u.strip()]
    out = []
    for u in units:
        if len(u) <= 5 and not re.search(r"대비|증감|기준", u):
            out.append(u)
        elif u.endswith("%"):  # "전년동기 대비 %": the comparison the rates are of, and their unit
            out.append("%")
    return out


# a "(단위: …)" note anywhere in a line (a part's title row holds one); the chunker's _UNIT_NOTE_LINE is a line of it alone
UNIT_NOTE = re.compile(r"[(\[（]\s*단\s*위\s*[:：]")
# a line that is only a short parenthesis ("(총투자 기준)", "(계절조정)"): the basis of the tables below it
BASIS = re.compile(r"^[(（][^()（）]{2,20}[)）]$")


def opens_part(line: str) -> bool:
    """A line or table row opening a part of a release: "참고 1", "| 붙임 2 | … |", "별첨"."""
    from .lexicon import PART_LABELS

    first = line.strip().strip("|").strip()
    return any(first.startswith(w) and not re.match(r"[가-힣]", first[len(w):len(w) + 1]) for w in PART_LABELS)


_CAPTION_PAREN = re.compile(r"[(（]([^()（）]+)[)）]\s*[>〉》]?\s*$")


def caption_units(caption: str) -> list[str]:
    """ "< 분기별 해외직접투자액 추이(억 달러, 전년동기 대비, %) >" → ["억달러", "%"]: the units a caption lists in its
    closing parenthesis without "단위:", when every part is a unit or the comparison its rates are of (a
    parenthesis of words, "(총 5곳)", "(잠정)", lists none)."""
    from .lexicon import CAPTION_UNIT_ASIDES, CAPTION_UNITS  # the lexicon imports the chunker's bullets

    m = _CAPTION_PAREN.search(caption)
    if not m:
        return []
    parts = [p.strip().replace(" ", "") for p in re.split(r"[,，/·]", m.group(1)) if p.strip()]
    units = [p for p in parts if re.fullmatch(CAPTION_UNITS, p)]
    if not units or any(p not in units and not re.search(CAPTION_UNIT_ASIDES, p) for p in parts):
        return []
    return units


_PAREN_FIGURE = re.compile(r"^[(（]\s*[-+△▲▽∆]?\s*\d[\d,]*(?:\.\d+)?\s*%?\s*[)）]$")


def parenthesised(cells: list[str]) -> bool:
    """A row whose figures are all in parentheses ("| 전 체 | (△35.4) | (7.2) |")."""
    figures = [c for c in cells[1:] if c]
    return bool(figures) and all(_PAREN_FIGURE.match(c) for c in figures)


def rate_label(values: list[str], previous: list[str] | None, units: list[str]) -> str | None:
    """The label of a row of parenthesised figures that states the change of the row of amounts above it, as
    statistical releases print them ("| 전 체 | 141.5 |" then "| 전 체 | (△13.4) |", the label a merged cell of
    both): "전 체 증감률(%)". Only when the table's units include % or the row names a rate itself; None for any
    other row."""
    if previous is None or len(values) < 2 or not parenthesised(values):
        return None
    if not any(NUMERIC_CELL.match(v) for v in previous[1:] if v):
        return None  # the row above is not one of amounts
    from .lexicon import RATE_ROW_NAME

    label, above = values[0].strip(), previous[0].strip()
    named = bool(label) and bool(RATE_HEADER.search(label))
    if not (named or "%" in units) or (label and label != above and not named):
        return None
    name = re.sub(r"\s*[(\[]\s*%\s*[)\]]\s*$", "", label) if named else RATE_ROW_NAME
    return " ".join(p for p in (above, name) if p) + "(%)"


def rated(label: str) -> str | None:
    """What a rate row's label (:func:`rate_label` with no rate named by the row) is the change of: "전 체
    증감률(%)" → "전 체"; None for any other label."""
    from .lexicon import RATE_ROW_NAME

    end = f" {RATE_ROW_NAME}(%)"
    return label[: -len(end)].strip() if label.endswith(end) else None


ORDINAL_HEADER = re.compile(r"^\s*(?:순위|연번|번호|순번|No\.?|NO\.?|#)\s*(?:\([^)]*\))?\s*$")


def with_units(header: list[str], units: list[str], rows: list[list[str]]) -> list[str]:
    """Give each numeric column the unit of the table's unit note it belongs to: % to rate columns, a unit
    named in the header (개소 → "선정 개소") to that column, the one remaining unit to the rest."""
    if not units or any(r and HEADER_HAS_UNIT.search(r[0]) for r in rows):
        return header  # units stated per row ("고용률(%)", "취업자(만명)"): the columns have none of their own
    out = []
    for k, h in enumerate(header):
        values = [r[k] for r in rows if k < len(r) and r[k]]
        numeric = values and sum(bool(NUMERIC_CELL.match(v)) for v in values) * 2 >= len(values)
        if not numeric or not h or HEADER_HAS_UNIT.search(h) or ORDINAL_HEADER.match(h):
            out.append(h)  # a rank or row number (순위, 연번) has no unit
            continue
        rate = "%" in units and RATE_HEADER.search(h)
        named = [u for u in units if u != "%" and u.lstrip(MAGNITUDE_CHARS) in h]
        rest = [u for u in units if u != "%"]
        unit = "%" if rate else (named[0] if named else (rest[0] if len(rest) == 1 else None))
        out.append(f"{h}({unit})" if unit else h)
    return out

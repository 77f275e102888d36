"""Line rules: labels a document defines and uses (``Entity(label)``, ``label: value``), people named with
their roles, and contacts (departments, ranks, names, phones). Each takes one line and returns
:class:`~qa.facts.model.Found` facts with their subjects already known."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..chunk import is_pipe_row
from ..korean import morphs
from ..lexicon import CONTACT_LABELS, CONTACT_ROLES, DEPARTMENT_UNITS, HEAD_ROLES, NOT_NAMES, RANKS, SPEAKER_ROLES, WHOLE, Attr
from ..text import PHONE, PHONE_LOOSE, squeeze, strip_bullet
from .context import DocContext
from .model import Found
from .subjects import Mention

ORG_HEAD = re.compile(
    r"(?P<org>[가-힣]+(?:부|처|청|원|위원회|특별시|광역시|특별자치시|특별자치도|도|시|군|구))\s*\(\s*"
    rf"(?P<role>{HEAD_ROLES})\s+(?P<name>[가-힣]{{2,4}})\s*\)")
NAME_ROLE = re.compile(
    r"(?:(?P<org>[가-힣]+(?:부|처|청|위원회))\s+)?(?P<name>[가-힣]{2,4})\s+(?P<role>[가-힣]{0,8}?"
    rf"(?:{SPEAKER_ROLES}))"
    r"(?:은|는|이|가|도)(?=\s|[“\"‘'])")
_UNIT = rf"[가-힣A-Za-z]+(?:{'|'.join(DEPARTMENT_UNITS)})"
# the department cell, all its units ("의료안전예방국 예방접종관리과": the bureau and its division)
DEPARTMENT = re.compile(rf"담당\s*부서\s*[|:：]?\s*(?P<dept>{_UNIT}(?:[ ]{_UNIT})*)")
LABEL_VALUE = re.compile(r"^(?P<label>[가-힣A-Za-z ·()]{2,14}?)\s*[:：]\s*(?P<value>\S.{0,200})$")
DEFINES = re.compile(r"(?P<term>[가-힣]{2,10})\s*\((?P<items>[^()]{2,80},[^()]{2,80})\)")
NAME_PHONE = re.compile(rf"(?P<name>[가-힣]{{2,4}})\s*(?:\(\s*(?P<phone>{PHONE})\s*\))?")
CONTACT_LINE = re.compile(rf"(?P<role>{CONTACT_ROLES})\s+(?P<name>[가-힣]{{2,4}})\s*\(\s*(?P<phone>{PHONE})")


def define_labels(ctx: DocContext, line: str) -> None:
    """``세부유형(지역소멸 대응형, 기후위기 대응형)`` defines labels later attached as ``Entity(label)``."""
    for m in DEFINES.finditer(line):
        for item in m.group("items").split(","):
            item = item.strip()
            if 2 <= len(item) <= 20:
                ctx.defined_labels[item] = m.group("term")


def entity_labels(ctx: DocContext, n: int, line: str, found: list[Mention]) -> list[Found]:
    """``김천시(지역소멸 대응형)`` after the labels were defined → 김천시 세부유형 = 지역소멸 대응형."""
    out = []
    for _start, end, kind, name in found:
        if kind != "entity":
            continue
        m = re.match(r"\s*\(([^()]{2,20})\)", line[end:])
        if m and m.group(1).strip() in ctx.defined_labels:
            label = m.group(1).strip()
            out.append(Found(name, ctx.defined_labels[label], label, n, (end + m.start(1), end + m.end(1))))
    return out


def label_value(ctx: DocContext, n: int, line: str, section: str) -> list[Found]:
    """``신청기간: 3. 1. ~ 3. 31.`` in a notice → a fact of the section's category (or the whole document)."""
    body = strip_bullet(line.strip())
    m = LABEL_VALUE.match(body)
    if not m or re.search(r"https?$|출처", m.group("label")):
        return []
    v_start = line.index(body) + m.start("value")
    return [Found(ctx.category_of_section(section) or WHOLE, m.group("label").strip(), m.group("value").strip(), n,
                  (v_start, v_start + len(m.group("value").rstrip())), qualifiers={"source": "label"})]


def people(ctx: DocContext, n: int, line: str) -> list[Found]:
    """``국토교통부(장관 박상우)`` and ``윤종빈 도시경제과장은 "…"``: a person's name under its organisation."""
    out = [Found(m.group("org"), m.group("role"), m.group("name"), n, m.span("name"), qualifiers={"person": True})
           for m in ORG_HEAD.finditer(line)]
    for m in NAME_ROLE.finditer(line):
        name = m.group("name")
        if morphs(name) and morphs(name)[0].tag != "NNP" and len(name) > 3:
            continue
        org = m.group("org") or ctx.doc.publisher or WHOLE
        out.append(Found(org.split()[0] if org else WHOLE, m.group("role"), name, n, m.span("name"),
                         qualifiers={"person": True}))
    return out


def contacts(ctx: DocContext, n: int, line: str) -> list[Found]:
    """담당 부서 / 책임자 / 담당자 rows and ``사무관 홍길동(044-…)`` lines: names, ranks, phones."""
    out = []
    dept = DEPARTMENT.search(line)
    if dept:
        out.append(Found(WHOLE, Attr.DEPARTMENT, dept.group("dept"), n, dept.span("dept")))
        ctx.department = dept.group("dept").split()[-1]  # its people belong to the last unit it names (the division)
    org = ctx.department or (ctx.doc.publisher or WHOLE).split()[-1]
    found = _contact_cells(line) if is_pipe_row(line) else _contact_line(line)
    for p in found:
        out.append(Found(org, p.rank, p.name, n, p.name_span, qualifiers={"person": True, "label": p.label}))
        if p.phone:
            out.append(Found(p.name, Attr.PHONE, p.phone, n, p.phone_span, qualifiers={"role": p.rank}))
    if not found and not is_pipe_row(line):
        for m in PHONE_LOOSE.finditer(line):
            pre = re.findall(r"[가-힣]{2,}", line[:m.start()])
            out.append(Found(pre[-1] if pre else WHOLE, Attr.PHONE, m.group("phone"), n, m.span("phone")))
    return out


@dataclass
class _Person:
    """A person a contact row or line names: rank or label, label, name and phone with their spans in the line."""

    rank: str
    label: str | None
    name: str
    name_span: tuple[int, int]
    phone: str | None = None
    phone_span: tuple[int, int] | None = None


# a cell that opens with a rank, maybe spaced as forms print it ("과 장 정현우", "사무관 윤서진 (044-…)")
_RANKED = re.compile("^(?P<rank>" + "|".join(r"\s*".join(rank) for rank in sorted(RANKS, key=len, reverse=True))
                     + r")\s+(?P<rest>\S.*)$")
_PHONE_CELL = re.compile(rf"\(?\s*(?P<phone>{PHONE})\s*\)?")


def _contact_cells(line: str) -> list[_Person]:
    """People in a contact table row, each with the phone its cell or the next cell gives."""
    found: list[_Person] = []
    label, rank = None, None
    pos = line.index("|") + 1
    for cell in line.strip().strip("|").split("|"):
        start = line.index(cell, pos)
        pos = start + len(cell)
        value = cell.strip()
        if not value:
            continue
        offset = start + (len(cell) - len(cell.lstrip()))
        word = squeeze(value)
        if word in CONTACT_LABELS:
            label = word
        elif word in RANKS:
            rank = word
        elif (phone := _PHONE_CELL.fullmatch(value)) and found and found[-1].phone is None:
            found[-1].phone, found[-1].phone_span = phone.group("phone"), _span(phone, "phone", offset)
        else:
            ranked = _RANKED.match(value)
            if ranked:  # the rank and the person in one cell
                rank, offset, value = squeeze(ranked.group("rank")), offset + ranked.start("rest"), ranked.group("rest")
            m = NAME_PHONE.fullmatch(value)
            if m and (rank or label) and m.group("name") not in NOT_NAMES:
                phone = _span(m, "phone", offset) if m.group("phone") else None
                found.append(_Person(rank or label, label, m.group("name"), _span(m, "name", offset), m.group("phone"),
                                     phone))
    return found


def _span(m: re.Match, group: str, offset: int) -> tuple[int, int]:
    """A group's span in the line, for a match made inside a cell starting at ``offset``."""
    return offset + m.start(group), offset + m.end(group)


def _contact_line(line: str) -> list[_Person]:
    return [_Person(squeeze(m.group("role")), None, m.group("name"), m.span("name"), m.group("phone"), m.span("phone"))
            for m in CONTACT_LINE.finditer(line) if m.group("name") not in NOT_NAMES]

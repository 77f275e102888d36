"""Answer: the result users see — a direct answer, its kind, the facts used and the source passages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

NOT_FOUND = "공고문에서 찾을 수 없습니다."


class QuestionError(ValueError):
    """A question the assistant cannot take (empty, too long); the message is shown to the user."""


@dataclass(frozen=True)
class Source:
    """A passage an answer came from; ``highlights`` are ``[start, end)`` character offsets into ``text``."""

    doc_id: str
    title: str
    published: str | None
    chunk_id: str
    section: str
    lines: tuple[int, int]
    text: str
    score: float
    highlights: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["lines"] = list(self.lines)
        d["highlights"] = [list(h) for h in self.highlights]
        d["score"] = round(float(self.score), 4)
        return d


@dataclass(frozen=True)
class Answer:
    """What ``Assistant.ask`` returns; ``to_dict()`` is exactly the CLI / API JSON."""

    question: str
    answer: str
    kind: str  # fact | passage | none
    facts: tuple[Any, ...] = ()  # qa.facts.Fact
    sources: tuple[Source, ...] = ()
    timing_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "kind": self.kind,
            "facts": [f.to_dict() for f in self.facts],
            "sources": [s.to_dict() for s in self.sources],
            "timing_ms": {k: round(v, 2) for k, v in self.timing_ms.items()},
        }


# ----------------------------------------------------------------------------------------------------------
# Composition: facts → a deterministic answer with its working; else the best passage; else "not found".
import re  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from .chunk import Chunk  # noqa: E402
from .facts import MAGNITUDE, WHOLE, Fact, format_number  # noqa: E402
from .ingest import Document  # noqa: E402
from .korean import tokenize  # noqa: E402
from .question import QUESTION_WORDS, Question, compact, family_of  # noqa: E402

if TYPE_CHECKING:
    from .retrieve import Hit


@dataclass
class Draft:
    """An answer before sources are attached."""

    text: str
    kind: str
    facts: list[Fact] = field(default_factory=list)
    unit_chunk: Chunk | None = None  # passage answers: the chunk and span the answer was cut from
    unit_span: tuple[int, int] | None = None


MONEY_FAMILIES = {"국비", "지원금액"}
# what a number question asks for, and how such a number is written in a passage
NUMBER_FAMILIES = {"국비": r"\d\s*(억|만|천)?\s*원", "지방비": r"\d\s*(억|만|천)?\s*원",
                   "총사업비": r"\d\s*(억|만|천)?\s*원", "사업비": r"\d\s*(억|만|천)?\s*원",
                   "지원금액": r"\d\s*(억|만|천)?\s*원", "경쟁률": r"\d\s*:\s*1|\d\s*대\s*1",
                   "비율": r"\d\s*(%|퍼센트)", "신청 수": r"\d+\s*(개|곳|건|팀|명)", "선정 수": r"\d+\s*(개|곳|건|팀|명)",
                   "지원기간": r"\d+\s*(년|개월)"}
TYPED_FAMILIES = {"전화번호": r"\d{2,4}-\d{3,4}-\d{4}", "담당자": r"(과장|사무관|주무관|담당)", "담당 부서": r"(과|팀)\b",
                  "웹사이트": r"www\.|https?://", "출처": r"https?://"}


def passage_fits(q: Question, text: str) -> bool:
    """A passage can only answer a question that asks for a number (or a phone, a URL …) if it holds one."""
    patterns = [NUMBER_FAMILIES.get(f) or TYPED_FAMILIES.get(f) for f in q.families]
    patterns = [p for p in patterns if p]
    if q.intent in ("count", "sum", "diff", "max", "min"):
        patterns.append(r"\d")
    if not patterns:
        return True
    return any(re.search(p, text) for p in patterns)
_MIN_WORDS = re.compile(r"가장적|제일적|가장낮|최저|최소|least|lowest")
_MAX_WORDS = re.compile(r"가장많|제일많|가장높|최고|최다|most|highest")


class Composer:
    """Turns a linked :class:`~qa.question.Question` plus the facts table into a :class:`Draft`."""

    def __init__(self, facts: list[Fact], documents: list[Document], entity_names: set[str]) -> None:
        self.facts = facts
        self.docs = {d.doc_id: d for d in documents}
        self.entity_names = entity_names
        self.doc_order = {d.doc_id: i for i, d in enumerate(
            sorted(documents, key=lambda d: (d.published or f"{d.year or 0}", d.doc_id), reverse=True))}

    # ------------------------------------------------------------------ selection helpers
    def scope(self, q: Question) -> list[Fact]:
        return [f for f in self.facts if q.doc_ids is None or f.doc_id in q.doc_ids]

    @staticmethod
    def wants(f: Fact, q: Question) -> bool:
        if "담당자" in q.families and f.qualifiers.get("label") in ("책임자", "담당자") and \
                ("책임자" in q.compact) == (f.qualifiers["label"] == "책임자"):
            return True
        return (family_of(f.attribute) in q.families) or (f.attribute in q.attributes)

    def selected_entities(self, facts: list[Fact], q: Question) -> list[tuple[str, str, str | None]]:
        """(doc_id, entity, category) of the entities a document lists, filtered by the question's
        categories and named values, in document order."""
        seen, out = set(), []
        value_subjects = None
        if q.values:
            value_subjects = {(f.doc_id, f.subject) for f in facts
                              if any(v == compact(f.text) or v == compact(f.text).rstrip("원") for v in q.values)}
        for f in sorted(facts, key=lambda f: (f.doc_id, f.line)):
            if f.subject not in self.entity_names or (f.doc_id, f.subject) in seen:
                continue
            cat = f.qualifiers.get("category")
            if q.categories and cat not in q.categories:
                continue
            if value_subjects is not None and (f.doc_id, f.subject) not in value_subjects:
                continue
            seen.add((f.doc_id, f.subject))
            out.append((f.doc_id, f.subject, cat))
        return out

    def by_doc(self, items: list, key: Callable = lambda x: x.doc_id) -> list[tuple[str, list]]:
        groups: dict[str, list] = {}
        for it in items:
            groups.setdefault(key(it), []).append(it)
        return sorted(groups.items(), key=lambda kv: self.doc_order.get(kv[0], 0))

    def label(self, doc_id: str) -> str:
        d = self.docs[doc_id]
        return f"[{d.title}" + (f", {d.published}]" if d.published else "]")

    def join_docs(self, parts: list[tuple[str, str]]) -> str:
        """One block per document; labelled with title and date when there is more than one."""
        if len(parts) == 1:
            return parts[0][1]
        return "\n".join(f"{self.label(doc_id)} {text}" for doc_id, text in parts)

    # ------------------------------------------------------------------ entry
    def compose(self, q: Question) -> Draft | None:
        facts = self.scope(q)
        if not facts:
            return None
        for step in (self.extreme, self.diff, self.sum, self.total, self.count, self.listing, self.selection,
                     self.lookup):
            draft = step(q, facts)
            if draft:
                return draft
        return None

    # ------------------------------------------------------------------ lookup
    def lookup_facts(self, q: Question, facts: list[Fact]) -> list[Fact]:
        wanted = [f for f in facts if self.wants(f, q)]
        targets = set(q.entities) | set(q.categories)
        if set(q.families) & MONEY_FAMILIES and targets:
            # "김천시는 얼마 받아?" where a table names the money column otherwise (특별교부세, 상금 …): per document
            covered_docs = {f.doc_id for f in wanted if f.subject in targets}
            wanted += [f for f in facts if f.subject in targets and f.unit.endswith("원") and f.value is not None
                       and f.doc_id not in covered_docs and f not in wanted]
        if not wanted:
            return []
        if not targets:
            return wanted
        out = [f for f in wanted if f.subject in targets]
        covered = {f.subject for f in out}
        for e in q.entities:
            if e in covered:
                continue
            # an entity inherits category-level facts (전주시 경쟁률 → 거점형 경쟁률)
            cats = {f.qualifiers.get("category") for f in facts if f.subject == e} - {None}
            out += [f for f in wanted if f.subject in cats and f not in out]
        if not out:  # nothing about the named target: the document-level statement ("유형 수" of the whole call)
            out = [f for f in wanted if f.subject == WHOLE and f.attribute in q.attributes]
        for c in ([] if q.entities else q.categories):
            if c in covered:
                continue
            # a category's members' facts (강소형 국비 → 안산시, 김천시, 김해시)
            out += [f for f in wanted if f.qualifiers.get("category") == c and f.subject in self.entity_names
                    and f not in out]
        if not q.entities and not q.categories:
            return out
        return out

    def lookup(self, q: Question, facts: list[Fact]) -> Draft | None:
        if not (q.families or q.attributes):
            return None
        # a fact whose value the question already states ("대구 특화단지는 어떤 분야…": 유형 = 특화단지) answers nothing
        found = [f for f in self.lookup_facts(q, facts) if not (f.value is None and compact(f.text) in q.compact)]
        if not found:
            return None
        parts = []
        for doc_id, fs in self.by_doc(found):
            parts.append((doc_id, self.render_facts(fs, q)))
        return Draft(self.join_docs(parts), "fact", found)

    def render_facts(self, fs: list[Fact], q: Question) -> str:
        groups: dict[tuple[str, str, str], list[Fact]] = {}
        for f in fs:
            groups.setdefault((f.attribute, f.text, self.qualifier_note(f)), []).append(f)
        if len(fs) > 2 and len(groups) < len(fs):
            lines = []
            for (attr, text, note), g in groups.items():
                subjects = [x.subject for x in g if x.subject != WHOLE]
                who = f" — {', '.join(subjects)}" if subjects else ""
                each = "각 " if len(subjects) > 1 else ""
                lines.append(f"{attr}: {each}{text}{note}{who}")
            return lines[0] if len(lines) == 1 else "\n".join(f"• {x}" for x in lines)
        lines = []
        for f in fs:
            subj = f.subject
            if q.entities and f.subject not in q.entities and f.subject not in self.entity_names:
                members = [e for e in q.entities if any(g.subject == e and g.qualifiers.get("category") == f.subject
                                                        for g in self.facts if g.doc_id == f.doc_id)]
                if members:
                    subj = f"{f.subject}({', '.join(members)})"
            subj = "" if subj == WHOLE else subj + " "
            lines.append(f"{subj}{f.attribute}: {f.text}{self.qualifier_note(f)}")
        if len(lines) == 1:
            return lines[0]
        return "\n".join(f"• {line}" for line in lines)

    @staticmethod
    def qualifier_note(f: Fact) -> str:
        notes = [f.qualifiers[k] for k in ("bound", "period", "matching") if f.qualifiers.get(k)]
        return f" ({', '.join(notes)})" if notes else ""

    # ------------------------------------------------------------------ arithmetic
    def numeric(self, q: Question, facts: list[Fact], subjects: list[str] | None) -> dict[str, list[Fact]]:
        """Numeric facts of the first asked attribute that has any: named attributes (면적) first, then
        attribute families, then 국비 as the default quantity of a funding announcement."""
        keys = [("attr", a) for a in q.attributes] + [("fam", f) for f in q.families]
        keys = keys or [("fam", "국비")]
        out: dict[str, list[Fact]] = {}
        for how, key in keys:
            for f in facts:
                if f.value is None or f.qualifiers.get("person") or f.qualifiers.get("total"):
                    continue
                if (how == "attr" and f.attribute != key) or (how == "fam" and family_of(f.attribute) != key):
                    continue
                if subjects is not None and f.subject not in subjects:
                    continue
                out.setdefault(key, []).append(f)
            if out:
                break
        if not out and set(q.families) & MONEY_FAMILIES:
            # a money question where the table names its money column otherwise (특별교부세 …)
            money = [f for f in facts if f.unit.endswith("원") and f.value is not None and not f.qualifiers.get("total")
                     and (subjects is None or f.subject in subjects) and f.subject in self.entity_names]
            if money:
                attr = max({f.attribute for f in money}, key=lambda a: sum(f.attribute == a for f in money))
                out[attr] = [f for f in money if f.attribute == attr]
        return out

    def sum(self, q: Question, facts: list[Fact]) -> Draft | None:
        if q.intent != "sum":
            return None
        excluded = q.entities if re.search(r"빼|제외|말고|except|excluding", q.text) else []
        subjects = q.entities if len(q.entities) >= 2 and not excluded else None
        if subjects is None:
            members = self.selected_entities(facts, replace(q, entities=[]) if excluded else q)
            subjects = [e for _, e, _ in members if e not in excluded] if members else None
        derived = self.derived_sum(q, facts, subjects)
        if derived:
            return derived
        fam_facts = self.numeric(q, facts, subjects)
        if not fam_facts:
            return None
        fs = next(iter(fam_facts.values()))
        fs = [f for f in fs if f.subject in self.entity_names or subjects is None]
        parts, used = [], []
        for doc_id, group in self.by_doc(fs):
            group = _dedupe_subjects(group)
            if len(group) < 2:
                continue
            total, unit = _add([f for f in group])
            working = " + ".join(f"{f.subject} {f.text}" for f in group)
            attr = group[0].attribute
            label = f"{attr} 합계" + (f"({', '.join(excluded)} 제외)" if excluded else "")
            parts.append((doc_id, f"{label}: {total}{unit} ({working})"))
            used += group
        return Draft(self.join_docs(parts), "fact", used) if parts else None

    def derived_sum(self, q: Question, facts: list[Fact], subjects: list[str] | None) -> Draft | None:
        """Sum of 총사업비 (or 지방비) computed from 국비 and the matching ratio, when the document states none."""
        fam = next((f for f in q.families if f in ("총사업비", "지방비")), None)
        if fam is None or any(family_of(f.attribute) == fam and f.subject in (subjects or [f.subject]) for f in facts):
            return None
        parts, used = [], []
        national = [f for f in facts if family_of(f.attribute) == "국비" and f.value is not None
                    and f.subject in (subjects or self.entity_names)]
        for doc_id, group in self.by_doc(national):
            rows = []
            for f in _dedupe_subjects(group):
                ratio = self.matching(f, facts)
                if ratio is None:
                    rows = []
                    break
                a, b, key, mfact = ratio
                value = f.value * b / a + (f.value if fam == "총사업비" else 0)
                rows.append((f, value, mfact))
            if len(rows) < 2:
                continue
            total = sum(v for _, v, _ in rows)
            unit = rows[0][0].unit
            working = " + ".join(f"{f.subject} {format_number(v)}{unit}" for f, v, _ in rows)
            a, b, key, _ = self.matching(rows[0][0], facts)
            label = "총사업비" if fam == "총사업비" else key
            parts.append((doc_id, f"{label} 합계: {format_number(total)}{unit} ({working}; 국비:{key}={a}:{b}로 계산)"))
            used += [f for f, _, _ in rows] + [m for _, _, m in rows if m]
        return Draft(self.join_docs(parts), "fact", used) if parts else None

    def diff(self, q: Question, facts: list[Fact]) -> Draft | None:
        targets = q.entities + q.categories
        if q.intent != "diff" or len(targets) < 2:
            return None
        fam_facts = self.numeric(q, facts, targets[:2])
        if not fam_facts:
            return None
        fs = next(iter(fam_facts.values()))
        parts, used = [], []
        for doc_id, group in self.by_doc(fs):
            pick = {f.subject: f for f in reversed(group)}
            if len(pick) < 2 or not all(t in pick for t in targets[:2]):
                continue
            a, b = pick[targets[0]], pick[targets[1]]
            if a.unit != b.unit and not (a.unit.endswith("원") and b.unit.endswith("원")):
                continue
            if (b.base_value or 0) > (a.base_value or 0):
                a, b = b, a
            value, unit = _diff(a, b)
            parts.append((doc_id, f"{a.attribute} 차이: {value}{unit} ({a.subject} {a.text} - {b.subject} {b.text})"))
            used += [a, b]
        if not parts:
            return None
        return Draft(self.join_docs(parts), "fact", used)

    def total(self, q: Question, facts: list[Fact]) -> Draft | None:
        """총사업비 / 지방비: stated when the document states it, else computed from 국비 and the matching ratio."""
        fam = next((f for f in q.families if f in ("총사업비", "지방비")), None)
        if fam is None:
            return None
        stated = [f for f in self.lookup_facts(q, facts) if family_of(f.attribute) == fam]
        if stated:
            return None  # a plain lookup shows what the document says
        subjects = q.entities or [e for _, e, _ in self.selected_entities(facts, q)]
        parts, used = [], []
        national = [f for f in facts if family_of(f.attribute) == "국비" and f.subject in subjects and f.value is not None]
        for doc_id, group in self.by_doc(national):
            lines = []
            for f in _dedupe_subjects(group):
                ratio = self.matching(f, facts)
                if ratio is None:
                    continue
                a, b, key, mfact = ratio
                local = f.value * b / a
                local_txt = f"{format_number(local)}{f.unit}"
                if fam == "지방비":
                    lines.append(f"{f.subject} {key}: {local_txt} (국비 {f.text} × {b}/{a}, 국비:{key}={a}:{b})")
                else:
                    total = f.value + local
                    lines.append(f"{f.subject} 총사업비: {format_number(total)}{f.unit} "
                                 f"(국비 {f.text} + {key} {local_txt}, 국비:{key}={a}:{b})")
                used += [f] + ([mfact] if mfact else [])
            if lines:
                parts.append((doc_id, lines[0] if len(lines) == 1 else "\n".join(f"• {x}" for x in lines)))
        return Draft(self.join_docs(parts), "fact", used) if parts else None

    @staticmethod
    def matching(f: Fact, facts: list[Fact]) -> tuple[int, int, str, Fact | None] | None:
        for g in facts:
            if g.doc_id == f.doc_id and g.subject == f.subject and g.attribute == "매칭비율" and g.line == f.line:
                return g.qualifiers["national"], g.qualifiers["local"], g.qualifiers.get("local_key", "지방비"), g
        m = re.fullmatch(r"국비:(\S+)=(\d+):(\d+)", f.qualifiers.get("matching", ""))
        if m:
            return int(m.group(2)), int(m.group(3)), m.group(1), None
        return None

    # ------------------------------------------------------------------ counts and lists
    def count(self, q: Question, facts: list[Fact]) -> Draft | None:
        if q.intent != "count":
            return None
        in_family = [f for f in facts if f.attribute.endswith(" 수") and family_of(f.attribute) in q.families]
        stated = in_family or [f for f in facts if f.attribute.endswith(" 수")
                               and compact(f.attribute[:-2]) in q.compact]
        stated = [f for f in stated if not (q.categories or q.entities) or f.subject in q.categories + q.entities]
        if stated and not ("선정" in q.compact and not any(f.attribute == "선정 수" for f in stated)):
            parts = []
            for d, fs in self.by_doc(stated):
                fs = _dedupe_subjects(fs)
                if len(fs) > 1 and re.search(r"모두|전체|총|합|all|total", q.text) and len({f.unit for f in fs}) == 1:
                    total, unit = _add(fs)  # "세 유형에 신청한 지자체는 모두 몇 곳?" = 3 + 16 + 6
                    parts.append((d, f"{fs[0].attribute} 합계: {total}{unit} ("
                                     + " + ".join(f"{f.subject} {f.text}" for f in fs) + ")"))
                else:
                    parts.append((d, self.render_facts(fs, q)))
            return Draft(self.join_docs(parts), "fact", stated)
        if q.entities:
            return None  # "전주시 인구는 몇 명?" is not a count of the selected entities
        members = self.selected_entities(facts, q)
        if not members:
            return None
        parts, used = [], []
        for doc_id, group in self.by_doc(members, key=lambda m: m[0]):
            names = [e for _, e, _ in group]
            scope = "·".join(q.categories) + " " if q.categories else ""
            parts.append((doc_id, f"{scope}{len(names)}곳 ({', '.join(names)})"))
            used += self.member_facts(facts, group)
        return Draft(self.join_docs(parts), "fact", used)

    def extreme(self, q: Question, facts: list[Fact]) -> Draft | None:
        """"국비를 가장 많이 받는 곳", "경쟁이 제일 치열한 유형": the largest (or smallest) value; with both
        "가장 많이" and "가장 적게" and 차이, the difference between the two."""
        spread = q.intent == "diff" and _MAX_WORDS.search(q.compact) and _MIN_WORDS.search(q.compact)
        if q.intent not in ("max", "min") and not spread:
            return None
        subjects = q.entities if len(q.entities) >= 2 else None
        if subjects is None and q.categories:
            subjects = [e for _, e, _ in self.selected_entities(facts, q)] or None
        fam_facts = self.numeric(q, facts, subjects)
        if not fam_facts:
            return None
        parts, used = [], []
        for doc_id, group in self.by_doc(next(iter(fam_facts.values()))):
            group = [f for f in _dedupe_subjects(group) if f.subject != WHOLE and f.base_value is not None]
            if len(group) < 2:
                continue
            if re.search(r"차이|차액|difference", q.text) and _MIN_WORDS.search(q.compact):
                hi = max(group, key=lambda f: f.base_value)
                lo = min(group, key=lambda f: f.base_value)
                value, unit = _diff(hi, lo)
                parts.append((doc_id, f"{hi.attribute} 최대·최소 차이: {value}{unit} "
                                      f"({hi.subject} {hi.text} - {lo.subject} {lo.text})"))
                used += [hi, lo]
                continue
            pick = (max if q.intent == "max" else min)(f.base_value for f in group)
            best = [f for f in group if f.base_value == pick]
            parts.append((doc_id, ", ".join(f.subject for f in best) + f" ({best[0].attribute} {best[0].text})"))
            used += best
        return Draft(self.join_docs(parts), "fact", used) if parts else None

    def listing(self, q: Question, facts: list[Fact]) -> Draft | None:
        if q.intent not in ("list", "where") or q.entities or q.attributes:
            return None
        if q.families and not set(q.families) <= {"유형", "세부유형"} and not q.values:
            return None
        members = self.selected_entities(facts, q)
        if not members:
            return None
        parts, used = [], []
        for doc_id, group in self.by_doc(members, key=lambda m: m[0]):
            cats: dict[str | None, list[str]] = {}
            for _, e, c in group:
                cats.setdefault(c, []).append(e)
            if len(cats) == 1 or q.categories:
                text = ", ".join(e for es in cats.values() for e in es)
                if q.categories:
                    text = f"{'·'.join(q.categories)}: {text}"
            else:
                text = " / ".join(f"{c}: {', '.join(es)}" if c else ", ".join(es) for c, es in cats.items())
            parts.append((doc_id, text))
            used += self.member_facts(facts, group)
        return Draft(self.join_docs(parts), "fact", used)

    def member_facts(self, facts: list[Fact], group: list[tuple[str, str, str | None]]) -> list[Fact]:
        """The fact that shows each listed entity (its table row's category cell, else its first fact)."""
        out = []
        for doc_id, e, _ in group:
            mine = [f for f in facts if f.doc_id == doc_id and f.subject == e]
            pick = next((f for f in mine if family_of(f.attribute) == "유형"), mine[0] if mine else None)
            if pick:
                out.append(pick)
        return out

    def selection(self, q: Question, facts: list[Fact]) -> Draft | None:
        """"전주시는 선정됐나요?" — the entity's own row says so."""
        if not q.entities or "선정" not in q.compact or (q.families and q.families != ["유형"]) or q.attributes:
            return None
        mine = [f for f in facts if f.subject in q.entities and family_of(f.attribute) == "유형"]
        if not mine:
            return None
        parts = [(d, " / ".join(f"{f.subject}: {f.text} 선정" for f in fs)) for d, fs in self.by_doc(mine)]
        return Draft(self.join_docs(parts), "fact", mine)


def _dedupe_subjects(group: list[Fact]) -> list[Fact]:
    seen, out = set(), []
    for f in group:
        if f.subject not in seen:
            seen.add(f.subject)
            out.append(f)
    return out


def _common_unit(fs: list[Fact]) -> tuple[str, int]:
    units = {f.unit for f in fs}
    if len(units) == 1:
        u = fs[0].unit
        return u, MAGNITUDE.get(u[:-1], 1) if u.endswith("원") else 1
    if all(u.endswith("원") for u in units):  # mixed 억원/만원: show in the largest unit used
        best = max(units, key=lambda u: MAGNITUDE.get(u[:-1], 1))
        return best, MAGNITUDE.get(best[:-1], 1)
    raise ValueError("units differ")


def _add(fs: list[Fact]) -> tuple[str, str]:
    unit, mag = _common_unit(fs)
    return format_number(sum(f.base_value for f in fs) / mag), unit


def _diff(a: Fact, b: Fact) -> tuple[str, str]:
    unit, mag = _common_unit([a, b])
    return format_number((a.base_value - b.base_value) / mag), unit


# ----------------------------------------------------------------------------------------------------------
# Passages: the best sentence or bullet, and whether it answers at all.
_UNIT_SPLIT = re.compile(r"(?<=다\.)\s+|(?<=[.!?])\s+(?=[가-힣A-Z“\"‘'(])|\n")
_DATE_EXPR = re.compile(r"\d{1,2}\s*월|\d{4}\s*[.년]|\d{1,2}\s*일|까지|부터")
_BULLET = re.compile(r"^\s*[□■◆◇◎▣▶►ㅇ○◦•‧∙·\-–*※]\s*")


def units(text: str) -> list[tuple[int, int]]:
    """Sentence / bullet spans of a chunk text (lines first, then sentence ends within a line)."""
    spans, pos = [], 0
    for m in _UNIT_SPLIT.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def content_tokens(q: Question, common: set[str], exclude: set[str] = frozenset()) -> list[str]:
    """The question words a passage must cover: what is asked beyond the named entity and the title of
    the announcement the question names."""
    if q.english:
        toks = tokenize(q.pseudo)
    elif q.entities:
        toks = list(q.residual)  # what is asked about the entity, beyond the words that say what kind of answer
    else:
        toks = list(q.residual) + tokenize(" ".join(q.categories + q.values))
    toks = [t for t in dict.fromkeys(toks) if t not in QUESTION_WORDS and t not in exclude
            and not re.fullmatch(r"\d+(년|월|일)?", t) and not re.fullmatch(r"[가-힣]", t)]
    rare = [t for t in toks if t not in common]
    return rare if rare or q.entities else toks


PASSAGE_KINDS = ("point", "text", "table_row", "contact", "heading")


def best_passage(q: Question, hits: list[Hit], idf: dict[str, float], entity_aliases: dict[str, set[str]],
                 common: set[str] = frozenset(), exclude: set[str] = frozenset()
                 ) -> tuple[float, Chunk | None, tuple[int, int] | None]:
    """Pick the sentence that covers most of the question (IDF-weighted), and that coverage in [0, 1].

    Units inside chunks that mention the question's entity are preferred; "언제" questions prefer units
    that hold a date. Coverage counts a question word unknown to the corpus at the maximum IDF, so a
    question about something the announcement never mentions scores low and is answered "not found".
    """
    toks = content_tokens(q, common, exclude)
    if not hits or (not toks and not q.entities):
        return 0.0, None, None
    max_idf = max(idf.values()) if idf else 1.0
    weights = {t: idf.get(t, max_idf) for t in toks}
    total = sum(weights.values())
    qc = compact(q.text)
    m = re.match(r"(.{2,30}?)(?:이란|란|은|는|이|가)\W*(?:무엇|뭐|뭔|어떤|어떻|$)", qc) or re.match(r"(.{2,30}?)의", qc)
    topic = re.sub(r"의(목적|목표|내용|의미|정의|특징|취지|뜻|약자|개념)$", "", m.group(1)) if m else None
    aliases = [a for e in q.entities for a in entity_aliases.get(e, {e}) if not a.isascii()]
    best = (-1.0, None, None, 0.0)
    for rank, h in enumerate(hits):
        c = h.chunk
        if c.kind not in PASSAGE_KINDS:
            continue
        ctx_toks = set(tokenize(c.search_text))
        mentions_entity = not aliases or any(a in compact(c.search_text) for a in aliases)
        for s, e in units(c.text):
            unit_toks = set(tokenize(c.text[s:e]))
            matched = sum(w for t, w in weights.items() if t in unit_toks)
            ctx = sum(w for t, w in weights.items() if t not in unit_toks and t in ctx_toks)
            coverage = (matched + 0.5 * ctx) / total if total else 1.0
            score = coverage - 0.02 * rank - (0.1 if c.kind == "table_row" else 0.0)
            if q.intent == "when" and _DATE_EXPR.search(c.text[s:e]):
                score += 0.15
            unit_body = _BULLET.sub("", c.text[s:e])
            unit_c = compact(unit_body)
            unit_flat = unit_body.lower().replace(" ", "")  # keeps "(" and ":" of "PBV(…)" definitions
            if topic and re.match(r"\(?" + re.escape(topic) + r"(은|는|이란|란|이|가|\)|\(|:)", unit_flat):
                score += 0.2  # "X란?" is best answered where X is the topic of the sentence
            elif topic and re.search(re.escape(topic) + r"(은|는|이란|란)", unit_c):
                score += 0.15
            elif aliases and any(re.match(r"\(?" + re.escape(a) + r"(은|는|이|가|\))", unit_c) for a in aliases):
                score += 0.1 if not toks else 0.02  # the sentence that introduces the entity's plan
            if q.intent == "quote" and re.search(r"[“\"]", c.text[s:e]):
                score += 0.2
            if q.intent == "where" and re.search(r"[가-힣]+(동|면|읍|리|구|군)(,|\s|$)|일원|일대", c.text[s:e]):
                score += 0.15
            if not mentions_entity:  # the question names someone this passage is not about
                score -= 0.5
            if score > best[0]:
                best = (score, c, (s, e), coverage if mentions_entity else 0.0)
    return best[3], best[1], best[2]


def extend_lead_in(chunk: Chunk, span: tuple[int, int]) -> tuple[int, int]:
    """A sentence that announces a list ("다음과 같은 지원이 제공된다") is answered with the list."""
    if re.search(r"다음과\s*같|아래와\s*같", chunk.text[span[0]:span[1]]) and span[1] < len(chunk.text):
        return span[0], len(chunk.text)
    return span


def passage_text(chunk: Chunk, span: tuple[int, int]) -> str:
    text = chunk.text[span[0]:span[1]]
    return "\n".join(_BULLET.sub("", line).strip() for line in text.split("\n") if line.strip())

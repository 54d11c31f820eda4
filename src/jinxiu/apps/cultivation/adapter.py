"""Between the cultivation rows and the rules engine (``jinxiu.engines.rules``).

Facts for an enterprise come from the registry (``enterprises.qualification`` builds them from
the yearly indicators the asking user may view) plus the titles it holds (valid tier records).
A verdict is stored with the revision, the version id and the version's content hash.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from jinxiu.engines.rules import (
    NoVersionInForce,
    Status,
    evaluate,
    gaps,
    parse_ruleset,
    verdict_data,
)


@lru_cache(maxsize=64)
def _parse(text: str, file: str):
    return parse_ruleset(text, file=file)


def parse_revision(revision):
    """The engine's RuleSet for a revision (parsed once per text); raises RuleSetError."""
    return _parse(revision.text, revision.file_label)


def title_facts(records, on: dt.date) -> dict:
    """``title_*`` facts from tier records: true for a tier held on ``on``. A tier without a
    record stays unknown (the registry may simply not have imported that list)."""
    from jinxiu.apps.cultivation.tiers import tier

    facts: dict = {}
    for record in records:
        fact = tier(record.tier).title_fact
        if fact and record.is_valid(on):
            facts[fact] = {"value": True, "source": record.certificate_no or "tier record"}
    return facts


@dataclass(frozen=True)
class Outcome:
    status: str
    version: str
    content_hash: str
    classification: str
    missing: list
    changes: list
    change_count: int | None
    effort: float | None
    feasible: bool
    verdict: dict


def change_dict(change) -> dict:
    return {"fact": change.fact, "year": change.year, "label": change.label,
            "unit": change.unit, "current": _json(change.current),
            "required": _json(change.required), "action": change.action,
            "criterion": change.criterion, "measure": change.measure}


def _json(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def judge(ruleset, facts: dict, *, on: dt.date, version: str | None = None,
          explain: bool = True, with_gaps: bool = True) -> Outcome:
    """Evaluate; for a firm that fails, the gap list too. Raises NoVersionInForce."""
    verdict = evaluate(ruleset, facts, on=on, version=version, explain=explain)
    gap_list = None
    if with_gaps and verdict.status == Status.FAILS and verdict.version.kind != "classification":
        gap_list = gaps(ruleset, facts, on=on, version=version)
    changes = [change_dict(c) for c in gap_list.changes] if gap_list else []
    return Outcome(
        status=str(verdict.status), version=verdict.version.id,
        content_hash=verdict.version.content_hash,
        classification=verdict.classification_title or verdict.classification or "",
        missing=list(verdict.missing), changes=changes,
        change_count=len(changes) if gap_list else None,
        effort=round(gap_list.effort, 6) if gap_list else None,
        feasible=gap_list.feasible if gap_list else True,
        verdict=verdict_data(verdict, gap_list))


# --- the facts an application asks for --------------------------------------------------
@dataclass(frozen=True)
class FactField:
    name: str  # the engine fact
    year: int | None  # None: undated
    label: str
    unit: str
    type: str  # number / integer / bool / enum / string / date
    values: tuple[str, ...]
    manual: bool

    @property
    def key(self) -> str:
        return f"f__{self.name}__{self.year}" if self.year else f"f__{self.name}"


def _criteria_nodes(criteria):
    for c in criteria:
        if c.test is not None:
            yield c.test
        yield from _criteria_nodes(c.children)
        if c.table is not None:
            for item in c.table.items:
                if item.value is not None:
                    yield item.value
                for band in item.bands:
                    if band.when is not None:
                        yield band.when


def _score_facts(criteria):
    for c in criteria:
        yield from _score_facts(c.children)
        if c.table is not None:
            for item in c.table.items:
                if item.score_fact:
                    yield item.score_fact


def _years_used(node, into: dict[str, set]) -> None:
    """Fact name -> year offsets (relative to the assessment year) an expression reads."""
    from jinxiu.engines.rules.expr import Call, Const, Ref, walk

    for n in walk(node):
        if isinstance(n, Ref):
            into.setdefault(n.name, set())
            if n.rel is not None:
                into[n.name].add(n.rel)
        elif isinstance(n, Call) and n.args and isinstance(n.args[0], Ref):
            name = n.args[0].name
            consts = [a.value for a in n.args[1:] if isinstance(a, Const)]
            if n.func in ("total", "avg", "all_years") and len(consts) == 2:
                lo, hi = sorted(int(c) for c in consts)
                into.setdefault(name, set()).update(range(lo, hi + 1))
            elif n.func in ("avg_growth", "cagr") and consts:
                into.setdefault(name, set()).update(range(-int(consts[0]) - 1, 0))


def referenced_facts(ruleset, version) -> dict[str, set]:
    """The catalogue facts a version reads (derived values expanded), in catalogue order,
    each with the year offsets it is read at (empty: the latest or undated value)."""
    derived = dict(version.derived)
    used: dict[str, set] = {}
    for node in _criteria_nodes((*version.criteria, *version.classes)):
        _years_used(node, used)
    for name in _score_facts(version.criteria):
        used.setdefault(name, set())
    expanded: set[str] = set()
    while True:
        todo = [n for n in used if n in derived and n not in expanded]
        if not todo:
            break
        for name in todo:
            expanded.add(name)
            _years_used(derived[name], used)
    order = {name: i for i, name in enumerate(ruleset.catalogue)}
    return {n: used[n] for n in sorted((n for n in used if n in ruleset.catalogue),
                                       key=order.get)}


def fact_fields(ruleset, *, on: dt.date, language: str = "zh") -> list[FactField]:
    """The form fields for the version in force on ``on``: one per undated fact, and for a
    yearly fact one per year the rules read (上年度 when they read only the latest value)."""
    version = ruleset.version_on(on)
    fields = []
    for name, offsets in referenced_facts(ruleset, version).items():
        spec = ruleset.catalogue[name]
        label = spec.label_zh if language.startswith("zh") else spec.label_en
        if spec.yearly:
            years = [on.year + k for k in sorted(offsets or {-1}, reverse=True)]
        else:
            years = [None]
        for year in years:
            fields.append(FactField(name, year, label, spec.unit, spec.type, spec.values,
                                    spec.manual))
    return fields


def facts_document(values: dict, *, source: str, enterprise: str = "") -> dict:
    """The engine's facts dict from the stored application facts
    (``{"name": value}`` or ``{"name": {"2025": value}}``)."""
    facts: dict = {}
    for name, value in values.items():
        if isinstance(value, dict):
            by_year = {y: v for y, v in value.items() if v is not None}
            if by_year:
                facts[name] = {"source": source, "by_year": by_year}
        elif value is not None:
            facts[name] = {"value": value, "source": source}
    return {"enterprise": enterprise, "facts": facts}


def merge_facts(base: dict, extra: dict) -> dict:
    """``base`` facts with ``extra`` on top (by fact, and by year for yearly facts)."""
    merged = dict(base.get("facts", {}))
    for name, value in extra.get("facts", {}).items():
        old = merged.get(name)
        if isinstance(value, dict) and "by_year" in value and isinstance(old, dict) \
                and "by_year" in old:
            years = {y: {"value": v, "source": old.get("source")}
                     for y, v in old["by_year"].items()}
            years.update({y: {"value": v, "source": value.get("source")}
                          for y, v in value["by_year"].items()})
            merged[name] = {"by_year": years}
        else:
            merged[name] = value
    return {"enterprise": extra.get("enterprise") or base.get("enterprise", ""),
            "facts": merged}


__all__ = ["NoVersionInForce", "Outcome", "fact_fields", "facts_document", "judge",
           "merge_facts", "parse_revision", "referenced_facts", "title_facts"]

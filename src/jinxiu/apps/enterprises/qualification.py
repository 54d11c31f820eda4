"""Qualification pre-check (资格预判): every shipped rule set on the registry's figures.

Facts come from the yearly indicators the user may see (``selectors.indicators_for``), so a
verdict never reveals a figure the user could not read. What the registry does not record
(market share, expert scores, titles …) stays unknown, and the verdict says "cannot tell"
with the missing facts named — which is what a bureau needs to know before a review.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jinxiu.engines.rules import NoVersionInForce, Status, evaluate, gaps, load_shipped

# shipped rule sets about an enterprise's tier (the others need facts from other sources:
# unemployment insurance, dyeing plant measurements)
TIER_RULESETS = ("size_class", "above_scale", "innovative_sme", "zjtx_sme", "little_giant",
                 "tech_sme", "high_tech")

# indicator field -> yearly fact names in the rules engine (docs/engines/rules.md)
YEARLY = {
    "operating_revenue": ("revenue", "main_revenue"),
    "rd_expense": ("rd_expense",),
    "profit": ("net_profit",),
    "employees": ("employees",),
}


@dataclass(frozen=True)
class QualificationRow:
    ruleset_id: str
    name: str
    document: str
    version: str
    status: str  # Status value
    classification: str
    missing: tuple[str, ...]
    changes: tuple[str, ...]  # the gap list, for a firm that does not qualify
    assumptions: tuple[str, ...]


def facts_from_indicators(enterprise, indicators) -> dict:
    facts: dict = {}
    for field_name, names in YEARLY.items():
        by_year = {str(i.year): float(getattr(i, field_name)) for i in indicators
                   if getattr(i, field_name) is not None}
        if by_year:
            for name in names:
                facts[name] = {"source": "registry", "by_year": by_year}
    if enterprise.main_industry:
        facts["industry_code"] = enterprise.main_industry
    if enterprise.established_on:
        facts["registered_on"] = enterprise.established_on.isoformat()
    latest = max((i for i in indicators if i.invention_patents is not None),
                 key=lambda i: i.year, default=None)
    if latest is not None:
        facts["ip_class1"] = latest.invention_patents  # invention patents are class-I IP
    return {"enterprise": enterprise.organization.name, "facts": facts}


def qualification_rows(enterprise, indicators, *, on: dt.date | None = None
                       ) -> list[QualificationRow]:
    on = on or dt.date.today()
    facts = facts_from_indicators(enterprise, indicators)
    shipped = load_shipped()
    rows = []
    for ruleset_id in TIER_RULESETS:
        ruleset = shipped.get(ruleset_id)
        if ruleset is None:
            continue
        try:
            verdict = evaluate(ruleset, facts, on=on)
        except NoVersionInForce:
            continue
        changes: tuple[str, ...] = ()
        if verdict.status == Status.FAILS and verdict.version.kind != "classification":
            gap_list = gaps(ruleset, facts, on=on)
            changes = tuple(
                f"{c.label or c.fact}{f' {c.year}' if c.year else ''}: "
                f"{_fmt(c.current)} → {_fmt(c.required)}" for c in gap_list.changes)
        labels = ruleset.catalogue
        rows.append(QualificationRow(
            ruleset_id=ruleset_id, name=ruleset.name, document=verdict.version.document,
            version=verdict.version.id, status=str(verdict.status),
            classification=verdict.classification_title or verdict.classification or "",
            missing=tuple(_label(labels, m) for m in verdict.missing),
            changes=changes, assumptions=tuple(verdict.assumptions)))
    return rows


def _label(catalogue, missing: str) -> str:
    name = missing.split("[")[0].split(" ")[0]
    spec = catalogue.get(name)
    return f"{spec.label_zh}（{missing}）" if spec else missing


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return "—" if value is None else str(value)

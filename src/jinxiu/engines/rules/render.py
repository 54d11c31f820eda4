"""Verdicts and gap lists as text (for people) and as JSON-ready dicts (for machines)."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date
from enum import Enum
from typing import Any

from jinxiu.engines.rules.expr import Unknown
from jinxiu.engines.rules.model import (
    Change,
    Check,
    FactUse,
    GapList,
    Outcome,
    Status,
    Verdict,
    Version,
)

MARK = {Status.QUALIFIES: "✔", Status.FAILS: "✘", Status.UNKNOWN: "?"}
WORD = {
    Status.QUALIFIES: "QUALIFIES (符合)",
    Status.FAILS: "DOES NOT QUALIFY (不符合)",
    Status.UNKNOWN: "CANNOT TELL (无法判断)",
}


def fmt_value(v: Any, unit: str = "") -> str:
    if isinstance(v, Unknown):
        return "?"
    if v is None:
        return "?"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int | float):
        if unit == "ratio":
            return f"{v * 100:.2f}".rstrip("0").rstrip(".") + " %"
        text = f"{v:,.4f}".rstrip("0").rstrip(".") if isinstance(v, float) else f"{v:,}"
        return f"{text} {unit}".strip() if unit and unit not in ("count",) else text
    if isinstance(v, tuple):
        return "(" + ", ".join(fmt_value(x) for x in v) + ")"
    return str(v)


def _fact(u: FactUse) -> str:
    year = f" {u.year}" if u.year is not None else ""
    src = f" [{u.source}]" if u.source else ""
    label = f" {u.label}" if u.label else ""
    return f"{u.name}{year} = {fmt_value(u.value, u.unit)}{src}{label and ' ·' + label}"


def _check(c: Check) -> str:
    unit = c.unit
    return (
        f"{MARK[c.status]} {c.text}: {fmt_value(c.value, unit)} {c.op} "
        f"{fmt_value(c.threshold, unit)}"
    )


def version_line(v: Version) -> str:
    to = v.effective_to.isoformat() if v.effective_to else "open"
    return (
        f"{v.title} · {v.issuer} · {v.document} · version {v.id} "
        f"(in force {v.effective_from} – {to}, #{v.content_hash})"
    )


def _outcome(o: Outcome, depth: int, lines: list[str], *, brief: bool = False) -> None:
    """One criterion; ``brief`` prints only its head line (an alternative not taken)."""
    pad = "  " * depth
    sec = f" [{o.section}]" if o.section else ""
    flags = ""
    if o.manual:
        flags += " (manual review)"
    if o.assumption:
        flags += " (ASSUMPTION)"
    head = f"{pad}{MARK[o.status]} {o.id} · {o.title}{sec}{flags}"
    if o.kind in ("all", "any"):
        head += " — all of:" if o.kind == "all" else " — any of:"
    lines.append(head)
    if brief:
        return
    for c in o.checks:
        lines.append(f"{pad}    {_check(c)}")
    for u in o.facts if o.kind == "test" else ():
        lines.append(f"{pad}      · {_fact(u)}")
    if o.kind == "points":
        for it in o.items:
            pts = (
                "?"
                if it.points is None
                else (
                    fmt_value(it.points[0])
                    if it.points[0] == it.points[1]
                    else f"{fmt_value(it.points[0])}–{fmt_value(it.points[1])}"
                )
            )
            val = f" value {fmt_value(it.value, it.unit)}" if it.value is not None else ""
            band = f" band {it.band}" if it.band else ""
            miss = f" missing: {', '.join(it.missing)}" if it.missing else ""
            grp = f"[{it.group}] " if it.group else ""
            lines.append(
                f"{pad}    {grp}{it.id} · {it.title}: {pts} / {fmt_value(it.max)}{val}{band}{miss}"
            )
        for g in o.groups:
            need = f" (needs ≥ {fmt_value(g.min)})" if g.min is not None else ""
            sub = fmt_value(g.low) if g.low == g.high else f"{fmt_value(g.low)}–{fmt_value(g.high)}"
            lines.append(f"{pad}    {MARK[g.status]} group {g.title}: {sub}{need}")
        if o.total is not None:
            lo, hi = o.total
            tot = fmt_value(lo) if lo == hi else f"{fmt_value(lo)}–{fmt_value(hi)}"
            rule = ""
            if o.pass_mark is not None:
                rule = f" (pass: {'>' if o.strict else '≥'} {fmt_value(o.pass_mark)})"
            lines.append(f"{pad}    total {tot}{rule}")
    if o.missing and o.status is Status.UNKNOWN:
        lines.append(f"{pad}    missing: {', '.join(o.missing)}")
    if o.reason and o.status is Status.UNKNOWN:
        lines.append(f"{pad}    reason: {o.reason}")
    if o.assumption:
        lines.append(f"{pad}    assumption: {o.assumption}")
    for child in o.children:
        # in an any-of that holds, the alternatives not taken need no detail
        skip = o.kind == "any" and o.status is Status.QUALIFIES and child.status is not o.status
        _outcome(child, depth + 1, lines, brief=skip)


def change_line(c: Change) -> str:
    year = f" {c.year}" if c.year is not None else ""
    label = f" ({c.label})" if c.label else ""
    if c.action == "provide":
        return f"provide {c.fact}{year}{label} — needed by {c.criterion}"
    delta = ""
    if c.delta is not None:
        sign = "+" if c.delta > 0 else "−"
        delta = f" ({sign}{fmt_value(abs(c.delta), c.unit)})"
    measure = f"  [{c.measure}]" if c.measure else ""
    return (
        f"{c.criterion}: {c.fact}{year}{label}: {fmt_value(c.current, c.unit)} → "
        f"{fmt_value(c.required, c.unit)}{delta}{measure}"
    )


def verdict_text(v: Verdict, gaps: GapList | None = None) -> str:
    lines = [f"{v.ruleset_name} ({v.ruleset_id})", version_line(v.version)]
    who = f"{v.enterprise} · " if v.enterprise else ""
    result = WORD[v.status]
    if v.classification:
        result = f"{v.classification_title} ({v.classification})"
    lines.append(f"{who}assessed on {v.assessed_on}: {result}")
    lines.append("")
    for o in v.criteria:
        _outcome(o, 0, lines)
    if v.classes:
        lines.append("classes (first that holds):")
        for o in v.classes:
            _outcome(o, 1, lines, brief=o.status is Status.FAILS)
    if v.outputs:
        lines.append("outputs:")
        for out in v.outputs:
            miss = f" (missing: {', '.join(out.missing)})" if out.missing else ""
            lines.append(f"  {out.id} · {out.title}: {fmt_value(out.value, out.unit)}{miss}")
    if v.missing:
        lines.append("")
        lines.append("cannot tell without: " + ", ".join(v.missing))
    if gaps is not None and (gaps.status is Status.FAILS or gaps.changes or gaps.notes):
        lines.append("")
        lines.append("gap list (smallest change found that would qualify):")
        lines.extend(f"  - {change_line(c)}" for c in gaps.changes)
        lines.extend(f"  ! {n}" for n in gaps.notes)
    if v.assumptions:
        lines.append("")
        lines.append("assumptions (editable in the rule file):")
        lines.extend(f"  * {a}" for a in v.assumptions)
    if v.warnings:
        lines.append("")
        lines.extend(f"warning: {w}" for w in v.warnings)
    return "\n".join(lines)


def to_data(obj: Any) -> Any:
    """Dataclasses, enums, dates, Unknown → plain JSON-ready values."""
    if isinstance(obj, Unknown):
        return None
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, Version):
        return {
            "id": obj.id,
            "title": obj.title,
            "issuer": obj.issuer,
            "document": obj.document,
            "published": to_data(obj.published),
            "effective_from": to_data(obj.effective_from),
            "effective_to": to_data(obj.effective_to),
            "content_hash": obj.content_hash,
            "sources": list(obj.sources),
        }
    if isinstance(obj, Change):
        d = {f.name: to_data(getattr(obj, f.name)) for f in fields(obj)}
        d["delta"] = obj.delta
        return d
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_data(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, tuple | list):
        return [to_data(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_data(v) for k, v in obj.items()}
    if isinstance(obj, float) and obj != obj:  # NaN
        return None
    return obj


def verdict_data(v: Verdict, gaps: GapList | None = None) -> dict[str, Any]:
    data = to_data(v)
    if gaps is not None:
        data["gaps"] = to_data(gaps)
    return data

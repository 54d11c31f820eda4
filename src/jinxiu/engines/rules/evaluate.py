"""Evaluating a rule-set version against an enterprise's facts at an assessment date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from jinxiu.engines.rules import expr as ex
from jinxiu.engines.rules.facts import Facts, FactsError, FactSpec, facts_from_dict
from jinxiu.engines.rules.model import (
    Check,
    Criterion,
    FactUse,
    GroupScore,
    Item,
    ItemScore,
    Outcome,
    OutputValue,
    RuleSet,
    Status,
    Verdict,
    Version,
    status_of,
)

_REFS: dict[str, ex.Ref] = {}  # one compiled Ref per expert-score fact


def fact_key_text(key: ex.FactKey) -> str:
    name, year = key
    return name if year is None else f"{name}[{year}]"


class Evaluation(ex.Context):
    """One evaluation of a version: memoises derived values and criterion results."""

    def __init__(
        self,
        version: Version,
        facts: Facts,
        *,
        on: date,
        catalogue: Mapping[str, FactSpec],
        explain: bool = True,
    ) -> None:
        self.version = version
        self.facts = facts
        self.on = on
        self.catalogue = catalogue
        self.explain = explain
        self.derived = version.index.get("derived") or dict(version.derived)
        self._derived_cache: dict[str, tuple[Any, dict]] = {}
        self._results: dict[str, Outcome] = {}
        self._criteria = version.index.get("criteria") or {c.id: c for c in _all_criteria(version)}
        self._uses: list[dict[ex.FactKey, Any]] = [{}]
        self._checks: list[list[ex.CompareRecord]] = [[]]
        self._busy: set[str] = set()
        # per-version caches, shared by every evaluation of the version (a batch run)
        self._labels: dict[str, tuple[str, str]] = version.index.setdefault("labels", {})
        self._units: dict[tuple[str, str], str] = version.index.setdefault("check_units", {})
        self._commons: dict[str, dict[str, Any]] = version.index.setdefault("commons", {})

    # -- the expression context
    def _use(self, name: str, year: int | None, fv: Any) -> None:
        for frame in self._uses:
            frame[(name, year)] = fv

    def _fact_use(self, key: ex.FactKey, fv: Any) -> FactUse:
        labels = self._labels.get(key[0])
        if labels is None:
            spec = self.catalogue.get(key[0])
            labels = self._labels[key[0]] = (spec.label_zh, spec.unit) if spec else ("", "")
        return FactUse(key[0], key[1], fv.value, fv.source, *labels)

    def lookup(self, ref: ex.Ref) -> Any:
        name = ref.name
        if name in self.derived:
            cached = self._derived_cache.get(name)
            if cached is None:
                if name in self._busy:
                    return ex.Unknown(reason=f"derived {name} refers to itself")
                self._busy.add(name)
                if self.explain:
                    self._uses.append({})
                    value = ex.evaluate(self.derived[name], self)
                    cached = (value, self._uses.pop())
                else:
                    cached = (ex.evaluate(self.derived[name], self), {})
                self._derived_cache[name] = cached
                self._busy.discard(name)
            if self.explain:
                for key, fv in cached[1].items():
                    self._use(key[0], key[1], fv)
            return cached[0]
        if ref.year is not None:
            year: int | None = ref.year
        elif ref.rel is not None:
            year = self.on.year + ref.rel
        else:
            year = None
        if year is None:
            fv = self.facts.latest(ref.name, self.on.year)
        else:
            fv = self.facts.get(ref.name, year)
        if fv is None or fv.value is None:
            return ex.Unknown(frozenset({(ref.name, year)}))
        if self.explain:
            self._use(ref.name, fv.year if year is None else year, fv)
        return fv.value

    def series(self, name: str, years: list[int]) -> list[Any]:
        return [self.lookup(ex.Ref(name=name, year=y)) for y in years]

    def criterion(self, func: str, cid: str) -> Any:
        crit = self._criteria.get(cid)
        if crit is None:
            return ex.Unknown(reason=f"no criterion {cid}")
        if cid not in self._results:
            if cid in self._busy:
                return ex.Unknown(reason=f"criterion {cid} refers to itself")
            self._busy.add(cid)
            self._results[cid] = self.run(crit)
            self._busy.discard(cid)
        out = self._results[cid]
        if func == "passed":
            if out.status is Status.UNKNOWN:
                return ex.Unknown(frozenset(_keys(out.missing)), reason=f"{cid} cannot be told")
            return out.status is Status.QUALIFIES
        lo, hi = out.total or (0, 0)
        if lo != hi:
            return ex.Unknown(
                frozenset(_keys(out.missing)),
                reason=f"the total of {cid} is only known to lie in {lo}–{hi}",
            )
        return lo

    def record(self, rec: ex.CompareRecord) -> None:
        self._checks[-1].append(rec)

    # -- frames collect the facts and comparisons behind one criterion
    def _push(self) -> None:
        self._uses.append({})
        self._checks.append([])

    def _pop(self) -> tuple[tuple[FactUse, ...], list[ex.CompareRecord]]:
        uses = self._uses.pop()
        checks = self._checks.pop()
        if not uses:
            return (), checks
        keys = sorted(uses, key=_key_order) if len(uses) > 1 else uses
        return tuple([self._fact_use(k, uses[k]) for k in keys]), checks

    def value(self, node: ex.Node) -> tuple[Any, tuple[FactUse, ...], list[ex.CompareRecord]]:
        if not self.explain:
            return ex.evaluate(node, self), (), []
        self._push()
        v = ex.evaluate(node, self)
        uses, checks = self._pop()
        return v, uses, checks

    # -- criteria
    def run(self, crit: Criterion) -> Outcome:
        if crit.id in self._results:
            return self._results[crit.id]
        out = self._run(crit)
        self._results[crit.id] = out
        return out

    def _decided(self, crit: Criterion, status: Status) -> Outcome:
        """Fast path: one shared, evidence-free outcome per criterion and status."""
        cache = self.version.index.setdefault("decided", {})
        key = (crit.id, status)
        out = cache.get(key)
        if out is None:
            out = cache[key] = Outcome(
                crit.id,
                crit.title,
                crit.kind,
                status,
                section=crit.section,
                assumption=crit.assumption,
                manual=crit.manual,
                note=crit.note,
            )
        return out

    def _run_fast(self, crit: Criterion) -> Outcome | None:
        """Without evidence: a test or group outcome, or None for points tables."""
        if crit.kind == "test":
            v = ex.evaluate(crit.test, self)  # type: ignore[arg-type]
            if v.__class__ is ex.Unknown:
                return Outcome(
                    crit.id,
                    crit.title,
                    "test",
                    Status.UNKNOWN,
                    section=crit.section,
                    missing=_missing(v),
                    reason=v.reason,
                    assumption=crit.assumption,
                    manual=crit.manual,
                )
            return self._decided(crit, Status.QUALIFIES if v else Status.FAILS)
        if crit.kind in ("all", "any"):
            decisive = Status.FAILS if crit.kind == "all" else Status.QUALIFIES
            unknown: list[Outcome] = []
            for c in crit.children:
                out = self.run(c)
                if out.status is decisive:
                    return self._decided(crit, decisive)
                if out.status is Status.UNKNOWN:
                    unknown.append(out)
            if not unknown:
                other = Status.QUALIFIES if crit.kind == "all" else Status.FAILS
                return self._decided(crit, other)
            missing = sorted({m for o in unknown for m in o.missing})
            return Outcome(
                crit.id,
                crit.title,
                crit.kind,
                Status.UNKNOWN,
                section=crit.section,
                children=tuple(unknown),
                missing=tuple(missing),
                assumption=crit.assumption,
                manual=crit.manual,
            )
        return None

    def _run(self, crit: Criterion) -> Outcome:
        if not self.explain:
            fast = self._run_fast(crit)
            if fast is not None:
                return fast
        common = self._commons.get(crit.id)
        if common is None:
            common = self._commons[crit.id] = {
                "id": crit.id,
                "title": crit.title,
                "kind": crit.kind,
                "section": crit.section,
                "assumption": crit.assumption,
                "manual": crit.manual,
                "note": crit.note,
            }
        if crit.kind == "test":
            assert crit.test is not None
            v, uses, recs = self.value(crit.test)
            if isinstance(v, ex.Unknown):
                return Outcome(
                    status=Status.UNKNOWN,
                    checks=self._checks_of(recs),
                    facts=uses,
                    missing=tuple(sorted(fact_key_text(k) for k in v.missing)),
                    reason=v.reason,
                    **common,
                )
            return Outcome(
                status=status_of(bool(v)), checks=self._checks_of(recs), facts=uses, **common
            )
        if crit.kind in ("all", "any"):
            decisive = Status.FAILS if crit.kind == "all" else Status.QUALIFIES
            children = tuple(self.run(c) for c in crit.children)  # all of them, as evidence
            statuses = {c.status for c in children}
            if decisive in statuses:
                status = decisive
            elif Status.UNKNOWN in statuses:
                status = Status.UNKNOWN
            else:
                status = Status.QUALIFIES if crit.kind == "all" else Status.FAILS
            missing: set[str] = set()
            if status is Status.UNKNOWN:
                for c in children:
                    if c.status is Status.UNKNOWN:
                        missing.update(c.missing)
            return Outcome(
                status=status, children=children, missing=tuple(sorted(missing)), **common
            )
        return self._points(crit, common)

    def _checks_of(self, recs: list[ex.CompareRecord]) -> tuple[Check, ...]:
        out = []
        for r in recs:
            unit = self._units.get((r.text, r.op))
            if unit is None:
                unit = self._units[(r.text, r.op)] = self._check_unit(r.text, r.op)
            out.append(
                Check(
                    r.text,
                    r.value,
                    r.op,
                    r.threshold,
                    status_of(r.outcome),
                    unit,
                )
            )
        return tuple(out)

    def _check_unit(self, text: str, op: str) -> str:
        if "/" in text.split(f" {op} ", 1)[0]:
            return "ratio"  # a quotient on the left: a share, shown as %
        base = text.split(" ", 1)[0].split("[", 1)[0]
        spec = self.catalogue.get(base)
        return spec.unit if spec else self.version.index.get("units", {}).get(base, "")

    def score_item(self, item: Item) -> ItemScore:
        facts: list[FactUse] = []
        missing: set[str] = set()
        if item.score_fact:
            ref = _REFS.get(item.score_fact) or _REFS.setdefault(
                item.score_fact, ex.Ref(text=item.score_fact, name=item.score_fact)
            )
            v, uses, _ = self.value(ref)
            if not isinstance(v, ex.Unknown) and isinstance(v, int | float):
                pts = max(0, min(item.max, v))
                return ItemScore(
                    item.id,
                    item.title,
                    item.group,
                    item.max,
                    (pts, pts),
                    band="expert score",
                    facts=uses,
                    note=item.note,
                    assumption=item.assumption,
                )
            if not item.bands:
                return ItemScore(
                    item.id,
                    item.title,
                    item.group,
                    item.max,
                    None,
                    facts=uses,
                    missing=(item.score_fact,),
                    note=item.note,
                    assumption=item.assumption,
                    unit=item.unit,
                )
        value = None
        if item.value is not None:
            value, uses, _ = self.value(item.value)
            facts.extend(uses)
            if isinstance(value, ex.Unknown):
                return ItemScore(
                    item.id,
                    item.title,
                    item.group,
                    item.max,
                    None,
                    value=None,
                    facts=tuple(facts),
                    missing=_missing(value) or (value.reason,),
                    note=item.note,
                    assumption=item.assumption,
                )
        for band in item.bands:
            if band.when is not None:
                hit, uses, _ = self.value(band.when)
                facts.extend(uses)
                if isinstance(hit, ex.Unknown):
                    missing.update(_missing(hit) or (hit.reason,))
                    break
                if not hit:
                    continue
            elif (band.min is not None and not ex.at_least(value, band.min)) or (
                band.max is not None and not ex.at_most(value, band.max)
            ):
                continue
            return ItemScore(
                item.id,
                item.title,
                item.group,
                item.max,
                band.points,
                value=value,
                band=band.label,
                facts=_dedupe(facts),
                note=item.note,
                assumption=item.assumption,
                unit=item.unit,
            )
        if missing:
            return ItemScore(
                item.id,
                item.title,
                item.group,
                item.max,
                None,
                value=value,
                facts=_dedupe(facts),
                missing=tuple(sorted(missing)),
                note=item.note,
                assumption=item.assumption,
            )
        return ItemScore(
            item.id,
            item.title,
            item.group,
            item.max,
            (0, 0),
            value=value,
            band="(no band)",
            facts=_dedupe(facts),
            note=item.note,
            assumption=item.assumption,
        )

    def _points(self, crit: Criterion, common: dict[str, Any]) -> Outcome:
        table = crit.table
        assert table is not None
        items = tuple(self.score_item(i) for i in table.items)

        def rng(s: ItemScore) -> tuple[float, float]:
            return s.points if s.points is not None else (0, s.max)

        groups = []
        by_group: dict[str, tuple[float, float]] = {}
        capped_total = [0.0, 0.0]
        grouped = {g.id for g in table.groups}
        for g in table.groups:
            lo = sum(rng(s)[0] for s in items if s.group == g.id)
            hi = sum(rng(s)[1] for s in items if s.group == g.id)
            if g.max is not None:
                lo, hi = min(lo, g.max), min(hi, g.max)
            by_group[g.id] = (lo, hi)
            gstatus = Status.QUALIFIES
            if g.min is not None:
                gstatus = _tri(lo, hi, g.min, strict=False)
            groups.append(GroupScore(g.id, g.title, lo, hi, g.max, g.min, gstatus))
            capped_total[0] += lo
            capped_total[1] += hi
        for s in items:
            if s.group not in grouped:
                capped_total[0] += rng(s)[0]
                capped_total[1] += rng(s)[1]
        total = (capped_total[0], capped_total[1])
        statuses = [g.status for g in groups]
        if table.pass_mark is not None:
            statuses.append(_tri(total[0], total[1], table.pass_mark, strict=table.strict))
        if Status.FAILS in statuses:
            status = Status.FAILS
        elif Status.UNKNOWN in statuses:
            status = Status.UNKNOWN
        else:
            status = Status.QUALIFIES
        missing: set[str] = set()
        facts: list[FactUse] = []
        for s in items:
            facts.extend(s.facts)
            if s.points is None or s.points[0] != s.points[1]:
                missing.update(s.missing or (f"score of {s.id} (expert judgement)",))
        return Outcome(
            status=status,
            items=items,
            groups=tuple(groups),
            total=total,
            pass_mark=table.pass_mark,
            strict=table.strict,
            facts=_dedupe(facts),
            missing=tuple(sorted(missing)),  # what keeps the total a range
            **common,
        )


def _key_order(key: ex.FactKey) -> tuple[str, int]:
    return key[0], key[1] or 0


def _tri(lo: float, hi: float, mark: float, *, strict: bool) -> Status:
    def ok(x: float) -> bool:
        return x > mark if strict else x >= mark

    if ok(lo):
        return Status.QUALIFIES
    if not ok(hi):
        return Status.FAILS
    return Status.UNKNOWN


def _missing(u: ex.Unknown) -> tuple[str, ...]:
    return tuple(sorted(fact_key_text(k) for k in u.missing))


def _keys(texts: tuple[str, ...]) -> set[ex.FactKey]:
    out: set[ex.FactKey] = set()
    for t in texts:
        if "[" in t and t.endswith("]") and t[t.index("[") + 1 : -1].isdigit():
            out.add((t[: t.index("[")], int(t[t.index("[") + 1 : -1])))
        elif t.isidentifier():
            out.add((t, None))
    return out


def _dedupe(uses: list[FactUse] | tuple[FactUse, ...]) -> tuple[FactUse, ...]:
    seen: dict[tuple[str, int | None], FactUse] = {}
    for u in uses:
        seen.setdefault((u.name, u.year), u)
    return tuple(seen.values())


def _all_criteria(version: Version):
    stack = [*version.criteria, *version.classes]
    while stack:
        c = stack.pop()
        yield c
        stack.extend(c.children)


def _collect_assumptions(version: Version, outcomes: tuple[Outcome, ...]) -> tuple[str, ...]:
    found: list[str] = [f"{a.id}: {a.text}" for a in version.assumptions]
    stack = list(outcomes)
    while stack:
        o = stack.pop(0)
        if o.assumption:
            found.append(o.assumption if o.assumption in found else f"{o.id}: {o.assumption}")
        for it in o.items:
            if it.assumption:
                found.append(
                    it.assumption if it.assumption in found else f"{o.id}.{it.id}: {it.assumption}"
                )
        stack.extend(o.children)
    return tuple(dict.fromkeys(found))


def as_facts(
    facts: Facts | Mapping[str, Any], catalogue: Mapping[str, FactSpec]
) -> tuple[Facts, tuple[str, ...]]:
    if isinstance(facts, Facts):
        return facts, ()
    built, warnings = facts_from_dict(facts, catalogue=catalogue)
    return built, tuple(warnings)


def pick_version(ruleset: RuleSet, *, on: date, version: str | None = None) -> Version:
    return ruleset.version(version) if version else ruleset.version_on(on)


def evaluate(
    ruleset: RuleSet,
    facts: Facts | Mapping[str, Any],
    *,
    on: date,
    version: str | None = None,
    explain: bool = True,
) -> Verdict:
    """Evaluate ``facts`` under the version of ``ruleset`` in force on ``on`` (or the version
    named by ``version``, e.g. for a 复核 under older standards). Raises
    :class:`~jinxiu.engines.rules.model.NoVersionInForce` when no version covers the date.

    ``explain=False`` is the fast path for batch runs: the same status, missing facts, scores
    and outputs, but no evidence (checks, facts used) and groups stop at the child that
    settles them (children after it are left out)."""
    ver = pick_version(ruleset, on=on, version=version)
    try:
        built, warnings = as_facts(facts, ruleset.catalogue)
    except FactsError:
        raise
    ev = Evaluation(ver, built, on=on, catalogue=ruleset.catalogue, explain=explain)
    if explain or ver.kind == "classification":
        outcomes = tuple(ev.run(c) for c in ver.criteria)
    else:
        done = []
        for c in ver.criteria:
            done.append(ev.run(c))
            if done[-1].status is Status.FAILS:
                break
        outcomes = tuple(done)
    statuses = {o.status for o in outcomes}
    if Status.FAILS in statuses:
        status = Status.FAILS
    elif Status.UNKNOWN in statuses:
        status = Status.UNKNOWN
    else:
        status = Status.QUALIFIES
    classification = None
    class_title = ""
    class_outcomes: list[Outcome] = []
    if ver.kind == "classification":
        status = Status.UNKNOWN
        for cls in ver.classes:
            out = ev.run(cls)
            class_outcomes.append(out)
            if out.status is Status.UNKNOWN:
                break
            if out.status is Status.QUALIFIES:
                classification, class_title, status = cls.id, cls.title, Status.QUALIFIES
                break
        else:
            status = Status.FAILS
    outputs = []
    for o in ver.outputs:
        v, _, _ = ev.value(o.expr)
        if isinstance(v, ex.Unknown):
            outputs.append(OutputValue(o.id, o.title, None, o.unit, _missing(v)))
        else:
            outputs.append(OutputValue(o.id, o.title, v, o.unit))
    scope = (*outcomes, *class_outcomes)
    missing: set[str] = set()
    if status is Status.UNKNOWN:
        for o in scope:
            if o.status is Status.UNKNOWN:
                missing.update(o.missing)
    return Verdict(
        ruleset_id=ruleset.id,
        ruleset_name=ruleset.name,
        version=ver,
        assessed_on=on,
        status=status,
        criteria=outcomes,
        enterprise=built.enterprise,
        classification=classification,
        classification_title=class_title,
        classes=tuple(class_outcomes),
        outputs=tuple(outputs),
        missing=tuple(sorted(missing)),
        assumptions=_collect_assumptions(ver, scope),
        warnings=warnings,
    )

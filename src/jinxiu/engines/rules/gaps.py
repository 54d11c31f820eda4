"""Gap lists: for a firm that does not qualify, the smallest set of fact changes found that
would make it qualify, each with its size (e.g. 研发费用 2025: 63 → 90 万元).

Method (documented in docs/engines/rules.md):

- a failing comparison is solved one fact at a time: every fact the comparison reads is moved
  (only in its ``better`` direction, and only if ``adjustable``) to the nearest value that makes
  the comparison hold, found by doubling then bisection, then rounded to the fact's precision;
  the fact needing the smallest relative change wins;
- all-of: the union of the changes its failing parts need; any-of (including direct routes):
  the cheapest alternative; points tables: the cheapest combination of band upgrades that
  reaches the pass mark and every group minimum (a small dynamic programme over the items);
- cost = (number of facts changed, sum of relative changes). Interactions between changes of
  the same fact in different criteria are not modelled: the larger requirement is kept.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from jinxiu.engines.rules import expr as ex
from jinxiu.engines.rules.evaluate import Evaluation, as_facts, evaluate, pick_version
from jinxiu.engines.rules.facts import Facts
from jinxiu.engines.rules.model import (
    Change,
    Criterion,
    GapList,
    Item,
    Outcome,
    RuleSet,
    Status,
    Version,
)


@dataclass(frozen=True, slots=True)
class _Option:
    changes: tuple[Change, ...]
    rel: float  # sum of relative changes

    @property
    def cost(self) -> tuple[int, float]:
        return (len(self.changes), self.rel)


EMPTY = _Option((), 0.0)


def _merge(options: list[_Option]) -> _Option:
    by_key: dict[tuple[str, int | None], Change] = {}
    rel = 0.0
    for opt in options:
        rel += opt.rel
        for ch in opt.changes:
            key = (ch.fact, ch.year)
            old = by_key.get(key)
            if old is None or abs(ch.delta or 0) > abs(old.delta or 0):
                by_key[key] = ch
    return _Option(tuple(by_key.values()), rel)


class _Solver:
    def __init__(self, ruleset: RuleSet, version: Version, facts: Facts, on: date) -> None:
        self.ruleset = ruleset
        self.version = version
        self.facts = facts
        self.on = on
        self.cat = ruleset.catalogue
        self.base = Evaluation(version, facts, on=on, catalogue=self.cat)
        self.notes: list[str] = []
        self.derived = dict(version.derived)

    def _eval(self, node: ex.Node, facts: Facts | None = None) -> Any:
        ev = (
            self.base
            if facts is None
            else Evaluation(self.version, facts, on=self.on, catalogue=self.cat)
        )
        return ex.evaluate(node, ev)

    # -- which facts an expression reads
    def _keys(self, node: ex.Node, seen: set[str] | None = None) -> list[tuple[str, int | None]]:
        seen = seen if seen is not None else set()
        keys: list[tuple[str, int | None]] = []
        for n in ex.walk(node):
            if isinstance(n, ex.Ref):
                if n.name in self.derived:
                    if n.name not in seen:
                        seen.add(n.name)
                        keys.extend(self._keys(self.derived[n.name], seen))
                    continue
                if n.year is not None:
                    keys.append((n.name, n.year))
                elif n.rel is not None:
                    keys.append((n.name, self.on.year + n.rel))
                else:
                    fv = self.facts.latest(n.name, self.on.year)
                    keys.append((n.name, fv.year if fv else None))
            elif isinstance(n, ex.Call) and ex.FUNCTIONS[n.func].series:
                name = n.args[0].name  # type: ignore[attr-defined]
                ints = [a.value for a in n.args[1:]]  # type: ignore[attr-defined]
                if n.func in ("total", "avg", "all_years"):
                    first, last = ints[0], ints[1]
                else:
                    first, last = -1 - ints[0], -1
                keys.extend((name, self.on.year + k) for k in range(first, last + 1))
        return list(dict.fromkeys(keys))

    # -- expressions
    def expr(self, node: ex.Node, want: bool, criterion: str) -> _Option | None:
        v = self._eval(node)
        if isinstance(v, ex.Unknown):
            if not v.missing:
                return None
            return _Option(
                tuple(
                    Change(
                        name,
                        year,
                        None,
                        "?",
                        self._label(name),
                        self._unit(name),
                        "provide",
                        criterion,
                    )
                    for name, year in sorted(v.missing, key=lambda k: (k[0], k[1] or 0))
                ),
                0.0,
            )
        if bool(v) is want:
            return EMPTY
        if isinstance(node, ex.Unary) and node.op == "not":
            return self.expr(node.operand, not want, criterion)
        if isinstance(node, ex.BoolOp):
            union = (node.op == "and") == want
            subs = [self.expr(s, want, criterion) for s in node.values]
            if union:
                if any(s is None for s in subs):
                    return None
                return _merge([s for s in subs if s is not None])
            ok = [s for s in subs if s is not None]
            return min(ok, key=lambda o: o.cost) if ok else None
        if isinstance(node, ex.Call) and node.func == "passed" and want:
            crit = self.version.find(node.args[0].value)  # type: ignore[attr-defined]
            return self.criterion(crit) if crit else None
        return self.leaf(node, want, criterion)

    def leaf(self, node: ex.Node, want: bool, criterion: str) -> _Option | None:
        best: _Option | None = None
        for key in self._keys(node):
            opt = self._move(node, want, key, criterion)
            if opt is not None and (best is None or opt.cost < best.cost):
                best = opt
        return best

    def _move(
        self, node: ex.Node, want: bool, key: tuple[str, int | None], criterion: str
    ) -> _Option | None:
        name, year = key
        spec = self.cat.get(name)
        if spec is None or not spec.adjustable:
            return None
        fv = self.facts.get(name, year) if year is not None else self.facts.latest(name, 9999)
        if fv is None or fv.value is None:
            return None
        current = fv.value

        def holds(x: Any) -> bool:
            r = self._eval(node, self.facts.with_value(name, year, x))
            return not isinstance(r, ex.Unknown) and bool(r) is want

        candidates: list[Any] = []
        if spec.type == "bool":
            candidates = [not current]
        elif spec.type == "enum":
            values = list(spec.values)
            idx = values.index(current) if current in values else -1
            if spec.better == "higher":
                candidates = values[idx + 1 :]
            elif spec.better == "lower":
                candidates = list(reversed(values[:idx]))
            else:
                candidates = [v for v in values if v != current]
        elif spec.type in ("number", "integer"):
            dirs = {"higher": [1], "lower": [-1]}.get(spec.better, [1, -1])
            found = [
                x
                for d in dirs
                if (x := _solve(holds, current, d, integer=spec.type == "integer", unit=spec.unit))
                is not None
            ]
            candidates = sorted(found, key=lambda x: abs(x - current))
        for x in candidates:
            if holds(x):
                rel = (
                    abs(x - current) / max(abs(current), 1e-9)
                    if spec.type in ("number", "integer")
                    else 1.0
                )
                if spec.type in ("number", "integer") and current == 0:
                    rel = 1.0
                action = "set"
                if spec.type in ("number", "integer"):
                    action = "raise" if x > current else "lower"
                change = Change(
                    name,
                    year,
                    current,
                    x,
                    spec.label_zh,
                    spec.unit,
                    action,
                    criterion,
                    self._measure(node, name, year, x),
                )
                return _Option((change,), min(rel, 1e6))
        return None

    def _measure(self, node: ex.Node, name: str, year: int | None, x: Any) -> str:
        if not isinstance(node, ex.Compare):
            return ""
        if isinstance(node.left, ex.Ref) and node.left.name == name:
            return ""
        before = self._eval(node.left)
        after = self._eval(node.left, self.facts.with_value(name, year, x))
        if not (ex.is_number(before) and ex.is_number(after)):
            return ""
        pct = _is_ratio(node.left, self)
        return f"{node.left.text}: {_num(before, pct)} → {_num(after, pct)}"

    def _label(self, name: str) -> str:
        spec = self.cat.get(name)
        return spec.label_zh if spec else ""

    def _unit(self, name: str) -> str:
        spec = self.cat.get(name)
        return spec.unit if spec else ""

    # -- criteria
    def criterion(self, crit: Criterion, outcome: Outcome | None = None) -> _Option | None:
        out = outcome or self.base.run(crit)
        if out.status is Status.QUALIFIES:
            return EMPTY
        if out.status is Status.UNKNOWN:
            return EMPTY  # not a failure: its missing facts are listed by the verdict
        if crit.kind == "test":
            assert crit.test is not None
            opt = self.expr(crit.test, True, crit.id)
            if opt is None:
                self.notes.append(f"{crit.id} ({crit.title}): no change of a single fact found")
            return opt
        if crit.kind == "all":
            subs = []
            ok = True
            for c, o in zip(crit.children, out.children, strict=True):
                s = self.criterion(c, o)
                if s is None:
                    ok = False
                else:
                    subs.append(s)
            return _merge(subs) if ok else None
        if crit.kind == "any":
            notes_before = len(self.notes)
            opts = [self.criterion(c, o) for c, o in zip(crit.children, out.children, strict=True)]
            ok = [o for o in opts if o is not None]
            if ok:
                del self.notes[notes_before:]
                return min(ok, key=lambda o: o.cost)
            return None
        return self.points(crit, out)

    def _item_options(
        self, item: Item, current: float, crit_id: str
    ) -> list[tuple[float, _Option]]:
        options: list[tuple[float, _Option]] = []
        for band in item.bands:
            if band.points[0] <= current:
                continue
            node: ex.Node | None
            if band.when is not None:
                node = band.when
            elif item.value is not None and band.min is not None:
                node = ex.Compare(
                    text=f"{item.value.text} >= {band.min}",
                    op=">=",
                    left=item.value,
                    right=ex.Const(value=band.min),
                )
            elif item.value is not None and band.max is not None:
                node = ex.Compare(
                    text=f"{item.value.text} <= {band.max}",
                    op="<=",
                    left=item.value,
                    right=ex.Const(value=band.max),
                )
            else:
                continue
            opt = self.expr(node, True, f"{crit_id}.{item.id}")
            if opt is not None and opt.changes and all(c.action != "provide" for c in opt.changes):
                options.append((band.points[0] - current, opt))
        return options

    def points(self, crit: Criterion, out: Outcome) -> _Option | None:
        table = crit.table
        assert table is not None
        groups = {g.id: g for g in table.groups}
        gids = [g.id for g in table.groups]
        mark = table.pass_mark if table.pass_mark is not None else -math.inf
        eps = 1e-9 if table.strict else 0.0

        def cap(g: str) -> float:
            grp = groups[g]
            return grp.max if grp.max is not None else math.inf

        start = (*tuple(0.0 for _ in gids), 0.0)
        states: dict[tuple[float, ...], _Option] = {start: EMPTY}
        for item, score in zip(table.items, out.items, strict=True):
            current = score.points[0] if score.points else 0.0
            choices = [(0.0, EMPTY), *self._item_options(item, current, crit.id)]
            nxt: dict[tuple[float, ...], _Option] = {}
            for state, opt in states.items():
                for gain, extra in choices:
                    s = list(state)
                    pts = current + gain
                    if item.group in groups:
                        i = gids.index(item.group)
                        s[i] = min(s[i] + pts, cap(item.group))
                    else:
                        s[-1] += pts
                    key = tuple(s)
                    cand = _merge([opt, extra]) if extra.changes else opt
                    if key not in nxt or cand.cost < nxt[key].cost:
                        nxt[key] = cand
            states = nxt
        best: _Option | None = None
        for state, opt in states.items():
            total = sum(state)
            if total < mark + eps:
                continue
            if any(
                groups[g].min is not None and state[i] < groups[g].min  # type: ignore[operator]
                for i, g in enumerate(gids)
            ):
                continue
            if best is None or opt.cost < best.cost:
                best = opt
        if best is None:
            self.notes.append(f"{crit.id} ({crit.title}): the pass mark cannot be reached")
        return best


def _is_ratio(node: ex.Node, solver: _Solver) -> bool:
    if isinstance(node, ex.BinOp) and node.op == "/":
        return True
    if isinstance(node, ex.Call) and node.func in ("avg_growth", "cagr"):
        return True
    if isinstance(node, ex.Ref):
        if node.name in solver.derived:
            return _is_ratio(solver.derived[node.name], solver)
        spec = solver.cat.get(node.name)
        return bool(spec and spec.unit == "ratio")
    return False


def _num(x: float, pct: bool) -> str:
    if pct:
        return f"{x * 100:.2f}".rstrip("0").rstrip(".") + " %"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _precision(unit: str, current: float) -> float:
    if unit == "ratio":
        return 1e-4
    return 0.01


def _solve(holds, current: float, direction: int, *, integer: bool, unit: str) -> float | None:
    """Nearest value from ``current`` in ``direction`` where ``holds`` is true."""
    step = 1.0 if integer else max(abs(current), 1.0) * 1e-3
    lo, hi = 0.0, None
    for _ in range(70):
        if holds(current + direction * step):
            hi = step
            break
        lo = step
        step *= 2
    if hi is None:
        return None
    for _ in range(60):
        if hi - lo <= (0.5 if integer else 1e-12 * max(1.0, abs(current))):
            break
        mid = (lo + hi) / 2
        if holds(current + direction * mid):
            hi = mid
        else:
            lo = mid
    x = current + direction * hi
    if integer:
        x = math.ceil(x - 1e-9) if direction > 0 else math.floor(x + 1e-9)
        x = int(x)
        for _ in range(3):
            if holds(x):
                return x
            x += direction
        return None
    prec = _precision(unit, current)
    near = round(round(x / prec) * prec, 6)  # the threshold itself, when it lies on the grid
    if (near - current) * direction > 0 and holds(near):
        return near
    rounded = (math.ceil(x / prec - 1e-9) if direction > 0 else math.floor(x / prec + 1e-9)) * prec
    rounded = round(rounded, 6)
    for _ in range(5):
        if holds(rounded):
            return rounded
        rounded = round(rounded + direction * prec, 6)
    return x if holds(x) else None


def gaps(
    ruleset: RuleSet,
    facts: Facts | Mapping[str, Any],
    *,
    on: date,
    version: str | None = None,
) -> GapList:
    """The gap list of a firm at ``on``: empty unless the verdict is "does not qualify"."""
    ver = pick_version(ruleset, on=on, version=version)
    built, _ = as_facts(facts, ruleset.catalogue)
    verdict = evaluate(ruleset, built, on=on, version=ver.id)
    if verdict.status is not Status.FAILS or ver.kind != "qualification":
        return GapList(status=verdict.status)
    solver = _Solver(ruleset, ver, built, on)
    options = []
    feasible = True
    for crit, out in zip(ver.criteria, verdict.criteria, strict=True):
        if out.status is not Status.FAILS:
            continue
        opt = solver.criterion(crit, out)
        if opt is None:
            feasible = False
        else:
            options.append(opt)
    merged = _merge(options)
    changes = tuple(replace(c, required=_tidy(c.required)) for c in merged.changes)
    return GapList(
        status=verdict.status,
        changes=changes,
        feasible=feasible,
        notes=tuple(dict.fromkeys(solver.notes)),
    )


def _tidy(x: Any) -> Any:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return int(x)
    if isinstance(x, float):
        return round(x, 6)
    return x

"""Gap lists: for a firm that does not qualify, the smallest set of fact changes found that
would make it qualify, each with its size (e.g. 研发费用 2025: 63 → 90 万元).

Method (documented in docs/engines/rules.md):

- a failing comparison is solved one fact at a time: every fact the comparison reads is moved
  (only in its ``better`` direction, and only if ``adjustable``) to the nearest value that makes
  the comparison hold, found by doubling then bisection, then rounded to the fact's precision
  (0.01 for amounts, 0.0001 for ratios, 1 for counts); the cheapest fact wins;
- changes are applied as they are chosen, so later criteria are solved on the changed facts
  and a fact that is already being changed costs nothing extra to change further (one change of
  研发费用 can fix both a total and a ratio);
- all-of: its failing parts are fixed one after another; any-of (including direct routes): every
  alternative is tried on a scratch copy and the cheapest is kept; points tables: the cheapest
  combination of band upgrades that reaches the pass mark and every group minimum (a small
  dynamic programme over the items);
- cost = (number of facts changed, sum of relative changes). The search is greedy across
  criteria, so the list is small but not proven minimal.
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
    RuleSet,
    Status,
    Version,
)

Key = tuple[str, int | None]


@dataclass(frozen=True, slots=True)
class _State:
    facts: Facts
    changed: tuple[tuple[Key, Change], ...]
    rel: float
    notes: tuple[str, ...]


class _Solver:
    def __init__(self, ruleset: RuleSet, version: Version, facts: Facts, on: date) -> None:
        self.version = version
        self.on = on
        self.cat = ruleset.catalogue
        self.derived = dict(version.derived)
        self.original = facts
        self.facts = facts
        self.changed: dict[Key, Change] = {}
        self.rel = 0.0
        self.notes: list[str] = []
        self._ev: Evaluation | None = None
        self.frozen_before: int | None = None

    # -- state
    @property
    def ev(self) -> Evaluation:
        if self._ev is None:
            self._ev = Evaluation(self.version, self.facts, on=self.on, catalogue=self.cat)
        return self._ev

    def save(self) -> _State:
        return _State(self.facts, tuple(self.changed.items()), self.rel, tuple(self.notes))

    def restore(self, s: _State) -> None:
        self.facts = s.facts
        self.changed = dict(s.changed)
        self.rel = s.rel
        self.notes = list(s.notes)
        self._ev = None

    def cost(self) -> tuple[int, float]:
        return (len(self.changed), self.rel)

    def apply(self, change: Change, rel: float) -> None:
        key = (change.fact, change.year)
        if change.action != "provide":
            self.facts = self.facts.with_value(change.fact, change.year, change.required)
            self._ev = None
        orig = self.original.get(change.fact, change.year) if change.year is not None else None
        if orig is None and change.year is None:
            orig = self.original.latest(change.fact, 9999)
        current = orig.value if orig is not None else None
        self.changed[key] = replace(change, current=current)
        self.rel += rel

    def cheapest(self, attempts: list) -> bool:
        """Run each attempt (a callable returning success) on a scratch copy; keep the best."""
        start = self.save()
        best: tuple[tuple[int, float], int] | None = None
        for i, attempt in enumerate(attempts):
            self.restore(start)
            if attempt():
                c = self.cost()
                if best is None or c < best[0]:
                    best = (c, i)
        self.restore(start)
        if best is None:
            return False
        return bool(attempts[best[1]]())

    def _eval(self, node: ex.Node, facts: Facts | None = None) -> Any:
        if facts is None:
            return ex.evaluate(node, self.ev)
        return ex.evaluate(node, Evaluation(self.version, facts, on=self.on, catalogue=self.cat))

    # -- which facts an expression reads
    def _keys(self, node: ex.Node, seen: set[str] | None = None) -> list[Key]:
        seen = seen if seen is not None else set()
        keys: list[Key] = []
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
                    keys.append(
                        (n.name, None if fv is None or n.name in self.facts.undated else fv.year)
                    )
            elif isinstance(n, ex.Call) and ex.FUNCTIONS[n.func].series:
                name = n.args[0].name  # type: ignore[attr-defined]
                ints = [a.value for a in n.args[1:]]  # type: ignore[attr-defined]
                if n.func in ("total", "avg", "all_years"):
                    first, last = ints[0], ints[1]
                else:
                    first, last = -1 - ints[0], -1
                keys.extend((name, self.on.year + k) for k in range(first, last + 1))
        return list(dict.fromkeys(keys))

    # -- expressions (each method applies the changes it chooses and answers success)
    def expr(self, node: ex.Node, want: bool, criterion: str) -> bool:
        v = self._eval(node)
        if isinstance(v, ex.Unknown):
            if not v.missing:
                return False
            for name, year in sorted(v.missing, key=lambda k: (k[0], k[1] or 0)):
                spec = self.cat.get(name)
                self.apply(
                    Change(
                        name,
                        year,
                        None,
                        None,
                        spec.label_zh if spec else "",
                        spec.unit if spec else "",
                        "provide",
                        criterion,
                    ),
                    0.0,
                )
            return True
        if bool(v) is want:
            return True
        if isinstance(node, ex.Unary) and node.op == "not":
            return self.expr(node.operand, not want, criterion)
        if isinstance(node, ex.BoolOp):
            if (node.op == "and") == want:  # every part must come out as wanted
                return all(self.expr(s, want, criterion) for s in node.values)
            return self.cheapest([lambda s=s: self.expr(s, want, criterion) for s in node.values])
        if isinstance(node, ex.Call) and node.func == "passed" and want:
            crit = self.version.find(node.args[0].value)  # type: ignore[attr-defined]
            return self.criterion(crit) if crit else False
        if (
            want
            and isinstance(node, ex.Compare)
            and node.op in (">=", ">")
            and isinstance(node.left, ex.Call)
            and node.left.func == "points"
            and isinstance(node.right, ex.Const)
        ):
            table = self.version.find(node.left.args[0].value)  # type: ignore[attr-defined]
            if table is not None and table.kind == "points":
                return self.points(table, mark=node.right.value, strict=node.op == ">")
        return self.leaf(node, want, criterion)

    def leaf(self, node: ex.Node, want: bool, criterion: str) -> bool:
        best: tuple[tuple[int, float], Change, float] | None = None
        for key in self._keys(node):
            found = self._move(node, want, key, criterion)
            if found is None:
                continue
            change, rel = found
            cost = (0 if key in self.changed else 1, rel)
            if best is None or cost < best[0]:
                best = (cost, change, rel)
        if best is None:
            return False
        self.apply(best[1], best[2])
        return True

    def _move(
        self, node: ex.Node, want: bool, key: Key, criterion: str
    ) -> tuple[Change, float] | None:
        name, year = key
        spec = self.cat.get(name)
        if spec is None or not spec.adjustable:
            return None
        if self.frozen_before is not None and year is not None and year < self.frozen_before:
            return None
        fv = self.facts.get(name, year) if year is not None else self.facts.latest(name, 9999)
        if fv is None or fv.value is None:
            return None
        current = fv.value

        def holds(x: Any) -> bool:
            r = self._eval(node, self.facts.with_value(name, year, x))
            return not isinstance(r, ex.Unknown) and bool(r) is want

        numeric = spec.type in ("number", "integer")
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
        elif numeric and not isinstance(current, bool):
            dirs = {"higher": [1], "lower": [-1]}.get(spec.better, [1, -1])
            found = []
            for d in dirs:
                x = _solve(holds, current, d, integer=spec.type == "integer", unit=spec.unit)
                if x is not None:
                    found.append(x)
            candidates = sorted(found, key=lambda x: abs(x - current))
        for x in candidates:
            if not holds(x):
                continue
            rel = 1.0
            action = "set"
            if numeric:
                rel = abs(x - current) / abs(current) if current else 1.0
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
            return change, min(rel, 1e6)
        return None

    def _measure(self, node: ex.Node, name: str, year: int | None, x: Any) -> str:
        if not isinstance(node, ex.Compare):
            return ""
        if isinstance(node.left, ex.Ref) and node.left.name == name:
            return ""
        before = self._eval(node.left, self.original)
        after = self._eval(node.left, self.facts.with_value(name, year, x))
        if not (ex.is_number(before) and ex.is_number(after)):
            return ""
        pct = _is_ratio(node.left, self)
        return f"{node.left.text}: {_num(before, pct)} → {_num(after, pct)}"

    # -- criteria
    def criterion(self, crit: Criterion) -> bool:
        out = self.ev.run(crit)
        if out.status is not Status.FAILS:
            return True  # qualifies, or cannot tell: the verdict lists its missing facts
        if crit.kind == "test":
            assert crit.test is not None
            ok = self.expr(crit.test, True, crit.id)
        elif crit.kind == "all":
            ok = self.all_of(crit.children)
        elif crit.kind == "any":
            ok = self.cheapest([lambda c=c: self.criterion(c) for c in crit.children])
        else:
            ok = self.points(crit)
        if not ok:
            self.notes.append(f"{crit.id} ({crit.title}): no change of single facts found")
        return ok

    def all_of(self, children: tuple[Criterion, ...]) -> bool:
        """Fix the failing parts one after another, trying a few orders (a fact changed for
        one part may then serve the next)."""
        failing = [c for c in children if self.ev.run(c).status is Status.FAILS]
        if len(failing) <= 1:
            return all([self.criterion(c) for c in failing])
        orders = [failing[i:] + failing[:i] for i in range(min(len(failing), 6))]
        orders.append(list(reversed(failing)))

        def attempt(order: list[Criterion]) -> bool:
            return all([self.criterion(c) for c in order])

        return self.cheapest([lambda o=o: attempt(o) for o in orders])

    def _item_options(
        self, item: Item, current: float, crit_id: str
    ) -> list[tuple[float, list[tuple[Change, float]]]]:
        options: list[tuple[float, list[tuple[Change, float]]]] = []
        if item.score_fact:
            fv = self.facts.latest(item.score_fact, self.on.year)
            if fv is not None and fv.value is not None:
                return options  # an expert's score stands; no fact change moves it
        for band in item.bands:
            if band.points[0] <= current:
                continue
            node: ex.Node | None = band.when
            if node is None and item.value is not None and band.min is not None:
                node = ex.Compare(
                    text=f"{item.value.text} >= {band.min}",
                    op=">=",
                    left=item.value,
                    right=ex.Const(value=band.min),
                )
            elif node is None and item.value is not None and band.max is not None:
                node = ex.Compare(
                    text=f"{item.value.text} <= {band.max}",
                    op="<=",
                    left=item.value,
                    right=ex.Const(value=band.max),
                )
            if node is None:
                continue
            start = self.save()
            before = dict(self.changed)
            ok = self.expr(node, True, f"{crit_id}.{item.id}")
            added = [
                (ch, 0.0)
                for k, ch in self.changed.items()
                if before.get(k) != ch and ch.action != "provide"
            ]
            provide = any(
                ch.action == "provide" for k, ch in self.changed.items() if k not in before
            )
            rel = self.rel - start.rel
            self.restore(start)
            if ok and added and not provide:
                share = rel / len(added)
                options.append((band.points[0] - current, [(ch, share) for ch, _ in added]))
        return options

    def points(
        self, crit: Criterion, *, mark: float | None = None, strict: bool | None = None
    ) -> bool:
        """Reach the table's pass mark (or ``mark``, for ``points('id') >= mark`` in a class)."""
        table = crit.table
        assert table is not None
        out = self.ev.run(crit)
        groups = {g.id: g for g in table.groups}
        gids = [g.id for g in table.groups]
        if mark is None:
            mark = table.pass_mark if table.pass_mark is not None else -math.inf
            strict = table.strict
        eps = 1e-9 if strict else 0.0

        Plan = tuple[tuple[int, float], tuple[tuple[Change, float], ...]]
        states: dict[tuple[float, ...], Plan] = {
            tuple(0.0 for _ in range(len(gids) + 1)): ((0, 0.0), ())
        }
        for item, score in zip(table.items, out.items, strict=True):
            current = score.points[0] if score.points else 0.0
            choices = [(0.0, []), *self._item_options(item, current, crit.id)]
            nxt: dict[tuple[float, ...], Plan] = {}
            for state, (cost, plan) in states.items():
                for gain, changes in choices:
                    s = list(state)
                    pts = current + gain
                    if item.group in groups:
                        i = gids.index(item.group)
                        cap = groups[item.group].max
                        s[i] = min(s[i] + pts, cap if cap is not None else math.inf)
                    else:
                        s[-1] += pts
                    new_keys = {(c.fact, c.year) for c, _ in changes} - set(self.changed)
                    new_keys -= {(c.fact, c.year) for c, _ in plan}
                    c2 = (cost[0] + len(new_keys), cost[1] + sum(r for _, r in changes))
                    key = tuple(s)
                    if key not in nxt or c2 < nxt[key][0]:
                        nxt[key] = (c2, plan + tuple(changes))
            states = nxt
        best: Plan | None = None
        for state, plan in states.items():
            if sum(state) < mark + eps:
                continue
            if any(
                groups[g].min is not None and state[i] < groups[g].min  # type: ignore[operator]
                for i, g in enumerate(gids)
            ):
                continue
            if best is None or plan[0] < best[0]:
                best = plan
        if best is None:
            return False
        merged: dict[Key, tuple[Change, float]] = {}
        for ch, rel in best[1]:
            k = (ch.fact, ch.year)
            if k not in merged or _further(ch, merged[k][0]):
                merged[k] = (ch, rel)
        for ch, rel in merged.values():
            self.apply(ch, rel)
        return True


def _further(a: Change, b: Change) -> bool:
    """Is change ``a`` a larger move than ``b`` (of the same fact)?"""
    try:
        return abs(a.required - a.current) > abs(b.required - b.current)
    except TypeError:
        return False


def _is_ratio(node: ex.Node, solver: _Solver) -> bool:
    if isinstance(node, ex.BinOp) and node.op == "/":
        return True
    if isinstance(node, ex.BinOp):
        return _is_ratio(node.left, solver) or _is_ratio(node.right, solver)
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
    for _ in range(80):
        if hi - lo <= (0.5 if integer else 1e-12 * max(1.0, abs(current))):
            break
        mid = (lo + hi) / 2
        if holds(current + direction * mid):
            hi = mid
        else:
            lo = mid
    x = current + direction * hi
    if integer:
        n = math.ceil(x - 1e-9) if direction > 0 else math.floor(x + 1e-9)
        for _ in range(3):
            if holds(n):
                return n
            n += direction
        return None
    prec = 1e-4 if unit == "ratio" else 0.01
    near = round(round(x / prec) * prec, 6)  # the threshold itself, when it lies on the grid
    if (near - current) * direction > 0 and holds(near):
        return near
    up = math.ceil(x / prec - 1e-9) if direction > 0 else math.floor(x / prec + 1e-9)
    rounded = round(up * prec, 6)
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
    frozen_before: int | None = None,
    target: str | None = None,
) -> GapList:
    """The gap list of a firm at ``on``: empty unless the verdict is "does not qualify".

    ``frozen_before``: facts of years before this one are history and are never proposed for
    change (e.g. ``on.year - 1`` to plan only with the current figures).
    ``target``: for a classification, the class to reach (e.g. "A" for a plant graded B); the
    changes reach that class or a better one (an earlier class)."""
    ver = pick_version(ruleset, on=on, version=version)
    built, _ = as_facts(facts, ruleset.catalogue)
    verdict = evaluate(ruleset, built, on=on, version=ver.id)
    solver = _Solver(ruleset, ver, built, on)
    solver.frozen_before = frozen_before
    if ver.kind == "classification":
        ids = [c.id for c in ver.classes]
        if target is None or verdict.status is Status.UNKNOWN:
            return GapList(status=verdict.status)
        if target not in ids:
            raise KeyError(f"{ruleset.id}: no class {target!r} (classes: {', '.join(ids)})")
        good = set(ids[: ids.index(target) + 1])
        if verdict.classification in good:
            return GapList(status=verdict.status)
        feasible = solver.criterion(ver.classes[ids.index(target)])
        after = evaluate(ruleset, solver.facts, on=on, version=ver.id)
        if feasible and after.classification not in good:
            feasible = False
            solver.notes.append(f"the changes found do not reach class {target}")
    else:
        if verdict.status is not Status.FAILS:
            return GapList(status=verdict.status)
        feasible = solver.all_of(ver.criteria)
        after = evaluate(ruleset, solver.facts, on=on, version=ver.id)
        if feasible and after.status is Status.FAILS:
            feasible = False
            solver.notes.append("the changes found together still do not qualify (interactions)")
    changes = tuple(
        replace(c, required=_tidy(c.required))
        for c in solver.changed.values()
        if c.action == "provide" or c.required != c.current
    )
    return GapList(
        status=verdict.status,
        changes=changes,
        feasible=feasible,
        notes=tuple(dict.fromkeys(solver.notes)),
        effort=round(solver.rel, 6),
    )


def _tidy(x: Any) -> Any:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return int(x)
    if isinstance(x, float):
        return round(x, 6)
    return x

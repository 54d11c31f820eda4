"""Local search (局部搜索) that tightens a plan for the garment extensions: machine types,
zoning, machine counts and named operators (操作工), without parallel workplaces.

CP-SAT improves the rules' plan slowly where operators differ: WARNECKE with 28 named
operators at 28 stations had a cycle of 61 after 5 s, 57 after 20 s and 56 after 120 s,
with a lower bound of 51; the rules' plan had 62 (round twenty-one). A plan is a station
per unit (``greedy.Units``: a must-share group moves as one) and an operator per station.
At a target cycle ``T`` the search lowers the overload ``sum(max(0, load - T))`` by four
kinds of move:

* **shift** a unit to another station between its predecessors' and its successors'
  stations;
* **swap** two units of different stations, each within the other's range;
* **chain** two shifts: a unit into a station, and one of that station's units on to a
  third (an ejection chain, for when no station in range has room);
* **exchange operators** of two stations, or give a station an operator who has none.

Every move keeps precedence, the machine types that may share a station, must-not-share
pairs, the machine counts and what each operator runs; only the cycle may be broken.
Moves are chosen best first among those out of an overloaded station (least overload,
then the most even loads, ties at random); a move just undone is tabu for a few steps,
and a plan stuck for long is shaken by random shifts. Whenever the cycle beats the best
plan, that plan is kept and the target drops below it.

``improve_cycle`` lowers the cycle of a SALBP-2 plan; ``solve`` uses it with named
operators only, between the rules and CP-SAT. Without named operators CP-SAT's station
windows found as good plans sooner, and in SALBP-1 (one station fewer at a time, from the
rules' plan for that count) CP-SAT got further with the time (``bench/results/
linebal.md``, round twenty-one).
"""

from __future__ import annotations

import random
import time

from jinxiu.engines.linebal import greedy
from jinxiu.engines.linebal.greedy import Start, Units, go_together
from jinxiu.engines.linebal.problem import ProblemData

TENURE = (4, 12)  # steps a unit may not go back to the station it left (drawn per move)
STUCK = 300  # steps without a better overload before a shake
SHAKE = 4  # a shake tries 5 x SHAKE random shifts
STALE = 4  # searches in a row without a better plan before the last
PATIENCE = 1000  # steps without a better plan before the search gives up (at least)


class _Plan:
    """A plan under search: unit -> station, station -> operator, loads and types kept."""

    def __init__(self, data: ProblemData, units: Units, start: Start, m: int,
                 rng: random.Random) -> None:
        self.units, self.rng, self.m = units, rng, m
        self.named = bool(data.operators)
        n_units = len(units.time)
        unit_of = {}
        for u, ms in enumerate(units.members):
            for i in ms:
                unit_of[i] = u
        self.at = [0] * n_units
        self.members: list[set[int]] = [set() for _ in range(m)]
        for k, st in enumerate(start.plan):
            for i in st:
                u = unit_of[i]
                self.at[u] = k
                self.members[k].add(u)
        self.ops = [0] * m
        self.spare: list[int] = []
        if self.named:
            self.spare = sorted(set(range(len(data.operators))) - set(start.operators))
            self.ops = list(start.operators) + self.spare[:m - len(start.operators)]
            self.spare = self.spare[m - len(start.operators):]
        self.tt = units.op_time if self.named else [units.time]
        kinds = sorted({k for ts in units.types for k in ts})
        self.ok = {a: {b for b in kinds if go_together(data, a, b)} for a in kinds}
        self.limits = dict(data.machines)
        self.kinds: list[dict[str, int]] = [{} for _ in range(m)]
        self.used = dict.fromkeys(self.limits, 0)
        for k in range(m):
            for u in self.members[k]:
                self._add_kinds(k, u)
        self.load = [self.station_load(k, self.ops[k]) for k in range(m)]

    # ------------------------------------------------------------------ bookkeeping
    def _add_kinds(self, k: int, u: int) -> None:
        kinds = self.kinds[k]
        for a in self.units.types[u]:
            if not kinds.get(a):
                kinds[a] = 0
                if a in self.used:
                    self.used[a] += 1
            kinds[a] += 1

    def _drop_kinds(self, k: int, u: int) -> None:
        kinds = self.kinds[k]
        for a in self.units.types[u]:
            kinds[a] -= 1
            if not kinds[a] and a in self.used:
                self.used[a] -= 1

    def station_load(self, k: int, o: int) -> int | None:
        """The load of station ``k`` done by operator ``o`` (None: a type she cannot run)."""
        row = self.tt[o]
        total = 0
        for u in self.members[k]:
            x = row[u]
            if x is None:
                return None
            total += x
        return total

    def time(self, k: int, u: int) -> int | None:
        return self.tt[self.ops[k]][u]

    def span(self, u: int) -> tuple[int, int]:
        """The stations ``u`` may sit at: from its predecessors' last to its successors'
        first."""
        at = self.at
        lo = max((at[p] for p in self.units.pred[u]), default=0)
        hi = min((at[q] for q in self.units.succ[u]), default=self.m - 1)
        return lo, hi

    def can_join(self, u: int, k: int, leaving: int = -1) -> bool:
        """Whether ``u`` may join station ``k`` (``leaving``: a unit that goes at once)."""
        if self.units.apart[u] & (self.members[k] - {leaving}):
            return False
        kinds = self.kinds[k]
        gone = self.units.types[leaving] if leaving >= 0 else ()
        for a in self.units.types[u]:
            ok = self.ok[a]
            for b, count in kinds.items():
                if count and b not in ok and not (b in gone and count == 1):
                    return False
        return True

    def machines_ok(self, changes: tuple[tuple[int, int, int], ...]) -> bool:
        """Whether the machine counts hold after ``changes`` (unit, from, to)."""
        if not self.limits:
            return True
        types = self.units.types
        for a, limit in self.limits.items():
            d: dict[int, int] = {}
            for u, k, k2 in changes:
                if a in types[u]:
                    d[k] = d.get(k, 0) - 1
                    d[k2] = d.get(k2, 0) + 1
            if not d:
                continue
            used = self.used[a]
            for k, x in d.items():
                before = self.kinds[k].get(a, 0)
                used += (before + x > 0) - (before > 0)
            if used > limit:
                return False
        return True

    def move(self, u: int, k: int) -> None:
        old = self.at[u]
        tu_old, tu_new = self.time(old, u), self.time(k, u)
        self.members[old].discard(u)
        self._drop_kinds(old, u)
        self.members[k].add(u)
        self._add_kinds(k, u)
        self.at[u] = k
        self.load[old] -= tu_old
        self.load[k] += tu_new

    def set_operator(self, k: int, o: int, load: int) -> None:
        self.ops[k] = o
        self.load[k] = load

    def snapshot(self) -> tuple[list[list[int]], list[int] | None]:
        plan = [sorted(i for u in self.members[k] for i in self.units.members[u])
                for k in range(self.m)]
        keep = [k for k in range(self.m) if plan[k]]
        return [plan[k] for k in keep], ([self.ops[k] for k in keep] if self.named else None)


def _over(load: int, target: int) -> int:
    return load - target if load > target else 0


def _search(plan: _Plan, record: int, until: float, stop_at: int) -> tuple[
        list[list[int]], list[int] | None, int] | None:
    """Plans with a cycle below ``record``: the overload is lowered at a target one below
    the best cycle so far, and every plan on the way whose cycle beats the best is kept
    (down to ``stop_at``). Ends by ``until`` (``perf_counter``), or after ``PATIENCE``
    steps without a better plan (more when the last one took longer). The best plan kept,
    its operators and cycle, or None when none beat ``record``."""
    tabu: dict[tuple[int, int], int] = {}
    best = None
    step = 0
    target = max(stop_at, record - 1)
    over = sum(_over(x, target) for x in plan.load)
    least, since = over, 0
    last = 0  # the step of the last better plan
    while time.perf_counter() < until and step - last <= max(PATIENCE, last):
        # (past the patience: no better plan for as many steps as the last one took)
        cycle = max(plan.load)
        if cycle < record:
            record, last = cycle, step
            best = (*plan.snapshot(), cycle)
            if cycle <= stop_at:
                break
            target = max(stop_at, record - 1)
            over = sum(_over(x, target) for x in plan.load)
            least, since = over, 0
            tabu.clear()
        step += 1
        found = _best_move(plan, target, tabu, step, least - over)
        if found is None or since > STUCK:
            _shake(plan)
            if plan.named:
                _rematch(plan)
            since = 0
            least = over = sum(_over(x, target) for x in plan.load)
            continue
        delta, move = found
        _apply(plan, tabu, step, move)
        over += delta
        if over < least:
            least, since = over, 0
        else:
            since += 1
    return best


def _best_move(plan: _Plan, target: int, tabu: dict, step: int, gain_to_best: int):
    """The best move (overload change, the move) out of an overloaded station: least
    overload, then the most even loads (sum of squares), ties at random. A tabu move only
    when it beats the best overload so far; operators change only when that lowers the
    overload. Moves: ("shift", u, k2), ("swap", u, v), ("chain", u, k2, w, k3), ("give",
    k, o, load), ("exchange", k, k2, load_k, load_k2)."""
    load, members, m, rng = plan.load, plan.members, plan.m, plan.rng
    related = plan.units.related
    best_delta, best, ties = None, None, 0
    for k in range(m):
        lk = load[k]
        if lk <= target:
            continue
        cands = []
        for u in members[k]:
            tu = plan.time(k, u)
            lo, hi = plan.span(u)
            for k2 in range(lo, hi + 1):
                if k2 == k:
                    continue
                t2 = plan.time(k2, u)
                if t2 is None:
                    continue
                l2 = load[k2]
                delta = (_over(lk - tu, target) - _over(lk, target)
                         + _over(l2 + t2, target) - _over(l2, target))
                if ((tabu.get((u, k2), 0) <= step or -delta > gain_to_best)
                        and plan.can_join(u, k2) and plan.machines_ok(((u, k, k2),))):
                    cands.append((delta, _sq(lk - tu, l2 + t2, lk, l2), ("shift", u, k2)))
                if l2 + t2 > target:
                    _chains(plan, target, tabu, step, gain_to_best, u, k, k2, tu, t2, cands)
                for v in members[k2]:
                    tvk = plan.time(k, v)
                    if tvk is None or v in related[u]:
                        continue
                    vlo, vhi = plan.span(v)
                    if not vlo <= k <= vhi:
                        continue
                    nk, n2 = lk - tu + tvk, l2 - plan.time(k2, v) + t2
                    delta = (_over(nk, target) - _over(lk, target)
                             + _over(n2, target) - _over(l2, target))
                    if (((tabu.get((u, k2), 0) <= step and tabu.get((v, k), 0) <= step)
                         or -delta > gain_to_best) and plan.can_join(u, k2, v)
                            and plan.can_join(v, k, u)
                            and plan.machines_ok(((u, k, k2), (v, k2, k)))):
                        cands.append((delta, _sq(nk, n2, lk, l2), ("swap", u, v)))
        if plan.named:
            _operator_moves(plan, k, target, tabu, step, gain_to_best, cands)
        for delta, sq, move in cands:
            key = (delta, sq)
            if best_delta is None or key < best_delta:
                best_delta, best, ties = key, move, 1
            elif key == best_delta:
                ties += 1
                if rng.randrange(ties) == 0:
                    best = move
    return None if best is None else (best_delta[0], best)


def _sq(a: int, b: int, a0: int, b0: int) -> int:
    """Change of the sum of squared loads (the tie-break: even loads leave room)."""
    return a * a + b * b - a0 * a0 - b0 * b0


def _chains(plan: _Plan, target: int, tabu: dict, step: int, gain_to_best: int, u: int,
            k: int, k2: int, tu: int, t2: int, cands: list) -> None:
    """Ejection chains of two shifts: ``u`` from ``k`` to ``k2``, and a unit ``w`` of
    ``k2`` (not a direct predecessor or successor of ``u``) on to a third station."""
    load, related = plan.load, plan.units.related
    lk, l2 = load[k], load[k2]
    for w in plan.members[k2]:
        if w in related[u]:
            continue
        tw2 = plan.time(k2, w)
        lo, hi = plan.span(w)
        for k3 in range(lo, hi + 1):
            if k3 in (k2, k):
                continue
            tw3 = plan.time(k3, w)
            if tw3 is None:
                continue
            l3 = load[k3]
            n2 = l2 + t2 - tw2
            delta = (_over(lk - tu, target) - _over(lk, target) + _over(n2, target)
                     - _over(l2, target) + _over(l3 + tw3, target) - _over(l3, target))
            if (((tabu.get((u, k2), 0) <= step and tabu.get((w, k3), 0) <= step)
                 or -delta > gain_to_best) and plan.can_join(u, k2, w)
                    and plan.can_join(w, k3)
                    and plan.machines_ok(((u, k, k2), (w, k2, k3)))):
                sq = (lk - tu) ** 2 + n2 * n2 + (l3 + tw3) ** 2 - lk * lk - l2 * l2 - l3 * l3
                cands.append((delta, sq, ("chain", u, k2, w, k3)))


def _operator_moves(plan: _Plan, k: int, target: int, tabu: dict, step: int,
                    gain_to_best: int, cands: list) -> None:
    """Another operator for station ``k``: a spare one, or the operator of another station
    in exchange (tabu: an operator back at a station she left)."""
    load, ops = plan.load, plan.ops
    before = _over(load[k], target)
    for o in plan.spare:
        new = plan.station_load(k, o)
        if new is not None:
            delta = _over(new, target) - before
            if delta < 0 and (tabu.get((-1 - o, k), 0) <= step or -delta > gain_to_best):
                cands.append((delta, _sq(new, 0, load[k], 0), ("give", k, o, new)))
    for k2 in range(plan.m):
        if k2 == k:
            continue
        a = plan.station_load(k, ops[k2])
        if a is None:
            continue
        b = plan.station_load(k2, ops[k])
        if b is None:
            continue
        delta = _over(a, target) + _over(b, target) - before - _over(load[k2], target)
        if delta < 0 and ((tabu.get((-1 - ops[k2], k), 0) <= step
                          and tabu.get((-1 - ops[k], k2), 0) <= step) or -delta > gain_to_best):
            cands.append((delta, _sq(a, b, load[k], load[k2]), ("exchange", k, k2, a, b)))


def _apply(plan: _Plan, tabu: dict, step: int, move: tuple) -> None:
    kind = move[0]
    until = step + plan.rng.randint(*TENURE)
    if kind == "shift":
        _, u, k2 = move
        tabu[(u, plan.at[u])] = until
        plan.move(u, k2)
    elif kind == "swap":
        _, u, v = move
        ku, kv = plan.at[u], plan.at[v]
        tabu[(u, ku)] = tabu[(v, kv)] = until
        plan.move(u, kv)
        plan.move(v, ku)
    elif kind == "chain":
        _, u, k2, w, k3 = move
        tabu[(u, plan.at[u])] = tabu[(w, k2)] = until
        plan.move(w, k3)
        plan.move(u, k2)
    elif kind == "give":
        _, k, o, new = move
        plan.spare.remove(o)
        plan.spare.append(plan.ops[k])
        tabu[(-1 - plan.ops[k], k)] = until
        plan.set_operator(k, o, new)
    else:
        _, k, k2, a, b = move
        o, o2 = plan.ops[k], plan.ops[k2]
        tabu[(-1 - o, k)] = tabu[(-1 - o2, k2)] = until
        plan.set_operator(k, o2, a)
        plan.set_operator(k2, o, b)


def _rematch(plan: _Plan) -> None:
    """The operators of the stations as they stand, by a bottleneck matching (the least
    cycle at which every station gets its own operator), spare operators included."""
    everyone = plan.ops + plan.spare
    loads = [[plan.station_load(k, o) for o in everyone] for k in range(plan.m)]
    found = greedy.bottleneck_match(loads)
    if found is None:
        return
    ops = [everyone[j] for j in found[1]]
    taken = set(ops)
    plan.spare = [o for o in everyone if o not in taken]
    for k, j in enumerate(found[1]):
        plan.set_operator(k, ops[k], loads[k][j])


def _shake(plan: _Plan) -> None:
    """A few random shifts that keep every rule but the cycle."""
    rng = plan.rng
    n_units = len(plan.at)
    for _ in range(SHAKE * 5):
        u = rng.randrange(n_units)
        lo, hi = plan.span(u)
        k2 = rng.randint(lo, hi)
        k = plan.at[u]
        if (k2 != k and plan.time(k2, u) is not None and plan.can_join(u, k2)
                and plan.machines_ok(((u, k, k2),))):
            plan.move(u, k2)


def improve_cycle(data: ProblemData, start: Start, *, lower: int, until: float,
                  seed: int = 0, tries: int = 1_000) -> Start:
    """SALBP-2: a plan of at most ``data.stations`` stations with a lower cycle than
    ``start``'s, or ``start``. Up to ``tries`` searches by ``until`` (``perf_counter``),
    each from the best plan so far with its own seed; stops at ``lower``."""
    if start.cycle <= lower or data.splits:
        return start
    units = Units(data)
    best = start
    stale = 0
    for k in range(tries):
        if time.perf_counter() >= until or best.cycle <= lower or stale >= STALE:
            break
        plan = _Plan(data, units, best, data.stations, random.Random(seed + k))
        found = _search(plan, best.cycle, until, lower)
        stale += 1
        if found is not None:
            stations, ops, cycle = found
            best = Start(stations, cycle, [1] * len(stations), ops)
            stale = 0
    return best

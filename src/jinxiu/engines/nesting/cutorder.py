"""Cut-order planning (分床): which markers to make and how many plies to spread on each.

An order asks for garments per (colour, size). A *lay* (床) is one marker with a size ratio
(e.g. S:1 M:2) spread with some plies; plies of several colours may share a lay. Lays are
limited by the table (``max_plies`` per lay, ``max_garments`` per marker, which bounds its
length). The plan covers the order, never under-cuts, over-cuts at most ``max_overcut`` garments
per (colour, size), and minimises the fabric used (Σ marker length × plies); the number of
distinct markers is a secondary cost (``marker_cost``: fabric length one extra marker is worth).

Solved exactly with CP-SAT over every candidate ratio. A marker's length comes from
``marker_length(ratio)`` — typically a short nesting run, cached by ratio (``cached``), or
``area_estimate`` for a quick plan.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from jinxiu.engines.nesting.model import InvalidProblemError, ProblemData

Ratio = tuple[tuple[str, int], ...]  # sorted (size, garments) with garments > 0


@dataclass(frozen=True)
class CutOrder:
    demand: Mapping[str, Mapping[str, int]]  # colour -> size -> garments
    max_plies: int
    max_garments: int
    max_overcut: int = 0
    marker_cost: float = 0.0

    def __post_init__(self) -> None:
        if self.max_plies < 1 or self.max_garments < 1 or self.max_overcut < 0:
            raise InvalidProblemError("max_plies and max_garments must be >= 1, max_overcut >= 0")
        if not self.demand or not any(q > 0 for d in self.demand.values() for q in d.values()):
            raise InvalidProblemError("the order asks for nothing")
        for colour, sizes in self.demand.items():
            for size, q in sizes.items():
                if not isinstance(q, int) or q < 0:
                    raise InvalidProblemError(f"{colour}/{size}: quantity must be an integer >= 0")

    @property
    def sizes(self) -> list[str]:
        return sorted({s for d in self.demand.values() for s, q in d.items() if q > 0})


@dataclass(frozen=True)
class Lay:
    ratio: dict[str, int]
    marker_length: float
    plies: dict[str, int]  # colour -> plies

    @property
    def total_plies(self) -> int:
        return sum(self.plies.values())


@dataclass(frozen=True)
class CutPlan:
    lays: tuple[Lay, ...]
    fabric_length: float  # Σ marker length × plies
    markers: int  # distinct ratios
    overcut: dict[str, dict[str, int]]  # colour -> size -> garments cut beyond the order
    optimal: bool
    candidates: int
    lengths: dict[Ratio, float] = field(default_factory=dict, repr=False)


def candidate_ratios(sizes: list[str], max_garments: int, cap: Mapping[str, int]) -> list[Ratio]:
    """Every ratio with 1..max_garments garments and no size above what could be used."""
    out: list[Ratio] = []
    ranges = [range(min(max_garments, cap[s]) + 1) for s in sizes]
    for counts in itertools.product(*ranges):
        total = sum(counts)
        if 1 <= total <= max_garments:
            out.append(tuple((s, c) for s, c in zip(sizes, counts, strict=True) if c))
    return out


def area_estimate(data: ProblemData, utilization: float = 0.82) -> Callable[[dict], float]:
    """Marker length ≈ piece area of the ratio / (width × an expected utilization)."""
    def length(ratio: dict[str, int]) -> float:
        area = 0.0
        for piece in data.pieces:
            n = sum(ratio.values()) if piece.size is None else ratio.get(piece.size, 0)
            area += piece.area * piece.quantity * n
        return area / (data.width * utilization)
    return length


def cached(fn: Callable[[dict[str, int]], float]) -> Callable[[dict[str, int]], float]:
    memo: dict[Ratio, float] = {}

    def wrapper(ratio: dict[str, int]) -> float:
        key = tuple(sorted(ratio.items()))
        if key not in memo:
            memo[key] = fn(dict(key))
        return memo[key]
    return wrapper


def plan_cut_order(
    order: CutOrder,
    marker_length: Callable[[dict[str, int]], float],
    *,
    time_limit: float = 10.0,
    workers: int | None = None,
    scale: float = 1000.0,
) -> CutPlan:
    """The cheapest plan over all candidate ratios (CP-SAT). Raises InvalidProblemError when
    no plan exists (e.g. a size's demand cannot be met within the over-cut)."""
    sizes = order.sizes
    colours = sorted(order.demand)
    need = {(k, s): order.demand[k].get(s, 0) for k in colours for s in sizes}
    cap = {s: max(need[k, s] for k in colours) + order.max_overcut for s in sizes}
    ratios = candidate_ratios(sizes, order.max_garments, cap)
    lengths = {r: float(marker_length(dict(r))) for r in ratios}
    unit = min(v for v in lengths.values() if v > 0) / scale

    m = cp_model.CpModel()
    horizon = max(need.values()) + order.max_overcut
    plies = {(r, k): m.new_int_var(0, horizon, f"y{i}_{k}")
             for i, r in enumerate(ratios) for k in colours}
    lays = {r: m.new_int_var(0, horizon, f"lays{i}") for i, r in enumerate(ratios)}
    used = {r: m.new_bool_var(f"u{i}") for i, r in enumerate(ratios)}
    for r in ratios:
        total = sum(plies[r, k] for k in colours)
        m.add(total <= order.max_plies * lays[r])
        m.add(lays[r] <= total)  # no empty lay
        m.add(lays[r] <= horizon * used[r])
    for k in colours:
        for s in sizes:
            cut = sum(dict(r).get(s, 0) * plies[r, k] for r in ratios if dict(r).get(s, 0))
            m.add(cut >= need[k, s])
            m.add(cut <= need[k, s] + order.max_overcut)
    fabric = sum(round(lengths[r] / unit) * plies[r, k] for r in ratios for k in colours)
    # lays cost one length unit each: a tie-breaker that keeps the number of lays down
    m.minimize(fabric + round(order.marker_cost / unit) * sum(used.values()) + sum(lays.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    if workers:
        solver.parameters.num_workers = workers
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InvalidProblemError(
            "no cut plan covers the order within the over-cut allowance"
            if status == cp_model.INFEASIBLE else "no cut plan found in the time limit"
        )
    out: list[Lay] = []
    for r in ratios:
        n_lays = solver.value(lays[r])
        if not n_lays:
            continue
        total = {k: solver.value(plies[r, k]) for k in colours}
        # split the plies of this marker into n_lays lays of at most max_plies
        remaining = dict(total)
        for _ in range(n_lays):
            room, lay = order.max_plies, {}
            for k in colours:
                take = min(room, remaining[k])
                if take:
                    lay[k] = take
                    remaining[k] -= take
                    room -= take
            if lay:
                out.append(Lay(dict(r), lengths[r], lay))
    overcut = {
        k: {s: sum(lay.ratio.get(s, 0) * lay.plies.get(k, 0) for lay in out) - need[k, s]
            for s in sizes}
        for k in colours
    }
    return CutPlan(
        lays=tuple(out),
        fabric_length=sum(lay.marker_length * lay.total_plies for lay in out),
        markers=len({tuple(sorted(lay.ratio.items())) for lay in out}),
        overcut=overcut,
        optimal=status == cp_model.OPTIMAL,
        candidates=len(ratios),
        lengths=lengths,
    )

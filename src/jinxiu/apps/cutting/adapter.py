"""The nesting engine's adapter: rows → ``ProblemData``, the cut-order plan with its markers,
stored markers → the engine's ``Result`` for the writers.

The plan (分床) and its markers (唛架) are computed together. The cut-order planner needs a
marker length for every candidate size ratio, but nesting each of them (hundreds) would take
far too long. So the plan starts from area estimates and is refined with real markers:

1. estimate every ratio's length as its piece area ÷ (width × utilization), the utilization
   being the mean of the markers nested so far (0.80 before the first);
2. plan exactly with CP-SAT over every candidate ratio (``cutorder.plan_cut_order``);
3. nest every ratio of that plan not nested yet, and plan again with the real lengths;
4. stop when a plan uses only nested ratios (its fabric is then exact), or after
   ``MAX_ROUNDS`` rounds (the last plan is kept, its lengths replaced by the real ones).

A ratio whose marker cannot be made (longer than the table, a piece that does not fit) gets an
infinite length, so the next plan avoids it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from jinxiu.engines.common import MaxRuntime
from jinxiu.engines.nesting import (
    Grain,
    InvalidPieceError,
    InvalidProblemError,
    MarkerTooLongError,
    NestingError,
    Piece,
    Placement,
    ProblemData,
    Progress,
    Result,
    SolveParams,
    solve,
)
from jinxiu.engines.nesting.cutorder import CutOrder as EngineCutOrder
from jinxiu.engines.nesting.cutorder import CutPlan, plan_cut_order

MAX_ROUNDS = 6
FIRST_UTILIZATION = 0.80
PENALTY = 1000.0  # a ratio that cannot be made into a marker: its estimate × this


class PlanInputError(ValueError):
    """The order cannot be planned as given; the message says why (shown to the user)."""


def piece_to_engine(row) -> Piece:
    """A stored PatternPiece as the engine's Piece (raises InvalidPieceError)."""
    return Piece(
        name=row.name,
        outline=tuple(tuple(p) for p in row.outline),
        quantity=row.quantity,
        size=row.size or None,
        pair=row.pair,
        grain_angle=row.grain_angle or 0.0,
        grain=Grain(row.grain) if row.grain else None,
        holes=tuple(tuple(tuple(p) for p in h) for h in row.holes),
        drills=tuple(tuple(p) for p in row.drills),
        material=row.material or None,
    )


def order_pieces(order) -> list:
    pieces = list(order.pattern.pieces.order_by("position"))
    if order.material:
        pieces = [p for p in pieces if p.material.lower() == order.material.lower()]
    return pieces


def order_problem(order, ratio: dict[str, int] | None = None) -> ProblemData:
    """The order's marker problem (for ``ratio``; default: one of every ordered size).
    Raises PlanInputError with the reason (a piece that does not fit, no pieces ...)."""
    rows = order_pieces(order)
    if not rows:
        if order.material:
            raise PlanInputError(_("No piece of this pattern is cut from “%(m)s”.")
                                 % {"m": order.material})
        raise PlanInputError(_("The pattern has no pieces."))
    if ratio is None:
        sizes = sorted({s for per in order.quantities.values() for s, n in per.items() if n})
        ratio = {s: 1 for s in sizes}
    try:
        pieces = tuple(piece_to_engine(row) for row in rows)
        return ProblemData(
            pieces=pieces, width=float(order.width), ratio=ratio,
            max_length=float(order.max_length) if order.max_length else None,
            grain=Grain(order.grain), spacing=float(order.spacing),
            name=order.pattern.style.code, units="mm",
        )
    except NestingError as exc:
        from jinxiu.apps.cutting.reasons import piece_error

        raise PlanInputError(_("The order cannot be planned: %(reason)s")
                             % {"reason": piece_error(exc)}) from None


def engine_order(order) -> EngineCutOrder:
    try:
        return EngineCutOrder(
            demand={colour: {s: n for s, n in sizes.items()}
                    for colour, sizes in order.quantities.items()},
            max_plies=order.max_plies, max_garments=order.max_garments,
            max_overcut=order.max_overcut, marker_cost=float(order.marker_cost))
    except InvalidProblemError as exc:
        raise PlanInputError(str(exc)) from None


def ratio_key(ratio: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((s, n) for s, n in ratio.items() if n))


@dataclass
class PlanRun:
    """What the planning job computed: the plan, a marker per ratio it uses, and the story."""

    plan: CutPlan
    markers: dict[tuple, Result]
    rounds: int
    nested: int
    exact: bool
    failures: dict[tuple, str] = field(default_factory=dict)
    lengths: dict[tuple, float] = field(default_factory=dict)  # every nested ratio's length


def plan_with_markers(
    order,
    *,
    seconds: int,
    seed: int = 1,
    workers: int | None = None,
    report: Callable[[str, float | None], None] | None = None,
    solve_fn: Callable[..., Result] = solve,
) -> PlanRun:
    """Plan ``order`` and nest its markers (see the module docstring). ``report(message,
    best_utilization)`` is called as markers are nested (for the job's progress)."""
    base = order_problem(order)
    cut = engine_order(order)
    nested: dict[tuple, Result] = {}
    failures: dict[tuple, str] = {}
    best = [None]

    def area_of(ratio: dict[str, int]) -> float:
        total = 0.0
        for piece in base.pieces:
            n = sum(ratio.values()) if piece.size is None else ratio.get(piece.size, 0)
            total += piece.area * piece.quantity * n
        return total

    def length(ratio: dict[str, int]) -> float:
        key = ratio_key(ratio)
        if key in nested:
            return nested[key].length
        done = [r.utilization for r in nested.values()]
        u = sum(done) / len(done) if done else FIRST_UTILIZATION
        estimate = area_of(ratio) / (base.width * u)
        return estimate * PENALTY if unusable(ratio) else estimate

    def unusable(ratio: dict[str, int]) -> bool:
        return ratio_key(ratio) in failures or (
            base.max_length is not None and area_of(ratio) / base.width > base.max_length)

    def nest(ratio: dict[str, int], label: str) -> None:
        key = ratio_key(ratio)

        def progress(p: Progress) -> None:
            if best[0] is None or p.utilization > best[0]:
                best[0] = p.utilization
            if report:
                report(_("%(marker)s: %(u).1f %% after %(s).0f s")
                       % {"marker": label, "u": 100 * p.utilization, "s": p.elapsed_s}, best[0])

        try:
            data = base.with_changes(ratio=dict(key))
            result = solve_fn(data, stop=MaxRuntime(seconds), seed=seed,
                              params=SolveParams(workers=workers), on_progress=progress)
        except MarkerTooLongError as exc:
            failures[key] = str(exc)
            return
        except InvalidProblemError as exc:
            failures[key] = str(exc)
            return
        except InvalidPieceError as exc:
            from jinxiu.apps.cutting.reasons import piece_error

            failures[key] = piece_error(exc)
            return
        nested[key] = result

    plan = None
    rounds = 0
    exact = False
    for rounds in range(1, MAX_ROUNDS + 1):
        try:
            plan = plan_cut_order(cut, length, time_limit=10, workers=1)
        except InvalidProblemError as exc:
            raise PlanInputError(str(exc)) from None
        if any(unusable(lay.ratio) for lay in plan.lays):
            from jinxiu.apps.cutting.reasons import reason

            reasons = "; ".join(sorted({reason(f) for f in failures.values()}))[:300] or _(
                "even one garment needs more fabric than the maximum marker length")
            raise PlanInputError(_("No plan fits the fabric and the table: %(r)s")
                                 % {"r": reasons})
        todo = [lay.ratio for lay in plan.lays if ratio_key(lay.ratio) not in nested]
        todo = list({ratio_key(r): r for r in todo}.values())
        if not todo:
            exact = True
            break
        for i, ratio in enumerate(todo, start=1):
            label = _("round %(round)d, marker %(i)d of %(n)d (%(ratio)s)") % {
                "round": rounds, "i": i, "n": len(todo),
                "ratio": " ".join(f"{s}×{n}" if s else f"×{n}" for s, n in ratio_key(ratio))}
            if report:
                report(label, best[0])
            nest(ratio, label)
    assert plan is not None
    missing = [lay.ratio for lay in plan.lays if ratio_key(lay.ratio) not in nested]
    for ratio in missing:  # after the last round: the plan's own markers, nested
        nest(ratio, " ".join(f"{s}×{n}" for s, n in ratio_key(ratio)))
        if ratio_key(ratio) not in nested:
            from jinxiu.apps.cutting.reasons import reason

            raise PlanInputError(reason(failures[ratio_key(ratio)]))
    return PlanRun(plan=plan, markers={k: v for k, v in nested.items()
                                       if k in {ratio_key(lay.ratio) for lay in plan.lays}},
                   rounds=rounds, nested=len(nested), exact=exact, failures=failures,
                   lengths={k: v.length for k, v in nested.items()})


def plan_json(run: PlanRun, order) -> dict:
    """The plan as stored on the order: lays with their marker, fabric, over-cut per size."""
    lays = []
    numbers: dict[tuple, int] = {}
    for lay in run.plan.lays:
        key = ratio_key(lay.ratio)
        numbers.setdefault(key, len(numbers) + 1)
        marker = run.markers[key]
        lays.append({"marker": numbers[key], "ratio": dict(key), "plies": lay.plies,
                     "total_plies": lay.total_plies, "length": marker.length,
                     "fabric": marker.length * lay.total_plies})
    fabric = sum(lay["fabric"] for lay in lays)
    demand = order.quantities
    cut: dict[str, dict[str, int]] = {}
    for colour, sizes in demand.items():
        cut[colour] = {s: sum(lay["ratio"].get(s, 0) * lay["plies"].get(colour, 0)
                              for lay in lays) for s in sizes}
    return {
        "lays": lays,
        "markers": len(numbers),
        "fabric_length": fabric,
        "cut": cut,
        "overcut": {c: {s: cut[c][s] - demand[c][s] for s in demand[c]} for c in demand},
        "optimal": run.plan.optimal and run.exact,
        "exact_lengths": run.exact,
        "candidates": run.plan.candidates,
        "rounds": run.rounds,
        "nested": run.nested,
        "piece_area": sum(run.markers[ratio_key(lay["ratio"])].piece_area * lay["total_plies"]
                          for lay in lays),
        "numbers": [[list(map(list, k)), n] for k, n in numbers.items()],
    }


# --- stored markers → the engine's Result (for SVG/PDF/DXF/JSON) -----------------------------
@dataclass(frozen=True)
class Drawing:
    """What the writers read from a problem: the pieces (holes, drills) and the units."""

    pieces: tuple[Piece, ...]
    units: str = "mm"


def marker_drawing(marker) -> tuple[Drawing, Result]:
    """The stored marker as (pieces, Result) for ``jinxiu.engines.nesting.writers``."""
    rows = list(marker.order.pattern.pieces.order_by("position"))
    pieces = tuple(piece_to_engine(r) for r in rows)
    index = {(p.name, p.size): i for i, p in enumerate(pieces)}
    doc = marker.result
    placements = []
    for row in doc.get("placements", []):
        i = index.get((row["piece"], row.get("size")))
        if i is None:  # the piece was deleted from the pattern since: draw its outline only
            pieces = (*pieces, Piece(name=row["piece"], outline=tuple(map(tuple,
                                                                          row["polygon"]))))
            i = len(pieces) - 1
            index[(row["piece"], row.get("size"))] = i
        placements.append(Placement(
            piece=row["piece"], size=row.get("size"), piece_index=i,
            copy=int(row.get("copy", 0)), rotation=float(row["rotation"]),
            mirrored=bool(row["mirrored"]),
            translation=tuple(float(v) for v in row["translation"]),  # type: ignore[arg-type]
            matrix=tuple(float(v) for v in row["matrix"]),  # type: ignore[arg-type]
            polygon=tuple((float(x), float(y)) for x, y in row["polygon"]),
        ))
    from jinxiu.engines.common import StopReason

    known = {r.value for r in StopReason}
    result = Result(
        runtime_s=float(doc.get("runtime_s", 0)),
        stop_reason=StopReason(doc["stop_reason"]) if doc.get("stop_reason") in known
        else StopReason.TIME_LIMIT,
        name=f"{marker.order.pattern.style.code} {marker.name}",
        width=float(doc["width"]), length=float(doc["length"]),
        utilization=float(doc["utilization"]), placements=tuple(placements),
        seed=int(doc.get("seed", 0)), piece_area=float(doc.get("piece_area", 0)),
        units=doc.get("units", "mm"),
    )
    return Drawing(pieces=pieces, units=result.units), result


def thumbnail_path(outline, holes=(), size: float = 100.0) -> tuple[str, str]:
    """An SVG viewBox and path ``d`` for a piece's outline (y up, as in the file)."""
    xs = [p[0] for p in outline]
    ys = [p[1] for p in outline]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    span = max(x1 - x0, y1 - y0, 1e-9)
    k = size / span
    pad = 2.0

    def ring(points) -> str:
        return "M" + " L".join(f"{(x - x0) * k + pad:.1f},{(y1 - y) * k + pad:.1f}"
                               for x, y in points) + " Z"

    d = " ".join(ring(r) for r in [outline, *holes])
    box = f"0 0 {(x1 - x0) * k + 2 * pad:.1f} {(y1 - y0) * k + 2 * pad:.1f}"
    return box, d


def grain_arrow(row, size: float = 100.0) -> tuple[float, float, float, float] | None:
    """A grain-line arrow across the middle of the thumbnail (None: no grain line read)."""
    if row.grain_angle is None:
        return None
    xs = [p[0] for p in row.outline]
    ys = [p[1] for p in row.outline]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    k = size / span
    cx, cy = (max(xs) - min(xs)) * k / 2 + 2, (max(ys) - min(ys)) * k / 2 + 2
    r = math.radians(row.grain_angle)
    dx, dy = math.cos(r) * size * 0.3, -math.sin(r) * size * 0.3
    return cx - dx, cy - dy, cx + dx, cy + dy

"""Reads of the cutting room; every query starts from what the user may view."""

from __future__ import annotations

from dataclasses import dataclass

from jinxiu.apps.cutting.adapter import grain_arrow, thumbnail_path
from jinxiu.apps.cutting.models import CutOrder, Marker, Pattern, PatternPiece


@dataclass(frozen=True)
class PieceReview:
    piece: PatternPiece
    viewbox: str
    path: str
    grain: tuple[float, float, float, float] | None
    drills: list[tuple[float, float]]


def piece_review(piece: PatternPiece, size: float = 100.0) -> PieceReview:
    box, d = thumbnail_path(piece.outline, piece.holes, size)
    xs = [p[0] for p in piece.outline]
    ys = [p[1] for p in piece.outline]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    k = size / span
    drills = [((x - min(xs)) * k + 2, (max(ys) - y) * k + 2) for x, y in piece.drills]
    return PieceReview(piece, box, d, grain_arrow(piece, size), drills)


def piece_reviews(*, user, pattern: Pattern) -> list[PieceReview]:
    pieces = PatternPiece.objects.restrict(user, "view").filter(pattern=pattern)
    return [piece_review(p) for p in pieces.order_by("position")]


def pattern_history(*, user, style) -> list[Pattern]:
    return list(Pattern.objects.restrict(user, "view").filter(style=style)
                .select_related("uploaded_by").order_by("-version")[:20])


def order_history(*, user, style) -> list[CutOrder]:
    return list(CutOrder.objects.restrict(user, "view").filter(pattern__style=style)
                .select_related("pattern").order_by("-created")[:20])


def order_markers(*, user, order: CutOrder) -> list[Marker]:
    return list(Marker.objects.restrict(user, "view").filter(order=order)
                .defer("result").order_by("position"))


def plan_view(order: CutOrder) -> dict | None:
    """The stored plan with what a cutting-room page shows: lays with their marker, the
    over-cut per colour and size, totals."""
    plan = order.plan
    if not plan:
        return None
    markers = {m.position: m for m in order.markers.defer("result").order_by("position")}
    sizes = sorted({s for per in order.quantities.values() for s in per})
    lays = []
    for i, lay in enumerate(plan["lays"], start=1):
        lays.append({**lay, "number": i, "length_m": lay["length"] / 1000,
                     "fabric_m": lay["fabric"] / 1000, "marker_obj": markers.get(lay["marker"]),
                     "ratio_text": " ".join(f"{s}×{n}" if s else f"×{n}"
                                            for s, n in sorted(lay["ratio"].items())),
                     "plies_text": " ".join(f"{c}×{n}" if c else f"{n}"
                                            for c, n in sorted(lay["plies"].items()))})
    rows = []
    # sizes and colours sorted: PostgreSQL's jsonb does not keep the order keys were written in
    for colour, per in sorted(order.quantities.items()):
        rows.append({"colour": colour,
                     "cells": [(per.get(s, 0), plan["cut"][colour].get(s, 0),
                                plan["overcut"][colour].get(s, 0)) for s in sizes]})
    fabric = plan["fabric_length"]
    utilization = plan.get("piece_area", 0) / (order.width * fabric) if fabric else 0
    return {"lays": lays, "sizes": sizes, "rows": rows, "fabric_m": fabric / 1000,
            "markers": list(markers.values()), "optimal": plan.get("optimal"),
            "exact": plan.get("exact_lengths"), "rounds": plan.get("rounds"),
            "nested": plan.get("nested"), "candidates": plan.get("candidates"),
            "utilization": utilization, "utilization_pct": 100 * utilization,
            "total_plies": sum(lay["total_plies"] for lay in plan["lays"])}

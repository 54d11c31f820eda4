"""Independent check of a marker with shapely, from the original piece outlines.

The solver's own collision engine is not trusted: every placement is rebuilt from the piece
outline given in ``ProblemData`` and the reported (mirrored, rotation, translation), then

- every required copy is placed exactly once (per piece, size and mirror state),
- every rotation is one the piece allows,
- the rebuilt polygon matches the reported one,
- every piece lies inside the strip ``[start allowance, length − end allowance] × [0, width]``,
- no two pieces overlap beyond a tolerance, and with spacing > 0 every two pieces are at
  least ``spacing − tolerance`` apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from shapely import STRtree
from shapely.geometry import Polygon

from jinxiu.engines.nesting import geometry as geo
from jinxiu.engines.nesting.model import ProblemData
from jinxiu.engines.nesting.result import Placement


def default_tolerance(data: ProblemData, length: float) -> float:
    """Linear tolerance: the solver computes in 32-bit floats, ~1e-7 relative; allow 1e-5."""
    return 1e-5 * max(data.width, length, 1e-9)


def placement_matrix(data: ProblemData, p: Placement) -> geo.Affine:
    piece = data.pieces[p.piece_index]
    to_frame = geo.rotation(-piece.grain_angle)
    if p.mirrored:
        to_frame = geo.compose(geo.MIRROR_X_AXIS, to_frame)
    return geo.compose(geo.translation(*p.translation), geo.compose(geo.rotation(p.rotation),
                                                                    to_frame))


def check_marker(
    data: ProblemData,
    placements: Sequence[Placement],
    length: float,
    *,
    tolerance: float | None = None,
    max_problems: int = 20,
) -> list[str]:
    """Problems found in the marker; an empty list means it passed."""
    tol = default_tolerance(data, length) if tolerance is None else tolerance
    problems: list[str] = []

    def report(msg: str) -> bool:
        problems.append(msg)
        return len(problems) >= max_problems

    # 1. every required copy exactly once
    need = Counter({(it.piece_index, it.mirrored): it.demand for it in data.items})
    have = Counter((p.piece_index, p.mirrored) for p in placements)
    for key in sorted(set(need) | set(have)):
        if need[key] != have[key]:
            piece = data.pieces[key[0]] if 0 <= key[0] < len(data.pieces) else None
            label = piece.label if piece else f"#{key[0]}"
            side = " (mirrored)" if key[1] else ""
            if report(f"{label}{side}: placed {have[key]} time(s), required {need[key]}"):
                return problems
    if any(not 0 <= p.piece_index < len(data.pieces) for p in placements):
        return problems

    polys: list[Polygon] = []
    for p in placements:
        piece = data.pieces[p.piece_index]
        # 2. allowed rotation
        allowed = data.rotations_of(piece)
        if not any(geo.angle_close(p.rotation, r, 1e-4) for r in allowed) and report(
            f"{piece.label}: rotation {p.rotation:g}° is not allowed"
        ):
            return problems
        # 3. rebuild and compare
        ring = geo.apply(placement_matrix(data, p), piece.outline)
        poly = Polygon(ring)
        polys.append(poly)
        reported = Polygon(p.polygon) if len(p.polygon) >= 3 else Polygon()
        differs = reported.is_empty or (
            reported.symmetric_difference(poly).area > tol * poly.length
        )
        if differs and report(f"{piece.label}: reported polygon differs from the rebuilt one"):
            return problems
        # 4. inside the strip
        x0, y0, x1, y1 = poly.bounds
        lo_x, hi_x = data.start_allowance, length - data.end_allowance
        if x0 < lo_x - tol or x1 > hi_x + tol or y0 < -tol or y1 > data.width + tol:
            msg = (
                f"{piece.label}: outside the strip (bounds {x0:.6g}, {y0:.6g}, {x1:.6g}, "
                f"{y1:.6g}; strip x {lo_x:g}..{hi_x:.6g}, y 0..{data.width:g})"
            )
            if report(msg):
                return problems

    # 5. overlaps and spacing
    tree = STRtree(polys)
    reach = max(data.spacing - tol, 0.0)
    for i, poly in enumerate(polys):
        for j in tree.query(poly.buffer(reach, quad_segs=2) if reach > 0 else poly):
            j = int(j)
            if j <= i:
                continue
            other = polys[j]
            a, b = placements[i], placements[j]
            if reach > 0:
                gap = poly.distance(other)
                if gap < data.spacing - tol:
                    msg = (
                        f"{a.piece} and {b.piece}: {gap:.6g} apart, spacing is {data.spacing:g}"
                    )
                    if report(msg):
                        return problems
            else:
                inter = poly.intersection(other).area
                if inter > tol * min(poly.length, other.length) and report(
                    f"{a.piece} and {b.piece} overlap by an area of {inter:.6g}"
                ):
                    return problems
    return problems


def load_marker(data: ProblemData, doc: dict) -> tuple[list[Placement], float]:
    """Placements from a marker JSON (``Result.to_json``), matched to the problem's pieces by
    name and size, polygons as written; and the marker length. For re-checking stored markers."""
    index = {(p.name, p.size): i for i, p in enumerate(data.pieces)}
    out = []
    for k, row in enumerate(doc["placements"]):
        key = (row["piece"], row.get("size"))
        if key not in index:
            raise ValueError(f"placement {k}: piece {key[0]!r} size {key[1]!r} is not in the "
                             "problem")
        out.append(Placement(
            piece=row["piece"], size=row.get("size"), piece_index=index[key],
            copy=int(row.get("copy", 0)), rotation=float(row["rotation"]),
            mirrored=bool(row["mirrored"]),
            translation=tuple(float(v) for v in row["translation"]),  # type: ignore[arg-type]
            matrix=tuple(float(v) for v in row.get("matrix", geo.IDENTITY)),  # type: ignore[arg-type]
            polygon=tuple((float(x), float(y)) for x, y in row["polygon"]),
        ))
    return out, float(doc["length"])

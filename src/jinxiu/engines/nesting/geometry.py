"""Polygon helpers: cleaning and repair, orientation, mirroring, conservative offsets, affine maps.

Everything here works on plain coordinate tuples and shapely geometry; nothing knows about
garments. Affine maps use shapely's six-number form ``(a, b, d, e, xoff, yoff)``:
``x' = a·x + b·y + xoff``, ``y' = d·x + e·y + yoff``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import shapely
from shapely import affinity
from shapely.geometry import LinearRing, Polygon
from shapely.geometry.polygon import orient
from shapely.validation import explain_validity

Point = tuple[float, float]
Ring = tuple[Point, ...]
Affine = tuple[float, float, float, float, float, float]

IDENTITY: Affine = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

# Arc approximation used by offsets: segments per quarter circle.
QUAD_SEGS = 8


class GeometryError(ValueError):
    """A ring that cannot be used as a piece outline; the message says why."""


def clean_ring(points: Iterable[Sequence[float]]) -> list[Point]:
    """Coordinates as floats, without the repeated closing point and consecutive duplicates."""
    out: list[Point] = []
    for p in points:
        if len(p) < 2:
            raise GeometryError(f"a point has {len(p)} coordinate(s), expected 2")
        x, y = float(p[0]), float(p[1])
        if not (math.isfinite(x) and math.isfinite(y)):
            raise GeometryError(f"a point is not finite: ({p[0]}, {p[1]})")
        if out and abs(out[-1][0] - x) <= 1e-12 and abs(out[-1][1] - y) <= 1e-12:
            continue
        out.append((x, y))
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def ring_tuple(coords: Iterable[Sequence[float]]) -> Ring:
    """A shapely ring's coordinates without the closing point."""
    pts = [(float(x), float(y)) for x, y, *_ in coords]
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    return tuple(pts)


def make_outline(points: Iterable[Sequence[float]], *, repair_tolerance: float = 0.005) -> tuple[
    Ring, str | None
]:
    """A clean, counter-clockwise simple ring from raw points, and a note when it was repaired.

    A ring that self-intersects is repaired with ``make_valid``/``buffer(0)`` when that keeps
    one polygon whose area differs by at most ``repair_tolerance`` (relative) from the area
    enclosed by the raw points (taken as the union of the parts); otherwise GeometryError.
    """
    pts = clean_ring(points)
    if len(pts) < 3:
        raise GeometryError(f"outline has {len(pts)} distinct point(s); a polygon needs 3")
    poly = Polygon(pts)
    if poly.is_valid:
        if poly.area <= 0:
            raise GeometryError("outline has no area (all points on a line)")
        return ring_tuple(orient(poly, 1.0).exterior.coords), None
    why = explain_validity(poly)
    ring = LinearRing(pts)
    # area of what the raw boundary encloses, counting every loop once
    enclosed = shapely.union_all(list(shapely.polygonize([shapely.unary_union(ring)]).geoms))
    if enclosed.is_empty or enclosed.area <= 0:
        raise GeometryError("outline has no area (all points on a line)")
    repaired = shapely.make_valid(poly)
    polys = [g for g in getattr(repaired, "geoms", [repaired]) if isinstance(g, Polygon)]
    if not polys:
        polys = [g for g in getattr(enclosed, "geoms", [enclosed]) if isinstance(g, Polygon)]
    if not polys or enclosed.is_empty or enclosed.area <= 0:
        raise GeometryError(f"outline is not a polygon ({why}) and has no area to repair")
    merged = shapely.union_all(polys).buffer(0)
    if not isinstance(merged, Polygon):
        biggest = max(getattr(merged, "geoms", [merged]), key=lambda g: g.area)
        lost = 1.0 - biggest.area / enclosed.area
        if lost > repair_tolerance:
            raise GeometryError(
                f"outline self-intersects ({why}) into {len(merged.geoms)} parts; keeping the "
                f"largest would lose {lost:.1%} of the area"
            )
        merged = biggest
    change = abs(merged.area - enclosed.area) / enclosed.area
    if change > repair_tolerance or merged.area <= 0:
        raise GeometryError(
            f"outline self-intersects ({why}); repairing it would change the area by {change:.1%}"
        )
    shell = Polygon(merged.exterior)
    note = f"repaired a self-intersection ({why}); area change {change:.3%}"
    return ring_tuple(orient(shell, 1.0).exterior.coords), note


def compose(outer: Affine, inner: Affine) -> Affine:
    """The map ``outer ∘ inner`` (apply ``inner`` first)."""
    a1, b1, d1, e1, x1, y1 = outer
    a2, b2, d2, e2, x2, y2 = inner
    return (
        a1 * a2 + b1 * d2,
        a1 * b2 + b1 * e2,
        d1 * a2 + e1 * d2,
        d1 * b2 + e1 * e2,
        a1 * x2 + b1 * y2 + x1,
        d1 * x2 + e1 * y2 + y1,
    )


def rotation(deg: float) -> Affine:
    """Counter-clockwise rotation about the origin."""
    r = math.radians(deg)
    c, s = math.cos(r), math.sin(r)
    # snap the quarter turns so that 90° rotations stay exact
    c = round(c) if abs(c - round(c)) < 1e-15 else c
    s = round(s) if abs(s - round(s)) < 1e-15 else s
    return (c, -s, s, c, 0.0, 0.0)


def translation(dx: float, dy: float) -> Affine:
    return (1.0, 0.0, 0.0, 1.0, float(dx), float(dy))


# Mirror across the x axis (y -> -y). Pieces are grain-aligned (grain along x) before this,
# so the mirror axis is the grain line and the grain keeps its direction.
MIRROR_X_AXIS: Affine = (1.0, 0.0, 0.0, -1.0, 0.0, 0.0)


def apply(matrix: Affine, ring: Sequence[Point]) -> Ring:
    a, b, d, e, xo, yo = matrix
    return tuple((a * x + b * y + xo, d * x + e * y + yo) for x, y in ring)


def is_reflection(matrix: Affine) -> bool:
    a, b, d, e, _, _ = matrix
    return a * e - b * d < 0


def oriented(ring: Sequence[Point]) -> Ring:
    """The ring turned counter-clockwise (mirroring reverses the orientation)."""
    return ring_tuple(orient(Polygon(ring), 1.0).exterior.coords)


def offset_conservative(ring: Sequence[Point], distance: float) -> Ring:
    """Outer offset that contains every point within ``distance`` of the polygon.

    shapely approximates round joins by chords whose vertices lie on the arc; GEOS rounds the
    number of chords per join, so one chord spans less than two "quanta" of ``π / (2·QUAD_SEGS)``
    and comes no closer than ``r·cos(π / (2·QUAD_SEGS))`` to the corner. Buffering by
    ``r = distance / cos(π / (2·QUAD_SEGS))`` keeps every chord at least ``distance`` away;
    the result is measured and grown further if it still falls short.
    """
    if distance <= 0:
        return tuple(ring)
    piece = Polygon(ring)
    radius = distance / math.cos(math.pi / (2 * QUAD_SEGS))
    for _ in range(5):
        grown = piece.buffer(radius, quad_segs=QUAD_SEGS, join_style="round")
        grown = Polygon(grown.exterior)  # concave notches never make holes at garment scales
        gap = piece.distance(grown.exterior)
        if gap >= distance:
            break
        radius *= distance / gap * (1 + 1e-9)
    return ring_tuple(orient(grown, 1.0).exterior.coords)


def extent_after_rotation(ring: Sequence[Point], deg: float) -> tuple[float, float]:
    """(length along x, height along y) of the ring rotated by ``deg``."""
    g = affinity.rotate(Polygon(ring), deg, origin=(0, 0))
    x0, y0, x1, y1 = g.bounds
    return x1 - x0, y1 - y0


def normalize_angle(deg: float) -> float:
    """An angle in [0, 360), with values within 1e-9 of 360 folded to 0."""
    a = math.fmod(float(deg), 360.0)
    if a < 0:
        a += 360.0
    if abs(a - 360.0) < 1e-9:
        a = 0.0
    return a


def angle_close(a: float, b: float, tol: float = 1e-6) -> bool:
    d = abs(normalize_angle(a) - normalize_angle(b))
    return min(d, 360.0 - d) <= tol


def area(ring: Sequence[Point]) -> float:
    return Polygon(ring).area

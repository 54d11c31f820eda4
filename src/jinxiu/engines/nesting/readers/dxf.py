"""AAMA / ASTM D6673 pattern DXF (纸样 DXF) via ezdxf.

One BLOCK per piece (the blocks placed by INSERTs in model space, or every named block when
there are none). Layers by number: 1 cut line (boundary), 4 notches, 6 mirror (fold) line,
7 grain line, 11 internal cut-outs, 13 drill holes, 15 annotation; 84–87 are duplicates some
exporters add and are ignored. Piece text: ``Piece Name:``, ``Size:``/``Size Name:``,
``Quantity:``, ``Material:``, ``Category:`` (any case), Valentina's bare name on layer 15 and
``"<material>, Cut N [on fold]"``. Units: ``$INSUNITS`` (not in R12 files), else a model-space
``Units: ENGLISH|METRIC`` text, else inferred from the piece sizes (garment pieces measure tens
of inches or hundreds of millimetres). Everything is converted to millimetres.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import ezdxf
from ezdxf import path as ezpath
from ezdxf.lldxf.encoding import decode_dxf_unicode
from shapely import affinity
from shapely.geometry import LineString, Polygon
from shapely.ops import linemerge, unary_union

from jinxiu.engines.nesting import geometry as geo
from jinxiu.engines.nesting.model import (
    Grain,
    InvalidPieceError,
    NestingError,
    Piece,
    ProblemData,
)

CUT, NOTCH, MIRROR, GRAIN, CUTOUT, DRILL, ANNOTATION = "1", "4", "6", "7", "11", "13", "15"
MAX_BYTES = 20_000_000
MAX_PIECES = 1000
MAX_VERTICES = 20_000
UNIT_TO_MM = {1: 25.4, 2: 304.8, 4: 1.0, 5: 10.0, 6: 1000.0}
UNIT_NAMES = {1: "inch", 2: "foot", 4: "mm", 5: "cm", 6: "m"}
FLATTEN_MM = 0.05  # chord error when curves are turned into polygons
JOIN_TOL = 1e-3  # relative to the piece size: end points this close are joined

_KEY = re.compile(r"^\s*([A-Za-z ]+?)\s*:\s*(.*?)\s*$")
_CUT = re.compile(r"^\s*(?:(?P<mat>[^,]+?)\s*,\s*)?cut\s+(?P<n>\d+)(?P<fold>\s+on\s+fold)?",
                  re.IGNORECASE)


class ReaderError(NestingError):
    """A file that cannot be read as a pattern; ``errors`` lists (piece, reason) pairs."""

    def __init__(self, message: str, errors: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)


@dataclass(frozen=True)
class DxfPiece:
    """A piece as read from its block, in millimetres (before any solver preparation)."""

    name: str
    block: str
    outline: tuple[tuple[float, float], ...]
    size: str | None = None
    quantity: int = 1
    grain_angle: float | None = None
    mirror_line: tuple[tuple[float, float], tuple[float, float]] | None = None
    holes: tuple[tuple[tuple[float, float], ...], ...] = ()
    drills: tuple[tuple[float, float], ...] = ()
    notches: int = 0
    material: str | None = None
    category: str | None = None
    on_fold: bool = False
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name} ({self.size})" if self.size else self.name


@dataclass(frozen=True)
class DxfPattern:
    """A read pattern: good pieces, per-piece errors, units and style text."""

    pieces: tuple[DxfPiece, ...]
    errors: tuple[tuple[str, str], ...] = ()
    units: str = "mm"
    units_source: str = "declared"
    style: dict[str, str] = field(default_factory=dict)
    source: str = ""

    @property
    def materials(self) -> list[str]:
        return sorted({p.material for p in self.pieces if p.material})

    @property
    def sizes(self) -> list[str]:
        return sorted({p.size for p in self.pieces if p.size})

    def to_problem(
        self,
        *,
        width: float,
        ratio: dict[str, int] | None = None,
        pairs: bool | None = None,
        grain: Grain | str = Grain.TWO_WAY,
        material: str | None = None,
        strict: bool = True,
        **fields: Any,
    ) -> ProblemData:
        """A ProblemData for a fabric ``width`` (mm). ``pairs=None`` cuts every piece with an
        even quantity as left/right pairs (half mirrored), ``True``/``False`` forces it.
        ``material`` keeps only the pieces cut from that material (``Fabric``, ``Lining`` ...;
        any case). With ``strict`` (default) a piece that could not be read raises
        ReaderError."""
        if strict and self.errors:
            lines = "; ".join(f"{name}: {why}" for name, why in self.errors)
            raise ReaderError(f"{self.source or 'pattern'}: {lines}", self.errors)
        if not self.pieces:
            raise ReaderError(f"{self.source or 'pattern'}: no pieces to nest", self.errors)
        chosen = [
            p for p in self.pieces
            if material is None or (p.material or "").lower() == material.lower()
        ]
        if not chosen:
            have = sorted({p.material or "-" for p in self.pieces})
            raise ReaderError(f"no piece is cut from material {material!r}; materials: {have}")
        pieces = []
        for p in chosen:
            pair = (p.quantity % 2 == 0 and p.quantity > 0) if pairs is None else pairs
            if pair and p.quantity % 2:
                pair = False
            pieces.append(
                Piece(
                    name=p.name,
                    outline=p.outline,
                    quantity=p.quantity,
                    size=p.size,
                    pair=pair,
                    grain_angle=p.grain_angle or 0.0,
                    holes=p.holes,
                    drills=p.drills,
                    material=p.material,
                )
            )
        fields.setdefault("name", Path(self.source).stem if self.source else "")
        return ProblemData(
            pieces=tuple(pieces), width=width, ratio=ratio, grain=Grain(grain), units="mm",
            **{k: v for k, v in fields.items() if v is not None},
        )


def read_dxf(path: str | Path) -> DxfPattern:
    """Read a pattern file. Raises ReaderError for a file that is not a readable DXF, too
    large, or holds no piece at all; a piece that is broken is listed in ``errors``."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReaderError(f"{path.name}: cannot open ({exc.strerror})") from None
    if size == 0:
        raise ReaderError(f"{path.name}: the file is empty")
    if size > MAX_BYTES:
        raise ReaderError(f"{path.name}: {size} bytes is larger than the limit {MAX_BYTES}")
    try:
        doc = ezdxf.readfile(str(path))
    except (OSError, ezdxf.DXFError, UnicodeDecodeError, ValueError) as exc:
        raise ReaderError(f"{path.name}: not a readable DXF file ({exc})") from None
    pattern = read_document(doc, source=str(path.name))
    return pattern


def _style(doc: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in doc.modelspace().query("TEXT MTEXT"):
        text = e.plain_text() if e.dxftype() == "MTEXT" else e.dxf.text
        m = _KEY.match(decode_dxf_unicode(text or ""))
        if m:
            out[m.group(1).strip().lower()] = m.group(2)
    return out


def _declared_scale(doc: Any, style: dict[str, str]) -> tuple[float | None, str, str]:
    if doc.dxfversion > "AC1009":
        code = doc.header.get("$INSUNITS", 0)
        if code in UNIT_TO_MM:
            return UNIT_TO_MM[code], UNIT_NAMES[code], "$INSUNITS"
    units = style.get("units", "").strip().upper()
    if units.startswith("ENGLISH") or units.startswith("INCH"):
        return 25.4, "inch", "Units text"
    if units.startswith("METRIC") or units == "MM":
        return 1.0, "mm", "Units text"
    if units == "CM":
        return 10.0, "cm", "Units text"
    return None, "", ""


def _piece_blocks(doc: Any) -> list[Any]:
    names: list[str] = []
    for e in doc.modelspace().query("INSERT"):
        if e.dxf.name not in names:
            names.append(e.dxf.name)
    if names:
        return [doc.blocks.get(n) for n in names if doc.blocks.get(n) is not None]
    return [b for b in doc.blocks if not b.name.startswith("*")]


def _entity_points(e: Any, flatten: float) -> tuple[list[tuple[float, float]], bool]:
    """Points of a curve entity and whether it is closed."""
    kind = e.dxftype()
    if kind == "POINT":
        return [(e.dxf.location.x, e.dxf.location.y)], False
    try:
        p = ezpath.make_path(e)
    except (TypeError, ValueError, ezdxf.DXFError):
        return [], False
    pts = [(v.x, v.y) for v in p.flattening(flatten)] if len(p) or p.has_curves else []
    if not pts:
        pts = [(v.x, v.y) for v in p.control_vertices()]
    closed = kind in ("CIRCLE", "ELLIPSE") or bool(getattr(e, "is_closed", False))
    if len(pts) > 2 and math.dist(pts[0], pts[-1]) < 1e-9:
        closed = True
    return pts, closed


def _loops(entities: list[Any], flatten: float) -> tuple[list[list[tuple[float, float]]], int]:
    """Closed loops from curve entities, joining open pieces end to end; and the number of
    open chains left over."""
    loops: list[list[tuple[float, float]]] = []
    lines = []
    for e in entities:
        pts, closed = _entity_points(e, flatten)
        if len(pts) < 2:
            continue
        if closed:
            loops.append(pts)
        else:
            lines.append(LineString(pts))
    if lines:
        span = max(max(ls.bounds[2] - ls.bounds[0], ls.bounds[3] - ls.bounds[1]) for ls in lines)
        snap = max(span * JOIN_TOL, 1e-9)
        # snap nearly touching ends together before merging
        ends: list[tuple[float, float]] = []

        def snapped(p: tuple[float, float]) -> tuple[float, float]:
            for q in ends:
                if math.dist(p, q) <= snap:
                    return q
            ends.append(p)
            return p

        fixed = []
        for ls in lines:
            c = list(ls.coords)
            c[0], c[-1] = snapped(c[0][:2]), snapped(c[-1][:2])
            fixed.append(LineString(c))
        merged = linemerge(unary_union(fixed)) if len(fixed) > 1 else fixed[0]
        open_left = 0
        for g in getattr(merged, "geoms", [merged]):
            c = list(g.coords)
            if len(c) > 3 and math.dist(c[0][:2], c[-1][:2]) <= snap:
                loops.append([(x, y) for x, y, *_ in c])
            else:
                open_left += 1
        return loops, open_left
    return loops, 0


def _texts(block: Any) -> list[tuple[str, str]]:
    out = []
    for e in block:
        kind = e.dxftype()
        if kind in ("TEXT", "ATTDEF", "ATTRIB"):
            text = e.dxf.get("text", "")
        elif kind == "MTEXT":
            text = e.plain_text()
        else:
            continue
        for line in decode_dxf_unicode(str(text)).splitlines():
            if line.strip():
                out.append((e.dxf.layer, line.strip()))
    return out


def _grain(entities: list[Any]) -> float | None:
    best: tuple[float, float] | None = None
    for e in entities:
        pts, _ = _entity_points(e, 1.0)
        for a, b in itertools.pairwise(pts):
            d = math.dist(a, b)
            if d > 0 and (best is None or d > best[0]):
                best = (d, math.degrees(math.atan2(b[1] - a[1], b[0] - a[0])))
    return None if best is None else best[1]


def _read_block(block: Any, flatten: float) -> tuple[DxfPiece | None, str | None, str]:
    """A piece, or None and the reason; and the name used for messages."""
    by_layer: dict[str, list[Any]] = {}
    for e in block:
        by_layer.setdefault(str(e.dxf.layer), []).append(e)
    texts = _texts(block)
    info: dict[str, str] = {}
    bare: list[tuple[str, str]] = []
    quantity: int | None = None
    material = None
    on_fold = False
    for layer, text in texts:
        m = _KEY.match(text)
        if m and m.group(1).strip().lower() in (
            "piece name", "size", "size name", "quantity", "material", "category", "annotation",
            "rotation", "style name", "link",
        ):
            info.setdefault(m.group(1).strip().lower(), m.group(2))
            continue
        c = _CUT.match(text)
        if c:
            quantity = int(c.group("n"))
            material = c.group("mat")
            on_fold = bool(c.group("fold"))
            continue
        bare.append((layer, text))
    name = info.get("piece name") or next((t for lay, t in bare if lay == ANNOTATION), None)
    if not name:
        # Valentina repeats the name on layer 1 after a one-letter label
        name = next((t for lay, t in bare if lay == CUT and len(t) > 1), None) or block.name
    label = name
    size = info.get("size") or info.get("size name") or None
    if size:
        label = f"{name} ({size})"
    if "quantity" in info:
        m = re.match(r"\s*(\d+)", info["quantity"])
        if not m:
            return None, f"cannot read the quantity {info['quantity']!r}", label
        quantity = int(m.group(1))
    cut_entities = [
        e for e in by_layer.get(CUT, [])
        if e.dxftype() in ("POLYLINE", "LWPOLYLINE", "LINE", "ARC", "SPLINE", "CIRCLE", "ELLIPSE")
    ]
    if not cut_entities:
        return None, "no cut line (layer 1)", label
    loops, open_left = _loops(cut_entities, flatten)
    if not loops:
        return None, f"the cut line (layer 1) is not closed ({open_left} open chain(s))", label
    polys = [(abs(Polygon(lp).area) if len(lp) >= 3 else 0.0, lp) for lp in loops]
    polys.sort(key=lambda t: t[0], reverse=True)
    outline = polys[0][1]
    if len(outline) > MAX_VERTICES:
        return None, f"the cut line has {len(outline)} points (limit {MAX_VERTICES})", label
    try:
        ring, note = geo.make_outline(outline)
    except geo.GeometryError as exc:
        return None, f"cut line: {exc}", label
    notes = [note] if note else []
    holes = [lp for _, lp in polys[1:] if len(lp) >= 3]  # inner loops on layer 1 are cut-outs
    cut_outs, _ = _loops(by_layer.get(CUTOUT, []), flatten)
    holes += [lp for lp in cut_outs if len(lp) >= 3]
    mirror = None
    for e in by_layer.get(MIRROR, []):
        pts, _ = _entity_points(e, flatten)
        if len(pts) >= 2:
            mirror = (pts[0], pts[-1])
            break
    drills = []
    for e in by_layer.get(DRILL, []):
        pts, _ = _entity_points(e, flatten)
        if e.dxftype() == "CIRCLE":
            drills.append((e.dxf.center.x, e.dxf.center.y))
        elif pts:
            drills.append(pts[0])
    grain = _grain(by_layer.get(GRAIN, []))
    if grain is None:
        notes.append("no grain line (layer 7): grain taken along x")
    if on_fold and mirror is None:
        notes.append("marked 'on fold' but has no mirror line (layer 6): nested as drawn")
    piece = DxfPiece(
        name=name,
        block=block.name,
        outline=ring,
        size=size,
        quantity=1 if quantity is None else quantity,
        grain_angle=grain,
        mirror_line=mirror,
        holes=tuple(tuple(h) for h in holes),
        drills=tuple(drills),
        notches=len(by_layer.get(NOTCH, [])),
        material=material or info.get("material"),
        category=info.get("category"),
        on_fold=on_fold,
        notes=tuple(notes),
    )
    return piece, None, label


def _unfold(piece: DxfPiece) -> DxfPiece:
    """A piece drawn as half with a mirror line (layer 6) becomes the whole piece."""
    if piece.mirror_line is None:
        return piece
    (x0, y0), (x1, y1) = piece.mirror_line
    theta = math.atan2(y1 - y0, x1 - x0)
    poly = Polygon(piece.outline)
    moved = affinity.translate(poly, -x0, -y0)
    turned = affinity.rotate(moved, -theta, origin=(0, 0), use_radians=True)
    flipped = affinity.scale(turned, 1, -1, origin=(0, 0))
    back = affinity.translate(affinity.rotate(flipped, theta, origin=(0, 0), use_radians=True),
                              x0, y0)
    whole = unary_union([poly, back]).buffer(0)
    if not isinstance(whole, Polygon) or whole.area < poly.area * 1.5:
        note = "mirror line (layer 6) does not lie on the outline: nested as drawn"
        return _replace(piece, notes=(*piece.notes, note))
    ring = geo.ring_tuple(Polygon(whole.exterior).exterior.coords)
    return _replace(piece, outline=geo.oriented(ring),
                    notes=(*piece.notes, "unfolded along its mirror line (layer 6)"))


def _replace(piece: DxfPiece, **changes: Any) -> DxfPiece:
    values = {f: getattr(piece, f) for f in DxfPiece.__dataclass_fields__}
    values.update(changes)
    return DxfPiece(**values)


def _scaled(piece: DxfPiece, k: float) -> DxfPiece:
    if k == 1.0:
        return piece

    def s(ring: Iterable[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
        return tuple((x * k, y * k) for x, y in ring)

    mirror = None if piece.mirror_line is None else s(piece.mirror_line)
    return _replace(piece, outline=s(piece.outline), holes=tuple(s(h) for h in piece.holes),
                    drills=s(piece.drills), mirror_line=mirror)


def read_document(doc: Any, *, source: str = "") -> DxfPattern:
    style = _style(doc)
    scale, unit, unit_source = _declared_scale(doc, style)
    blocks = _piece_blocks(doc)
    if len(blocks) > MAX_PIECES:
        raise ReaderError(f"{source}: {len(blocks)} blocks, more than the limit {MAX_PIECES}")
    # flatten curves finely in file units; rescaled to mm below
    flatten = FLATTEN_MM / (scale or 25.4)
    pieces: list[DxfPiece] = []
    errors: list[tuple[str, str]] = []
    for block in blocks:
        layers = {str(e.dxf.layer) for e in block}
        if not layers & {CUT, GRAIN, ANNOTATION, "14", "8"} and not _texts(block):
            continue  # not a pattern piece (a symbol, an arrow head ...)
        piece, why, label = _read_block(block, flatten)
        if piece is None:
            errors.append((label, why or "unreadable"))
        else:
            pieces.append(_unfold(piece))
    if not pieces and not errors:
        raise ReaderError(f"{source}: no pattern pieces (no blocks with a cut line on layer 1)")
    if scale is None:
        sizes = [max(Polygon(p.outline).bounds[2] - Polygon(p.outline).bounds[0],
                     Polygon(p.outline).bounds[3] - Polygon(p.outline).bounds[1]) for p in pieces]
        typical = median(sizes) if sizes else 0.0
        if 0 < typical < 60:
            scale, unit, unit_source = 25.4, "inch", f"inferred (median piece {typical:.3g})"
        else:
            scale, unit, unit_source = 1.0, "mm", f"inferred (median piece {typical:.3g})"
    pieces = [_scaled(p, scale) for p in pieces]
    seen: dict[tuple[str, str | None], int] = {}
    unique = []
    for p in pieces:
        key = (p.name, p.size)
        if key in seen:
            seen[key] += 1
            p = _replace(p, name=f"{p.name}#{seen[key]}")
        else:
            seen[key] = 1
        unique.append(p)
    return DxfPattern(
        pieces=tuple(unique),
        errors=tuple(errors),
        units=unit,
        units_source=unit_source,
        style=style,
        source=source,
    )


def check_pieces(pattern: DxfPattern) -> list[tuple[str, str]]:
    """Every problem a piece would raise when turned into a ``Piece`` (for upload pages)."""
    out = list(pattern.errors)
    for p in pattern.pieces:
        try:
            Piece(name=p.name, outline=p.outline, quantity=p.quantity, size=p.size,
                  holes=p.holes)
        except InvalidPieceError as exc:
            out.append((p.label, exc.reason))
    return out

"""Builders for the cutting-room tests: DXF files written with ezdxf, patterns, orders and
markers (a marker laid out by hand, piece after piece, so no solver runs)."""

from __future__ import annotations

import io

import ezdxf
from django.core.files.uploadedfile import SimpleUploadedFile

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.cutting.adapter import order_problem
from jinxiu.apps.cutting.models import CutOrder, Marker, Pattern, PatternPiece
from jinxiu.apps.cutting.sample import demo_pattern_dxf
from jinxiu.apps.cutting.services import pattern_import
from jinxiu.apps.production.models import Style
from jinxiu.engines.common import StopReason
from jinxiu.engines.nesting import Placement, Result, check_marker
from jinxiu.engines.nesting import geometry as geo
from jinxiu.engines.nesting.check import placement_matrix


def dxf_bytes(pieces: list[dict], *, units: int = 4) -> bytes:
    """An AAMA-like DXF: one block per piece (outline on layer 1, optional grain line on 7,
    keyed text), inserted in model space. ``closed=False`` leaves the outline open."""
    doc = ezdxf.new("R2000")
    doc.header["$INSUNITS"] = units
    msp = doc.modelspace()
    for i, spec in enumerate(pieces):
        block = doc.blocks.new(name=f"B{i}")
        block.add_lwpolyline(spec["outline"], close=spec.get("closed", True),
                             dxfattribs={"layer": "1"})
        if "grain" in spec:
            block.add_line(*spec["grain"], dxfattribs={"layer": "7"})
        texts = [f"Piece Name: {spec['name']}", f"Quantity: {spec.get('quantity', 1)}"]
        if spec.get("size"):
            texts.append(f"Size: {spec['size']}")
        if spec.get("material"):
            texts.append(f"Material: {spec['material']}")
        for text in texts:
            block.add_text(text, dxfattribs={"layer": "1"})
        msp.add_blockref(block.name, (0, 0))
    stream = io.StringIO()
    doc.write(stream)
    return stream.getvalue().encode(doc.output_encoding, errors="dxfreplace")


def rect(w: float, h: float) -> list[tuple[float, float]]:
    return [(0, 0), (w, 0), (w, h), (0, h)]


# two sizes of one rectangular piece, 300 × 200 mm, grain along the 300 mm side
RECTS = [{"name": "片", "size": s, "outline": rect(300, 200), "grain": ((10, 100), (290, 100))}
         for s in ("S", "M")]


def upload(content: bytes, name: str = "款式.dxf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/dxf")


def make_style(org, code: str = "T1") -> Style:
    with change_context(user=None, source="system"):
        style, _ = Style.objects.get_or_create(organization=org, code=code,
                                               defaults={"name": f"款式{code}"})
    return style


def make_pattern(org, style=None, content: bytes | None = None, **kw) -> Pattern:
    style = style or make_style(org)
    with change_context(user=None, source="system"):
        return pattern_import(organization=org, style=style,
                              uploaded=upload(content or demo_pattern_dxf()), **kw)


def make_small_pattern(org, style=None) -> Pattern:
    """A pattern row with one piece, written directly (for list and permission tests)."""
    style = style or make_style(org)
    with change_context(user=None, source="system"):
        version = Pattern.objects.filter(style=style).count() + 1
        pattern = Pattern.objects.create(organization=org, style=style, version=version,
                                         name=f"{org.name} {style.code} 纸样",
                                         sizes=["S", "M"])
        for size in ("S", "M"):
            PatternPiece.objects.create(organization=org, pattern=pattern, name="片", size=size,
                                        outline=rect(300, 200), area=60000, length=300,
                                        breadth=200, grain_angle=0)
    return pattern


def make_order(org, pattern=None, **kw) -> CutOrder:
    pattern = pattern or make_small_pattern(org)
    values = {"name": "裁单1", "width": 450, "max_plies": 10, "max_garments": 2,
              "quantities": {"红": {"S": 3, "M": 3}}, "seconds_per_marker": 1}
    values.update(kw)
    with change_context(user=None, source="system"):
        return CutOrder.objects.create(organization=org, pattern=pattern, **values)


def laid_out(data) -> Result:
    """Every copy placed one after the other along the fabric, at rotation 0: a valid,
    loose marker (checked), made without the solver."""
    placements, x = [], 0.0
    for item in data.items:
        for copy in range(item.demand):
            p = Placement(piece=item.piece.name, size=item.piece.size,
                          piece_index=item.piece_index, copy=copy, rotation=0.0,
                          mirrored=item.mirrored, translation=(0.0, 0.0),
                          matrix=geo.IDENTITY, polygon=())
            ring = geo.apply(placement_matrix(data, p), item.piece.outline)
            x0 = min(q[0] for q in ring)
            y0 = min(q[1] for q in ring)
            p = Placement(**{**{f: getattr(p, f) for f in p.__slots__},
                             "translation": (x - x0, -y0)})
            matrix = placement_matrix(data, p)
            ring = geo.apply(matrix, item.piece.outline)
            placements.append(Placement(**{**{f: getattr(p, f) for f in p.__slots__},
                                           "matrix": matrix, "polygon": ring}))
            x = max(q[0] for q in ring) + data.spacing
    length = x - data.spacing
    assert check_marker(data, placements, length) == []
    return Result(runtime_s=0.0, stop_reason=StopReason.TIME_LIMIT, name=data.name,
                  width=data.width, length=length,
                  utilization=data.piece_area / (data.width * length),
                  placements=tuple(placements), seed=0, piece_area=data.piece_area)


def make_marker(org, order=None, ratio=None, **kw) -> Marker:
    order = order or make_order(org)
    ratio = ratio or {"S": 1, "M": 1}
    result = laid_out(order_problem(order, ratio))
    position = order.markers.count() + 1
    with change_context(user=None, source="system"):
        return Marker.objects.create(
            organization=org, order=order, position=position, name=kw.pop("name",
                                                                           f"M{position}"),
            ratio=ratio, plies=3, lays=1, width=result.width, length=result.length,
            utilization=result.utilization, pieces=len(result.placements),
            result=result.to_json(), **kw)

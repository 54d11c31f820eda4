"""A small synthetic T-shirt pattern (示例纸样) as an AAMA-style DXF, for the demo data and
the tests: front, back, a left/right sleeve pair and a neck rib in sizes S, M, L (mm).

The shapes are simplified but garment-like (neck and armhole curves as short polylines);
they are made up, not taken from any published pattern.
"""

from __future__ import annotations

import io
import math

import ezdxf

GRADE = {"S": -20.0, "M": 0.0, "L": 20.0, "XL": 40.0}  # mm added per size step


def _arc(cx: float, cy: float, r: float, a0: float, a1: float, n: int = 6) -> list:
    return [(cx + r * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
             cy + r * math.sin(math.radians(a0 + (a1 - a0) * i / n))) for i in range(n + 1)]


def _body(width: float, length: float, neck_depth: float) -> list:
    """A body panel (front or back), drawn upright: y is the garment length (the grain)."""
    shoulder = length - 40
    neck = 90
    pts = [(0, 0), (width, 0), (width, shoulder - 200)]
    pts += _arc(width - 60, shoulder - 200, 60, 0, 90, 4)[1:]  # armhole, roughly
    pts += [(width - 60, shoulder - 140), (width - 30, shoulder), (width / 2 + neck, length)]
    pts += [(width / 2 + neck * math.cos(math.radians(a)),
             length - neck_depth * math.sin(math.radians(a))) for a in range(20, 180, 20)]
    pts += [(width / 2 - neck, length), (30, shoulder), (60, shoulder - 140)]
    pts += _arc(60, shoulder - 200, 60, 90, 180, 4)[1:]
    return pts


def _sleeve(width: float, length: float) -> list:
    cap = _arc(width / 2, length - 120, width / 2, 0, 180, 10)
    return [(40, 0), (width - 40, 0), *cap]


def pieces_for(size: str) -> list[dict]:
    g = GRADE[size]
    return [
        {"name": "前片", "outline": _body(500 + g, 700 + g, 80), "quantity": 1},
        {"name": "后片", "outline": _body(500 + g, 700 + g, 20), "quantity": 1},
        {"name": "袖片", "outline": _sleeve(420 + g, 260 + g / 2), "quantity": 2},
        {"name": "领条", "outline": [(0, 0), (40, 0), (40, 460 + g), (0, 460 + g)],
         "quantity": 1},
    ]


def demo_pattern_dxf(sizes: tuple[str, ...] = ("S", "M", "L"), *, style: str = "T2601",
                     material: str = "Fabric") -> bytes:
    doc = ezdxf.new("R2000")
    doc.header["$INSUNITS"] = 4  # millimetres
    msp = doc.modelspace()
    msp.add_text(f"Style Name: {style}", dxfattribs={"layer": "1"})
    msp.add_text("Units: METRIC", dxfattribs={"layer": "1"})
    offset = 0.0
    for size in sizes:
        for spec in pieces_for(size):
            block = doc.blocks.new(name=f"P{len(doc.blocks)}_{size}")
            outline = spec["outline"]
            block.add_lwpolyline(outline, close=True, dxfattribs={"layer": "1"})
            ys = [y for _x, y in outline]
            xs = [x for x, _y in outline]
            cx = (min(xs) + max(xs)) / 2
            span = max(ys) - min(ys)
            block.add_line((cx, min(ys) + 0.2 * span), (cx, min(ys) + 0.8 * span),
                           dxfattribs={"layer": "7"})  # grain line along the length
            for text in (f"Piece Name: {spec['name']}", f"Size: {size}",
                         f"Quantity: {spec['quantity']}", f"Material: {material}"):
                block.add_text(text, dxfattribs={"layer": "1", "height": 8})
            msp.add_blockref(block.name, (offset, 0))
            offset += max(xs) + 50
    stream = io.StringIO()
    doc.write(stream)
    return stream.getvalue().encode(doc.output_encoding, errors="dxfreplace")

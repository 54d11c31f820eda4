"""Writers for a solved marker: JSON, SVG (browser), DXF (AAMA-style, for cutters and CAD), PDF.

All take the ``ProblemData`` and the ``Result`` and write fabric coordinates (x along the
length, y across the width, origin at the start of the marker on the lower selvedge). A writer
builds the whole file in memory and writes it in one go (temporary file, then rename), so a
failure leaves no partial file. ``*_bytes`` give the same content for storing elsewhere.
"""

from __future__ import annotations

import colorsys
import hashlib
import json
import math
import os
import tempfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

import ezdxf
from shapely.geometry import Polygon

from jinxiu.engines.nesting import geometry as geo
from jinxiu.engines.nesting.model import ProblemData
from jinxiu.engines.nesting.result import Placement, Result


def _atomic_write(path: str | Path, data: bytes) -> None:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def marker_json(result: Result) -> dict:
    """The marker document of the CLI (``marker.json``)."""
    return result.to_json()


def write_json(result: Result, path: str | Path) -> None:
    _atomic_write(path, json_bytes(result))


def _colour(name: str) -> tuple[float, float, float]:
    h = int(hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()[:6], 16)
    return colorsys.hls_to_rgb((h % 360) / 360.0, 0.78, 0.55)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def _holes(data: ProblemData, p: Placement) -> list[geo.Ring]:
    piece = data.pieces[p.piece_index]
    return [geo.apply(p.matrix, h) for h in piece.holes]


def _drills(data: ProblemData, p: Placement) -> geo.Ring:
    return geo.apply(p.matrix, data.pieces[p.piece_index].drills)


def _label_point(p: Placement) -> tuple[float, float]:
    pt = Polygon(p.polygon).representative_point()
    return pt.x, pt.y


def _label(p: Placement) -> str:
    text = p.piece + (f" {p.size}" if p.size else "")
    return text + (" (R)" if p.mirrored else "")


def _grain_arrow(p: Placement, scale: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """A short line along the grain (the fabric's length, turned by the placement rotation)."""
    x, y = _label_point(p)
    r = math.radians(p.rotation)
    dx, dy = math.cos(r) * scale, math.sin(r) * scale
    return (x - dx, y - dy - scale * 0.25), (x + dx, y + dy - scale * 0.25)


def svg_text(data: ProblemData, result: Result, *, labels: bool = True) -> str:
    """An SVG of the marker; y is flipped so the lower selvedge is at the bottom."""
    width, length = result.width, result.length
    pad = 0.02 * width
    font = max(width, length) / 120

    def pts(ring: geo.Ring) -> str:
        return " ".join(f"{x:.4f},{width - y:.4f}" for x, y in ring)

    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="{-pad:.4f} {-pad:.4f} {length + 2 * pad:.4f} {width + 2 * pad:.4f}" '
        f'data-width="{width:.6g}" data-length="{length:.6g}" '
        f'data-utilization="{result.utilization:.6f}">',
        f"<title>{escape(result.name or 'marker')}: {result.utilization:.2%}, "
        f"length {length:.6g} {escape(result.units)}</title>",
        f'<rect x="0" y="0" width="{length:.4f}" height="{width:.4f}" fill="#ffffff" '
        f'stroke="#333333" stroke-width="{font / 8:.4f}"/>',
    ]
    for p in result.placements:
        rings = [p.polygon, *_holes(data, p)]
        d = " ".join("M " + pts(r).replace(" ", " L ") + " Z" for r in rings)
        colour = _hex(_colour(p.piece))
        out.append(
            f'<path class="piece" data-piece="{escape(p.piece)}" '
            f'data-size="{escape(p.size or "")}" data-rotation="{p.rotation:g}" '
            f'data-mirrored="{str(p.mirrored).lower()}" fill="{colour}" fill-rule="evenodd" '
            f'stroke="#222222" stroke-width="{font / 10:.4f}" d="{d}"/>'
        )
        for x, y in _drills(data, p):
            out.append(f'<circle cx="{x:.4f}" cy="{width - y:.4f}" r="{font / 5:.4f}" '
                       'fill="#222222"/>')
        if labels:
            (x0, y0), (x1, y1) = _grain_arrow(p, font * 1.5)
            out.append(f'<line x1="{x0:.4f}" y1="{width - y0:.4f}" x2="{x1:.4f}" '
                       f'y2="{width - y1:.4f}" stroke="#555555" stroke-width="{font / 10:.4f}"/>')
            x, y = _label_point(p)
            out.append(f'<text x="{x:.4f}" y="{width - y:.4f}" font-size="{font:.4f}" '
                       f'text-anchor="middle" font-family="sans-serif">{escape(_label(p))}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def svg_bytes(data: ProblemData, result: Result, **options: bool) -> bytes:
    return svg_text(data, result, **options).encode("utf-8")


def json_bytes(result: Result) -> bytes:
    return json.dumps(marker_json(result), ensure_ascii=False, indent=1).encode("utf-8")


def write_svg(data: ProblemData, result: Result, path: str | Path, **options: bool) -> None:
    _atomic_write(path, svg_text(data, result, **options).encode("utf-8"))


def _block_name(i: int, p: Placement) -> str:
    safe = "".join(c if c.isalnum() or c in "_-" else "_" for c in p.piece)[:40]
    size = "".join(c if c.isalnum() else "_" for c in (p.size or ""))
    return f"P{i + 1:04d}_{safe}" + (f"_{size}" if size else "") + ("_R" if p.mirrored else "")


def dxf_document(data: ProblemData, result: Result) -> ezdxf.document.Drawing:
    """An AAMA-style marker: one BLOCK per placed piece in fabric coordinates (layer 1 cut
    line, 7 grain line, 11 cut-outs, 13 drill holes, piece text on layer 1), each placed by an
    INSERT at the origin; the marker outline on layer ``MARKER`` in model space."""
    doc = ezdxf.new("R2000")
    if data.units == "mm":
        doc.header["$INSUNITS"] = 4
    for layer in ("1", "7", "11", "13", "MARKER"):
        if layer not in doc.layers:
            doc.layers.add(layer)
    msp = doc.modelspace()
    font = max(result.width, result.length) / 150
    for i, p in enumerate(result.placements):
        name = _block_name(i, p)
        block = doc.blocks.new(name=name)
        block.add_lwpolyline(p.polygon, close=True, dxfattribs={"layer": "1"})
        for hole in _holes(data, p):
            block.add_lwpolyline(hole, close=True, dxfattribs={"layer": "11"})
        for x, y in _drills(data, p):
            block.add_point((x, y), dxfattribs={"layer": "13"})
        a, b = _grain_arrow(p, font * 2)
        block.add_line(a, b, dxfattribs={"layer": "7"})
        x, y = _label_point(p)
        lines = [f"Piece Name: {p.piece}", f"Size: {p.size or ''}", "Quantity: 1",
                 f"Rotation: {p.rotation:g}", f"Mirrored: {'yes' if p.mirrored else 'no'}"]
        for k, text in enumerate(lines):
            block.add_text(text, height=font / 2,
                           dxfattribs={"layer": "1", "insert": (x, y - k * font * 0.7)})
        msp.add_blockref(name, (0, 0))
    msp.add_lwpolyline([(0, 0), (result.length, 0), (result.length, result.width),
                        (0, result.width)], close=True, dxfattribs={"layer": "MARKER"})
    style = [
        f"Style Name: {result.name or 'marker'}",
        "Units: METRIC" if data.units == "mm" else f"Units: {data.units}",
        f"Marker Width: {result.width:.6g}",
        f"Marker Length: {result.length:.6g}",
        f"Utilization: {result.utilization:.4%}",
    ]
    for k, text in enumerate(style):
        msp.add_text(text, height=font / 2,
                     dxfattribs={"layer": "MARKER", "insert": (0, -font * (k + 1))})
    return doc


def dxf_bytes(data: ProblemData, result: Result) -> bytes:
    """The marker DXF as bytes in the file's code page; text outside it (Chinese piece names)
    as DXF ``\\U+XXXX`` escapes, which ``read_dxf`` decodes."""
    import io

    doc = dxf_document(data, result)
    stream = io.StringIO()
    doc.write(stream)
    return stream.getvalue().encode(doc.output_encoding, errors="dxfreplace")


def write_dxf(data: ProblemData, result: Result, path: str | Path) -> None:
    _atomic_write(path, dxf_bytes(data, result))


def _pdf_text(s: str) -> str:
    s = s.encode("latin-1", "replace").decode("latin-1")
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(data: ProblemData, result: Result) -> bytes:
    """A one-page vector PDF (Helvetica labels; characters outside Latin-1 print as '?')."""
    margin, head = 36.0, 40.0
    scale = min(1600.0 / result.length, 900.0 / result.width)
    page_w = result.length * scale + 2 * margin
    page_h = result.width * scale + 2 * margin + head
    font = 7.0

    def xy(x: float, y: float) -> str:
        return f"{margin + x * scale:.3f} {margin + y * scale:.3f}"

    ops = ["0.6 w", f"{xy(0, 0)} {result.length * scale:.3f} {result.width * scale:.3f} re S",
           "0.3 w"]
    for p in result.placements:
        r, g, b = _colour(p.piece)
        ops.append(f"{r:.3f} {g:.3f} {b:.3f} rg")
        for ring in [p.polygon, *_holes(data, p)]:
            ops.append(f"{xy(*ring[0])} m " + " ".join(f"{xy(*q)} l" for q in ring[1:]) + " h")
        ops.append("B*")
        ops.append("0 0 0 rg")
        x, y = _label_point(p)
        ops.append(f"BT /F1 {font} Tf {xy(x, y)} Td ({_pdf_text(_label(p))}) Tj ET")
    title = (f"{result.name or 'marker'}  width {result.width:.6g}  length {result.length:.6g} "
             f"{result.units}  utilization {result.utilization:.2%}  pieces "
             f"{len(result.placements)}")
    ops.append(f"BT /F1 11 Tf {margin:.1f} {page_h - margin:.1f} Td ({_pdf_text(title)}) Tj ET")
    content = zlib.compress("\n".join(ops).encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page_w:.2f} {page_h:.2f}] "
         "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>").encode(),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def write_pdf(data: ProblemData, result: Result, path: str | Path) -> None:
    _atomic_write(path, pdf_bytes(data, result))

"""A marker's files: SVG (browser), PDF (printed cutting ticket with the marker drawing),
DXF (AAMA-style, for cutters and CAD) and JSON (the engine's marker document)."""

from __future__ import annotations

import base64
import re

from django.template.loader import render_to_string

from jinxiu.apps.cutting.adapter import marker_drawing
from jinxiu.engines.nesting import writers

FORMATS = {
    "pdf": "application/pdf",
    "dxf": "application/dxf",
    "json": "application/json",
    "svg": "image/svg+xml",
}


def marker_svg(marker) -> str:
    data, result = marker_drawing(marker)
    svg = writers.svg_text(data, result)  # type: ignore[arg-type]
    # the page sizes it and the script zooms it: an id and no fixed size
    return re.sub(r"^<svg ", '<svg id="marker-svg" class="jx-marker-svg" '
                  'preserveAspectRatio="xMinYMid meet" ', svg, count=1)


def marker_pdf(marker, *, request=None) -> bytes:
    """A printable A3 landscape cutting ticket: the lay data and the marker drawing, with
    Chinese piece names (WeasyPrint). Without Pango on the machine: the engine's own PDF."""
    data, result = marker_drawing(marker)
    try:
        from weasyprint import HTML
    except OSError:  # WeasyPrint without Pango
        return writers.pdf_bytes(data, result)  # type: ignore[arg-type]
    svg = writers.svg_bytes(data, result)  # type: ignore[arg-type]
    html = render_to_string("cutting/marker_print.html", {
        "marker": marker, "order": marker.order,
        "svg_uri": "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii"),
    }, request=request)
    return HTML(string=html).write_pdf()


def marker_file(marker, fmt: str, *, request=None) -> tuple[bytes, str]:
    if fmt == "pdf":
        return marker_pdf(marker, request=request), FORMATS[fmt]
    data, result = marker_drawing(marker)
    if fmt == "dxf":
        return writers.dxf_bytes(data, result), FORMATS[fmt]  # type: ignore[arg-type]
    if fmt == "svg":
        return writers.svg_bytes(data, result), FORMATS[fmt]  # type: ignore[arg-type]
    return writers.json_bytes(result), FORMATS["json"]


def marker_filename(marker, fmt: str) -> str:
    return f"唛架-{marker.order.pattern.style.code}-{marker.order.name}-{marker.name}.{fmt}"

"""ESICUP strip-packing instances in the jagua-rs JSON format.

``{name, strip_height, items: [{id, demand, allowed_orientations, shape: {type:
"simple_polygon", data: [[x, y], ...]}}]}``; ``strip_height`` is the fabric width.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinxiu.engines.nesting.model import InvalidProblemError, Piece, ProblemData

MAX_BYTES = 50_000_000


def problem_from_esicup(doc: dict[str, Any], **overrides: Any) -> ProblemData:
    try:
        items = doc["items"]
        width = float(doc["strip_height"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidProblemError(f"not an ESICUP/jagua-rs strip-packing instance: {exc}") from None
    pieces = []
    for item in items:
        shape = item.get("shape", {})
        if shape.get("type", "simple_polygon") != "simple_polygon":
            raise InvalidProblemError(f"item {item.get('id')}: shape type {shape.get('type')!r} "
                                      "is not supported (only simple_polygon)")
        rots = item.get("allowed_orientations")
        pieces.append(
            Piece(
                name=str(item.get("id", len(pieces))),
                outline=tuple(tuple(p) for p in shape.get("data", [])),
                quantity=int(item.get("demand", 1)),
                rotations=None if rots is None else tuple(float(r) for r in rots),
            )
        )
    values: dict[str, Any] = {"pieces": tuple(pieces), "width": width,
                              "name": str(doc.get("name", "")), "units": "unit"}
    values.update(overrides)
    return ProblemData(**values)


def read_esicup(path: str | Path, **overrides: Any) -> ProblemData:
    """Read an instance; ``overrides`` replace ProblemData fields (width, spacing ...)."""
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:
        raise InvalidProblemError(f"{path.name}: file larger than {MAX_BYTES} bytes")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidProblemError(f"{path.name}: not JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise InvalidProblemError(f"{path.name}: not an ESICUP instance")
    doc.setdefault("name", path.stem)
    return problem_from_esicup(doc, **{k: v for k, v in overrides.items() if v is not None})

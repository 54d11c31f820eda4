"""Readers: ESICUP JSON (jagua-rs format) and AAMA/ASTM D6673 DXF."""

from pathlib import Path
from typing import Any

from jinxiu.engines.nesting.model import ProblemData
from jinxiu.engines.nesting.readers.dxf import (
    DxfPattern,
    DxfPiece,
    ReaderError,
    check_pieces,
    read_dxf,
)
from jinxiu.engines.nesting.readers.esicup import read_esicup


def read_problem(path: str | Path, **options: Any) -> ProblemData:
    """ESICUP ``.json`` or AAMA/ASTM ``.dxf`` → ProblemData. For a DXF, ``options`` go to
    ``DxfPattern.to_problem`` (``width`` is required there); for JSON they override fields."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return read_esicup(path, **options)
    if path.suffix.lower() == ".dxf":
        return read_dxf(path).to_problem(**options)
    raise ReaderError(f"{path.name}: unknown file type (expected .json or .dxf)")


__all__ = [
    "DxfPattern",
    "DxfPiece",
    "ReaderError",
    "check_pieces",
    "read_dxf",
    "read_esicup",
    "read_problem",
]

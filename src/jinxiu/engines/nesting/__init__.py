"""Marker making (排料, 智能裁剪): garment pieces → a checked marker (唛架).

``ProblemData`` (pieces, sizes and ratio, fabric width, grain, pairs, spacing) →
``solve(data, *, stop, seed, params) -> Result``, solved by spyrrow (sparrow) in a child
process and checked independently with shapely. Readers for ESICUP JSON and AAMA/ASTM DXF,
writers for JSON, SVG, DXF and PDF, cut-order planning (分床) in ``cutorder``.
See docs/engines/nesting.md.
"""

from jinxiu.engines.nesting.check import check_marker
from jinxiu.engines.nesting.model import (
    Grain,
    InvalidPieceError,
    InvalidProblemError,
    NestingError,
    Piece,
    ProblemData,
    parse_ratio,
)
from jinxiu.engines.nesting.result import Placement, Result
from jinxiu.engines.nesting.solver import (
    CheckFailedError,
    MarkerTooLongError,
    Progress,
    SolveParams,
    SolverError,
    TargetUtilization,
    solve,
)

__all__ = [
    "CheckFailedError",
    "Grain",
    "InvalidPieceError",
    "InvalidProblemError",
    "MarkerTooLongError",
    "NestingError",
    "Piece",
    "Placement",
    "ProblemData",
    "Progress",
    "Result",
    "SolveParams",
    "SolverError",
    "TargetUtilization",
    "check_marker",
    "parse_ratio",
    "solve",
]

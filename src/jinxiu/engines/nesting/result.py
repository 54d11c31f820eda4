"""The solved marker (唛架): placements in fabric coordinates, length, utilization (利用率)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinxiu.engines.common import ResultBase, StopReason
from jinxiu.engines.nesting.geometry import Affine, Point, Ring


@dataclass(frozen=True, slots=True)
class Placement:
    """One placed copy of a piece.

    The placed polygon is ``T(translation) ∘ R(rotation) ∘ [mirror] ∘ R(−grain_angle)``
    applied to the piece's own outline: the piece is first turned so that its grain runs
    along the marker (x), mirrored across its grain line when ``mirrored``, rotated by
    ``rotation`` (one of the allowed angles) and moved. ``matrix`` is that whole map in
    shapely's ``(a, b, d, e, xoff, yoff)`` form.
    """

    piece: str
    size: str | None
    piece_index: int
    copy: int  # 0, 1, ... among the copies of the same piece and mirror state
    rotation: float
    mirrored: bool
    translation: Point
    matrix: Affine
    polygon: Ring

    def to_json(self) -> dict[str, Any]:
        return {
            "piece": self.piece,
            "size": self.size,
            "copy": self.copy,
            "rotation": self.rotation,
            "mirrored": self.mirrored,
            "translation": list(self.translation),
            "matrix": list(self.matrix),
            "polygon": [[x, y] for x, y in self.polygon],
        }


@dataclass(frozen=True, slots=True)
class Result(ResultBase):
    """A marker that passed the independent check (``check.check_marker``).

    ``length`` includes the start and end allowances; ``utilization`` is the total piece area
    over ``width × length``. ``stop_reason`` is ``error`` only when the solver process died
    after it had already reported a marker that passed the check; ``message`` says what
    happened.
    """

    name: str
    width: float
    length: float
    utilization: float
    placements: tuple[Placement, ...]
    seed: int
    piece_area: float
    units: str = "mm"
    message: str = ""
    history: tuple[tuple[float, float], ...] = field(default=(), repr=False)  # (s, utilization)

    @property
    def objective(self) -> float:
        """What the stop criteria see: the waste fraction ``1 − utilization``."""
        return 1.0 - self.utilization

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "units": self.units,
            "width": self.width,
            "length": self.length,
            "utilization": self.utilization,
            "piece_area": self.piece_area,
            "seed": self.seed,
            "runtime_s": self.runtime_s,
            "stop_reason": str(self.stop_reason),
            "message": self.message,
            "placements": [p.to_json() for p in self.placements],
        }


__all__ = ["Placement", "Result", "StopReason"]

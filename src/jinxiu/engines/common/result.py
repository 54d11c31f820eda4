"""The fields every engine's ``Result`` carries."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class StopReason(StrEnum):
    OPTIMAL = "optimal"  # optimality proven
    TIME_LIMIT = "time_limit"
    ITERATION_LIMIT = "iteration_limit"
    NO_IMPROVEMENT = "no_improvement"
    TARGET_REACHED = "target_reached"
    INFEASIBLE = "infeasible"  # proven: no solution exists
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class ResultBase:
    runtime_s: float
    stop_reason: StopReason

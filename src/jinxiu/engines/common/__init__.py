"""Helpers shared by every engine: stop criteria, timing, the Result base."""

from jinxiu.engines.common.result import ResultBase, StopReason
from jinxiu.engines.common.stop import (
    FirstOf,
    MaxIterations,
    MaxRuntime,
    NoImprovement,
    StoppingCriterion,
    TargetObjective,
)

__all__ = [
    "FirstOf",
    "MaxIterations",
    "MaxRuntime",
    "NoImprovement",
    "ResultBase",
    "StopReason",
    "StoppingCriterion",
    "TargetObjective",
]

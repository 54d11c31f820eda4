"""Stop criteria, shaped like PyVRP's: a callable that is given the best objective so far
and answers whether the search should stop. Each knows the reason it gives.

A criterion is stateful (it remembers when it started or the last improvement), so
create a fresh one for every ``solve`` call.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

Clock = Callable[[], float]


class StoppingCriterion(Protocol):
    reason: str

    def __call__(self, best_objective: float) -> bool: ...


class MaxRuntime:
    """Stop once ``seconds`` of wall-clock time have passed since creation."""

    reason = "time_limit"

    def __init__(self, seconds: float, *, clock: Clock = time.perf_counter) -> None:
        if seconds < 0:
            raise ValueError(f"MaxRuntime: seconds must be >= 0, got {seconds}")
        self.seconds = float(seconds)
        self._clock = clock
        self._start = clock()

    def remaining(self) -> float:
        return max(0.0, self.seconds - (self._clock() - self._start))

    def __call__(self, best_objective: float) -> bool:
        return self._clock() - self._start >= self.seconds


class MaxIterations:
    """Stop after ``iterations`` calls."""

    reason = "iteration_limit"

    def __init__(self, iterations: int) -> None:
        if iterations < 0:
            raise ValueError(f"MaxIterations: iterations must be >= 0, got {iterations}")
        self.iterations = iterations
        self._count = 0

    def __call__(self, best_objective: float) -> bool:
        self._count += 1
        return self._count > self.iterations


class NoImprovement:
    """Stop when the best objective has not improved (decreased) for ``seconds``."""

    reason = "no_improvement"

    def __init__(self, seconds: float, *, clock: Clock = time.perf_counter) -> None:
        if seconds <= 0:
            raise ValueError(f"NoImprovement: seconds must be > 0, got {seconds}")
        self.seconds = float(seconds)
        self._clock = clock
        self._best = float("inf")
        self._since = clock()

    def __call__(self, best_objective: float) -> bool:
        now = self._clock()
        if best_objective < self._best:
            self._best = best_objective
            self._since = now
            return False
        return now - self._since >= self.seconds


class TargetObjective:
    """Stop once the best objective is at or below ``target`` (objectives are minimised)."""

    reason = "target_reached"

    def __init__(self, target: float) -> None:
        self.target = float(target)

    def __call__(self, best_objective: float) -> bool:
        return best_objective <= self.target


class FirstOf:
    """Stop when any of the given criteria says stop; ``reason`` names the one that did."""

    def __init__(self, *criteria: StoppingCriterion) -> None:
        if not criteria:
            raise ValueError("FirstOf needs at least one criterion")
        self.criteria = criteria
        self.reason = ""

    def remaining(self) -> float | None:
        """Seconds left under the tightest MaxRuntime, or None when there is none."""
        left = [c.remaining() for c in self.criteria if isinstance(c, MaxRuntime)]
        return min(left) if left else None

    def __call__(self, best_objective: float) -> bool:
        for criterion in self.criteria:
            if criterion(best_objective):
                self.reason = criterion.reason
                return True
        return False

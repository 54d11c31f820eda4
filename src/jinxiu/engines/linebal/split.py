"""SALBP-2 with parallel workplaces (重复工位): the cycle times below the best plan, one by one.

At a fixed cycle ``c`` a task with ``t > c`` needs ``R = ceil(t / c)`` workplaces and its
station gets exactly ``R`` (the most any of its tasks needs), so the station holds up to
``R c``. Two such long tasks never share a station: ``t_i > (R_i - 1) c`` and ``t_j > c``
add up to more than ``R_i c``. So "does the line fit in ``m`` workplaces at cycle ``c``?" is
a plain SALBP-1 decision: each long task keeps ``t - (R - 1) c`` (in ``(0, c]``), stations
hold ``c``, the long tasks must not share, and ``m - Σ (R - 1)`` stations are allowed.

Without the must-not-share pairs that decision is a relaxation the exact search answers
(when nothing else makes the problem a garment one): a "no" there is a "no" for ``c``, and a
plan whose long tasks sit apart is a plan. The pairs are added, for CP-SAT, only when the
relaxed plan puts two long tasks together. The workplace count is not monotone in ``c``
(a task crossing a multiple of ``c`` changes its ``R``), so every cycle below the plan is
decided on its own, upward from ``ceil(Σ t / m)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from jinxiu.engines.common.result import StopReason
from jinxiu.engines.linebal.problem import ProblemData, ProblemError
from jinxiu.engines.linebal.result import Result


@dataclass(frozen=True)
class Scan:
    lower: int  # every cycle time from ``first`` up to this one (excluded) is refuted
    plan: tuple[tuple[int, ...], ...] | None  # a plan at cycle ``lower``
    replicas: tuple[int, ...] | None


def at_cycle(times, c: int) -> tuple[tuple[int, ...], tuple[int, ...], tuple]:
    """At cycle ``c``: the workplaces each task needs, the time each keeps at a station of
    one workplace (``t - (R - 1) c``), and the pairs of long tasks that cannot share."""
    need = tuple(max(1, -(-t // c)) for t in times)
    keep = tuple(t - (r - 1) * c for t, r in zip(times, need, strict=True))
    long = [i for i, r in enumerate(need) if r > 1]
    return need, keep, tuple((a, b) for x, a in enumerate(long) for b in long[x + 1:])


@dataclass(frozen=True)
class Decision:
    """The SALBP-1 decision for cycle ``c``: at most ``room`` stations for ``relaxed`` (and
    ``exact``, which adds the long tasks' must-not-share pairs)."""

    relaxed: ProblemData
    exact: ProblemData
    room: int
    need: tuple[int, ...]  # workplaces per task (1 unless long)


def decision(data: ProblemData, c: int) -> Decision | None:
    """The decision for cycle ``c``, or None when it is refuted by counting alone."""
    assert data.stations is not None
    need, keep, pairs = at_cycle(data.times, c)
    room = data.stations - sum(r - 1 for r in need)
    if room < 1:
        return None
    try:
        relaxed = ProblemData(
            times=keep, precedences=data.precedences, cycle_time=c, labels=data.labels,
            machine_types=data.machine_types, compatible=data.compatible,
            universal=data.universal, must_share=data.must_share,
            must_not_share=data.must_not_share, time_scale=data.time_scale, name=data.name)
        exact = replace(relaxed, must_not_share=relaxed.must_not_share + pairs)
    except ProblemError:  # e.g. a must-share group over c, or two long tasks in one
        return None
    return Decision(relaxed, exact, room, need)


def _apart(plan, need) -> bool:
    return all(sum(need[i] > 1 for i in st) <= 1 for st in plan)


def scan(data: ProblemData, *, first: int, end: int,
         solve_fn: Callable[[ProblemData], Result], has_time: Callable[[], bool]) -> Scan:
    """Decide the cycle times ``first, first + 1, ...`` below ``end`` while ``has_time()``.
    ``solve_fn`` solves one SALBP-1 decision (the caller sets its time). Stops at the first
    plan, at a cycle it cannot decide (``lower`` is that cycle), or at ``end`` (every cycle
    below it refuted: ``lower == end``)."""
    c = first
    while c < end and has_time():
        step = decision(data, c)
        if step is not None:
            # the exact search takes the relaxation; CP-SAT takes the pairs at once
            apart = step.exact.must_not_share != step.relaxed.must_not_share
            problems = (step.relaxed, step.exact) if apart and step.relaxed.is_simple else (
                step.exact,)
            for problem in problems:
                res = solve_fn(problem)
                if res.lower_bound > step.room or res.stop_reason == StopReason.INFEASIBLE:
                    break  # refuted
                if res.assignment and res.stations <= step.room and _apart(
                        res.assignment, step.need):
                    replicas = tuple(max(step.need[i] for i in st) for st in res.assignment)
                    return Scan(c, res.assignment, replicas)
            else:
                return Scan(c, None, None)  # undecided
        c += 1
    return Scan(c, None, None)

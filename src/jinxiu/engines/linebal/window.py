"""Window improvement of a SALBP-1 plan: re-balance a run of stations exactly.

A plan's stations ``s .. s + w - 1`` hold a set of tasks that is closed the right way for a
line of its own: every predecessor of one of them is in it or at an earlier station, every
follower in it or later. So the tasks of a window, with the arcs among them, are a SALBP-1
instance, and a plan for it with ``w - 1`` stations put in the window's place gives a plan
for the whole line with one station less. Hoffmann's plans leave almost no idle time in
their first stations and pile it up near the middle (both ends) or the end (forward); the
windows that hold at least a cycle of idle time are then short enough for the BB&R
decision, whose idle budget in the window is the whole line's (measured on the Scholl set:
SCHOLL c = 1659 and BARTHOL2 c = 101 reach the bound this way, the searches over the whole
line did not).

Windows are tried shortest first, then from the front; a window whose tasks need ``w``
stations by the simple bound ⌈Σt / c⌉ is skipped without a search. With several plans
(``improve_any``: Hoffmann's forward, mirrored and from both ends) the windows of all of
them are taken shortest first together: MUKHERJE with 20 stations at c = 220, every
window of up to 14 stations of the three plans is a quick "no", and the mirrored plan's
first 15 stations fit in 14 (0.1 s); tried alone first, the plan from both ends spent
2.5 s on its longer windows, which time out. Every decision gets at
most ``step_s`` seconds per direction (a window of w > ``STEP_FROM`` stations w /
``STEP_FROM`` times that: MUKHERJE's 15-station window needs about 0.15 s on a slow day),
first in the direction with fewer first-station loads.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from jinxiu.engines.linebal.bbr import Salbp1
from jinxiu.engines.linebal.cbfs import Bbr

STEP_FROM = 8  # a window of w > STEP_FROM stations gets w / STEP_FROM times the step


def refit(times: Sequence[int], arcs: Sequence[tuple[int, int]], c: int, tasks: list[int],
          m: int, seconds: float,
          should_stop: Callable[[], bool] | None = None) -> list[list[int]] | None:
    """A plan with at most ``m`` stations for ``tasks`` alone (the arcs among them), or
    None when there is none or none was found in ``seconds`` per direction (or before
    ``should_stop()``)."""
    index = {o: k for k, o in enumerate(tasks)}
    sub_arcs = [(index[i], index[j]) for i, j in arcs if i in index and j in index]
    sub_t = [times[o] for o in tasks]
    fwd = Bbr(Salbp1(sub_t, sub_arcs, c))
    rev = Bbr(Salbp1(sub_t, [(j, i) for i, j in sub_arcs], c))
    if max(fwd.lower_bound(), rev.lower_bound()) > m:
        return None
    # the direction with fewer first-station loads first (BB&R's choice of direction)
    first_rev = rev.root_width(m, 20_000) < fwd.root_width(m, 20_000)
    for mirrored in (first_rev, not first_rev):
        bbr = rev if mirrored else fwd
        end = time.perf_counter() + seconds
        dec = bbr.run(m, lambda end=end: time.perf_counter() >= end
                      or (should_stop is not None and should_stop()))
        if dec.stations is not None:
            plan = dec.stations[::-1] if mirrored else dec.stations
            return [sorted(tasks[k] for k in st) for st in plan if st]
        if dec.complete:  # proven: these tasks need more than m stations
            return None
    return None


def improve(times: Sequence[int], arcs: Sequence[tuple[int, int]], c: int,
            plan: list[list[int]], lower: int, should_stop: Callable[[], bool], *,
            step_s: float = 0.5, max_window: int = 40,
            tried: set | None = None) -> list[list[int]]:
    """Shorten ``plan`` (stations in line order, task indices) by re-balancing windows of
    2 .. ``max_window`` stations in one station less, until it reaches ``lower``, no
    window helps or ``should_stop()``. Returns the best plan (``plan`` itself when none
    helped). ``tried`` (kept by the caller between calls) holds the windows whose
    decision already failed (their task sets), so a later call skips them."""
    return improve_any(times, arcs, c, [plan], lower, should_stop, step_s=step_s,
                       max_window=max_window, tried=tried)


def improve_any(times: Sequence[int], arcs: Sequence[tuple[int, int]], c: int,
                plans: list[list[list[int]]], lower: int, should_stop: Callable[[], bool], *,
                step_s: float = 0.5, max_window: int = 40,
                tried: set | None = None) -> list[list[int]]:
    """``improve`` over several plans with the same number of stations: the windows of all
    of them shortest first (then in the order of ``plans``, then from the front); the first
    plan that loses a station goes on alone. Returns the best plan (``plans[0]`` when none
    helped)."""
    tried = set() if tried is None else tried
    best = [list(st) for st in plans[0]]
    while len(best) > lower:
        shorter = _shorten(times, arcs, c, plans, should_stop, step_s, max_window, tried)
        if shorter is None:
            break
        best = shorter
        plans = [shorter]
    return best


def _shorten(times: Sequence[int], arcs: Sequence[tuple[int, int]], c: int,
             plans: list[list[list[int]]], should_stop: Callable[[], bool], step_s: float,
             max_window: int, tried: set) -> list[list[int]] | None:
    """One of ``plans`` with one station less (its first window, shortest over all plans,
    that a decision re-balances), or None (no window helped, or ``should_stop()``)."""
    loads = [[sum(times[k] for k in st) for st in plan] for plan in plans]
    longest = min(max_window, max(len(p) for p in plans))
    for w in range(2, longest + 1):
        for plan, load in zip(plans, loads, strict=True):
            for s in range(len(plan) - w + 1):
                if should_stop():
                    return None
                if sum(load[s:s + w]) > (w - 1) * c:
                    continue
                tasks = sorted(k for st in plan[s:s + w] for k in st)
                key = (w, tuple(tasks))
                if key in tried:
                    continue
                sub = refit(times, arcs, c, tasks, w - 1, step_s * max(1.0, w / STEP_FROM),
                            should_stop)
                if sub is not None:
                    return [list(st) for st in plan[:s]] + sub + [list(st) for st in plan[s + w:]]
                if not should_stop():
                    tried.add(key)
    return None

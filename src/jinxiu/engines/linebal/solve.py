"""``solve(data, *, stop, seed, params) -> Result``: bounds, heuristics, exact search.

Plain SALBP-1 (no garment extension) runs a portfolio, chosen by measurement on the Scholl
set (see docs/engines/linebal.md):

1. lower bounds in both directions (the mirror graph has the same optimum): LB1-LB3 with
   Scholl & Klein's incremented task times, the bin-packing bound L2, earliest stations;
2. a priority rule, and Hoffmann's rule with exact fullest loads forward, mirrored and
   from both ends at once;
3. if the gap is open: the BB&R decisions "m stations?" from the lower bound up (a race of
   the best-first and the depth-first search of ``cbfs.py``, both directions; a quarter of
   the time), a short CP-SAT run asked for ``UB - 1`` stations, then the BB&R decisions
   again where they stopped, with the rest.

Plain SALBP-2: an upper bound on the cycle time by bisection with the priority rule, then
with the Hoffmann runs; then the cycle time at the lower bound, then bisection between the
bounds, each step a SALBP-1 decision problem ("m stations at cycle c?") answered by the same
pieces as above (a decision left open with half the time is passed over and asked again
later; the races of one instance give more time to the kind of search that has answered);
the CP-SAT SALBP-2 model with whatever time is left.

Problems with machine types, zoning, splitting or named operators go to the CP-SAT model.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from jinxiu.engines.common.result import StopReason
from jinxiu.engines.common.stop import FirstOf, MaxRuntime, StoppingCriterion
from jinxiu.engines.linebal import chains, crews, greedy, lsearch, split, window
from jinxiu.engines.linebal.bbr import Salbp1
from jinxiu.engines.linebal.bounds import first_cycle, salbp2_lower_bound
from jinxiu.engines.linebal.cbfs import Bbr, hoffmann_both_ends, link_ends, warm_up
from jinxiu.engines.linebal.cpsat import cp_variables, solve_cp
from jinxiu.engines.linebal.placement import place_operators
from jinxiu.engines.linebal.problem import ProblemData, ProblemError
from jinxiu.engines.linebal.race import Race as _Race
from jinxiu.engines.linebal.result import Result, make_result

# share of a garment solve's time the priority rules may take for CP-SAT's start; only the
# rules for named operators come near it (SCHOLL, 297 operations and 60 operators: their
# best plan after 3 s)
GREEDY_SHARE = 0.2
# SALBP-2 with named operators: the local search (``lsearch.py``) after the rules, before
# CP-SAT, with this share of the time left (it ends sooner when it stops finding better
# plans). Round twenty-one: at 5 s WARNECKE with 28 operators 57 / 59 instead of 61 / 60,
# SCHOLL with 60 1945-2175 / 1432-1521 (two runs) instead of 2403 / 1535, and a team
# CP-SAT proves at once waits (KILBRID, 12 operators: 2.3 s instead of 1.0 s); at the
# planner's 20 s on two workers SCHOLL 1713 instead of 2143, WARNECKE 57 / 57 / 57 against
# 57 / 56 / 56. Not used in SALBP-1 nor without named operators, where CP-SAT got as far or
# further without it.
LS_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class SolveParams:
    """Knobs of the portfolio (defaults chosen on the Scholl set)."""

    workers: int = 1  # CP-SAT threads
    threads: int = 1  # BB&R races: 2 runs the forward and the mirrored searches at once
    #                   (race.Race; one core each), 1 in turns on one core
    use_cpsat: bool = True  # CP-SAT probe in the plain portfolio
    heuristic_share: float = 0.1  # time for Hoffmann's rule (the priority rules always run)
    cpsat_share: float = 0.15  # share of the time left given to the CP-SAT probe
    cpsat_cap: float = 1.5  # ... and at most this many seconds
    cpsat_max_tasks: int = 200  # no probe on larger lines (SCHOLL, 297 tasks: 1.1-1.3 s
    #                             each time and never an answer)
    bbr_first_share: float = 0.25  # share of the time left for the first BB&R race
    bbr_second_share: float = 0.7  # share of the time left for the second BB&R race
    window_search: bool = True  # then re-balance windows of the plan (SALBP-1)
    window_salbp2: bool = True  # ... and in the decisions of SALBP-2
    window_step_s: float = 0.1  # ... at most this long per window and direction
    race_first_s: float = 0.5  # a first BB&R race of at most this many seconds, then
    window_first_share: float = 0.15  # windows before the first race goes on: this share
    window_first_cap: float = 1.5  # of the time, at most this many seconds (0: not first)
    ramp_step_s: float = 0.25  # SALBP-2: a BB&R race of at most this long at the lower
    ramp_share: float = 0.2  # bound on c, raised by one while it says "no" (this share
    #                          of the time in all; 0: no ramp)
    salbp2_dfs_weight: float = 4.0  # SALBP-2's races: a depth-first search's time counts
    #                                 this many times (its best-first partner gets more)
    salbp2_cpsat_first: bool = True  # SALBP-2's bisection: each decision asks CP-SAT
    salbp2_cpsat_first_cap: float = 0.5  # first (at most this long and this share of the
    salbp2_cpsat_first_share: float = 0.15  # time left) while CP-SAT answers one in three
    salbp2_cpsat_trust: float = 2.0  # a decision's second CP-SAT try (after the first
    #                                  races) gets this many times its cap and share
    #                                  where CP-SAT answered at least half of its first tries
    dfs_patience_s: float = 2.0  # SALBP-1's race: a depth-first search that has had this
    dfs_late_weight: float = 8.0  # long without an answer counts this many times more
    salbp2_cpsat_vars: int = 800  # SALBP-2's decisions ask CP-SAT (first or in phase 1)
    #                               only when its model has at most this many x[i, k]
    salbp2_open_share: float = 0.5  # SALBP-2's bisection: a decision with cycle times
    #                                 above it left to ask gets this share of the time left
    salbp2_win_boost: float = 4.0  # SALBP-2: a search kind (direction, best- or depth-
    #                                first) that answered w decisions against others gets
    #                                min(this, 1 + w) times the time in later races



class _Clock:
    def __init__(self, stop: StoppingCriterion, default_budget: float) -> None:
        self.stop = stop
        self.default_budget = default_budget
        self.start = time.perf_counter()

    @property
    def has_limit(self) -> bool:
        return isinstance(self.stop, MaxRuntime) or (
            isinstance(self.stop, FirstOf) and self.stop.remaining() is not None)

    def share(self, fraction: float, without_limit: float) -> float:
        """Seconds for a phase: a share of the time left, or a fixed budget when the stop
        criterion has no time limit (iterations, target ...)."""
        if self.has_limit:
            return self.remaining() * fraction
        return min(without_limit, self.remaining())

    def remaining(self) -> float:
        left = None
        if isinstance(self.stop, MaxRuntime | FirstOf):
            left = self.stop.remaining()
        if left is None:
            left = self.default_budget - (time.perf_counter() - self.start)
        return max(0.0, left)

    def deadline_stop(self, seconds: float) -> Callable[[int], bool]:
        end = time.perf_counter() + seconds

        def should_stop(best: int) -> bool:
            return time.perf_counter() >= end or self.stop(best)

        return should_stop


class _Box(_Clock):
    """``clock`` with at most ``seconds`` left."""

    def __init__(self, clock: _Clock, seconds: float) -> None:
        super().__init__(clock.stop, clock.default_budget)
        self.start, self.parent = clock.start, clock
        self.end = time.perf_counter() + max(0.0, seconds)

    @property
    def has_limit(self) -> bool:
        return self.parent.has_limit

    def remaining(self) -> float:
        return max(0.0, min(self.parent.remaining(), self.end - time.perf_counter()))


def solve(data: ProblemData, *, stop: StoppingCriterion | None = None, seed: int = 0,
          params: SolveParams | None = None) -> Result:
    """Balance the line described by ``data``.

    ``stop`` defaults to ``MaxRuntime(10)``; the search ends early when optimality is
    proven. ``seed`` drives the randomised heuristics (and CP-SAT), so runs repeat.
    """
    # the compiled kernels: loaded once per process (compiled once per machine), and not
    # counted against a time limit
    loading = warm_up() if data.is_simple else 0.0
    if loading > 0.05 and isinstance(stop, MaxRuntime):
        stop = MaxRuntime(stop.remaining() + loading)
    stop = stop if stop is not None else MaxRuntime(10.0)
    params = params or SolveParams()
    clock = _Clock(stop, default_budget=60.0)
    rng = random.Random(seed)
    if data.is_simple and data.cycle_time is not None:
        return _salbp1(data, clock, rng, seed, params)
    if data.is_simple:
        return _salbp2(data, clock, rng, seed, params)
    # named operators: each where she works fastest, the stations kept (placement.py)
    return place_operators(data, _extended(data, clock, seed, params))


# --------------------------------------------------------------------------- SALBP-1
def _searches(data: ProblemData, c: int) -> tuple[Bbr, Bbr]:
    """The BB&R searches at cycle ``c``, forward and on the mirror graph."""
    pair = (Bbr(Salbp1(data.times, data.precedences, c)),
            Bbr(Salbp1(data.times, [(j, i) for i, j in data.precedences], c)))
    link_ends(*pair)
    return pair


def _exact_salbp1(data: ProblemData, c: int, clock: _Clock, rng: random.Random, seed: int,
                  params: SolveParams, race: _Race, *, target: int | None = None,
                  likely_yes: bool = False, cp_first: list[int] | None = None):
    """Minimise stations at cycle ``c`` (or, with ``target``, only decide whether ``target``
    stations suffice; ``likely_yes``: the answer is expected to be a plan, so the windows
    run early as in SALBP-1). ``race`` (of ``_searches(data, c)``) belongs to the caller,
    which may go on with it in a later call (SALBP-2's ``_Decisions``) and closes it.
    ``cp_first`` ([tries, answers], counted here): ask CP-SAT before the races.
    Returns (solution or None, upper, lower, proven, nodes)."""
    bf, br = race.searches
    fwd, rev = bf.core, br.core
    lower = max(bf.lower_bound(), br.lower_bound())
    if target is not None and lower > target:
        return None, target + 1, lower, True, 0
    # one priority rule per direction (cheap), then Hoffmann's rule with exact fullest
    # loads forward, mirrored and from both ends at once (compiled, a few ms each)
    best = None
    for core, mirrored in ((fwd, False), (rev, True)):
        sol = _orient(core.to_original(core.greedy(core.pw)), mirrored)
        if best is None or len(sol) < len(best):
            best = sol
    assert best is not None
    upper = len(best)
    nodes = 0

    def done() -> bool:
        return lower >= upper or (target is not None and (upper <= target or lower > target))

    hoff_end = time.perf_counter() + clock.share(params.heuristic_share, 1.0)

    def hoff_stop() -> bool:
        return time.perf_counter() >= hoff_end

    plans = []  # Hoffmann's plans, both ends first (where the window phase starts)
    for kind in ("fwd", "rev", "both"):
        if done():
            break
        sol = (bf.hoffmann(hoff_stop) if kind == "fwd" else
               _orient(br.hoffmann(hoff_stop) or [], True) if kind == "rev" else
               hoffmann_both_ends(bf, br, hoff_stop))
        if sol:
            plans.insert(0, sol)
        if sol and len(sol) < upper:
            best, upper = sol, len(sol)
    if done() or clock.remaining() <= 0:
        return best, upper, lower, lower >= upper, nodes

    tried: set = set()  # windows whose decision failed (window.improve)

    def windows(share: float, cap: float) -> bool:
        """Re-balance windows of the best plans in one station less (window.py) for
        ``share`` of the time left, at most ``cap`` seconds (it ends sooner when no window
        is left to try); for a decision (SALBP-2) until the plan has ``target`` stations."""
        nonlocal best, upper
        w_stop = clock.deadline_stop(min(cap, clock.share(share, 3.0 * share)))
        goal = lower if target is None else max(lower, target)
        starts = [p for p in plans if len(p) == upper] or [best]
        plan = window.improve_any(data.times, data.precedences, c, starts, goal,
                                  lambda u=upper: w_stop(u), step_s=params.window_step_s,
                                  tried=tried)
        if len(plan) < upper:
            best, upper = plan, len(plan)
        return done()

    # 0. BB&R decisions from the lower bound upwards, both directions in turns (short)
    m = lower if target is None else target

    def bbr_phase(share: float, cap: float = float("inf")) -> bool:
        nonlocal best, upper, lower, nodes, m
        end = time.perf_counter() + min(cap, clock.share(share, 30.0 * share))
        while not done() and time.perf_counter() < end:
            dec, mirrored = race.run(m, end)
            if dec is None:
                break
            nodes += dec.nodes
            if dec.stations is not None:
                if len(dec.stations) < upper:
                    best, upper = _orient(dec.stations, mirrored), len(dec.stations)
                if target is None:
                    lower = max(lower, m)  # every smaller count was proven infeasible
            else:  # proven: no plan with m stations
                lower = max(lower, m + 1)
                if target is not None:
                    break
                m += 1
        return done()

    def cpsat_probe(cap: float, share: float) -> bool:
        """CP-SAT asked for upper - 1 stations (or ``target``) for at most ``cap`` seconds
        and ``share`` of the time left; True when that settled the question."""
        nonlocal best, upper, lower
        if not (params.use_cpsat and data.num_tasks <= params.cpsat_max_tasks
                and clock.remaining() > 0.2):
            return False
        if target is not None and cp_variables(data, c, target) > params.salbp2_cpsat_vars:
            return False  # SALBP-2: no answer in 0.5 s on ARC111, MUKHERJE, BARTHOL2
        goal = upper - 1 if target is None else target
        cp = solve_cp(data.with_cycle_time(c), max_stations=upper,
                      time_limit=min(cap, clock.share(share, 1.0)),
                      seed=seed,
                      workers=params.workers, hint=best, objective_upper=goal,
                      objective_lower=lower)
        if cp.infeasible:
            lower = max(lower, goal + 1)
        elif cp.stations is not None and len(cp.stations) < upper:
            best, upper = cp.stations, len(cp.stations)
            lower = max(lower, cp.bound)
        return done()

    if cp_first is not None:
        cp_first[0] += 1
        if cpsat_probe(params.salbp2_cpsat_first_cap, params.salbp2_cpsat_first_share):
            cp_first[1] += 1
        if done():
            return best, upper, lower, lower >= upper, nodes

    # a. a short race, then windows briefly when the plan is one station above the bound
    #    (in SALBP-2 only for the decision at the lower bound on c, ``likely_yes``: in the
    #    bisection many decisions are "no", and there the windows only cost time):
    #    where the plan at the bound is a re-balanced window of a Hoffmann plan, this
    #    finds it in a second or two (SCHOLL c = 1452, 1659, BARTHOL2 c = 93), where the
    #    race needs more; instances the race settles at once do not pay for the windows
    if bbr_phase(params.bbr_first_share, params.race_first_s):
        return best, upper, lower, lower >= upper, nodes
    if (params.window_search and params.window_first_cap > 0
            and (upper == lower + 1 if target is None
                 else params.window_salbp2 and likely_yes and upper == target + 1)
            and windows(params.window_first_share, params.window_first_cap)):
        return best, upper, lower, lower >= upper, nodes
    if bbr_phase(params.bbr_first_share):
        return best, upper, lower, lower >= upper, nodes
    # 1. CP-SAT asked for upper - 1 stations (often proves infeasibility at once); where
    #    it went first, once more with twice its first cap (ARC83 m = 8 at 9553: a "no"
    #    in 0.43 s on one day, 0.76 s on a slower one, when the first try had 0.5 s)
    if cp_first is None:
        cpsat_probe(params.cpsat_cap, params.cpsat_share)
    else:
        boost = params.salbp2_cpsat_trust if 2 * cp_first[1] >= cp_first[0] else 1.0
        if cpsat_probe(2 * boost * params.salbp2_cpsat_first_cap, boost * params.cpsat_share):
            return best, upper, lower, lower >= upper, nodes
    # 2. the BB&R decisions again, where phase 0 stopped
    use_windows = params.window_search and (target is None or params.window_salbp2)
    if bbr_phase(params.bbr_second_share if use_windows else 1.0):
        return best, upper, lower, lower >= upper, nodes
    # 3. windows of the best plan re-balanced in one station less (window.py), with the
    #    rest of the time (it ends early when no window is left to try)
    if use_windows and clock.remaining() > 0.2 and windows(1.0, float("inf")):
        return best, upper, lower, lower >= upper, nodes
    # 4. the BB&R decisions with whatever the windows left
    bbr_phase(1.0)
    return best, upper, lower, lower >= upper, nodes


def _orient(stations: list[list[int]], mirrored: bool) -> list[list[int]]:
    return list(reversed(stations)) if mirrored else stations


def _salbp1(data: ProblemData, clock: _Clock, rng, seed, params) -> Result:
    c = data.cycle_time
    race = _Race(_searches(data, c), clock, patience_s=params.dfs_patience_s,
                 late_weight=params.dfs_late_weight, threads=params.threads)
    try:
        best, _upper, lower, proven, nodes = _exact_salbp1(data, c, clock, rng, seed, params,
                                                           race)
    finally:
        race.close()
    reason = StopReason.OPTIMAL if proven else StopReason(clock.stop.reason or "time_limit")
    return make_result(data, best, cycle_time=c, lower_bound=lower, proven=proven,
                       runtime_s=time.perf_counter() - clock.start, stop_reason=reason,
                       nodes=nodes)


# --------------------------------------------------------------------------- SALBP-2
def _salbp2(data: ProblemData, clock: _Clock, rng, seed, params) -> Result:
    m = data.stations
    t = data.times
    lo = salbp2_lower_bound(t, m)

    def bounds_fit(c: int) -> bool:  # windows and bounds in both directions allow m stations
        return max(b.lower_bound() for b in _searches(data, c)) <= m

    # upper bound by priority rules and bisection
    hi = max(lo, sum(t) // m + max(t))
    best_hi = None
    while best_hi is None:
        sol = _heur_at(data, hi, rng, params)
        if len(sol) <= m:
            best_hi = sol
        else:
            hi *= 2

    def heuristic_bisection(hoffmann: bool) -> None:
        """Lower ``hi`` by bisection between ``lo`` and ``hi`` with the priority rules (or
        Hoffmann's rule, exact fullest loads), for a share of the time."""
        nonlocal hi, best_hi
        a = lo
        until = time.perf_counter() + clock.share(params.heuristic_share, 2.0)
        while a < hi and time.perf_counter() < until:
            mid = (a + hi) // 2
            sol = _heur_at(data, mid, rng, params, hoffmann=hoffmann)
            if len(sol) <= m:
                hi, best_hi = mid, sol
            else:
                a = mid + 1

    heuristic_bisection(hoffmann=False)
    lo = first_cycle(lo, hi, bounds_fit)
    # Hoffmann's rule only after the first decision ("no" or no answer): at the bound,
    # the optimum on most instances, it is not needed (SCHOLL, 297 tasks: 0.4 s)
    nodes = 0
    ramp_end = 0.0
    decisions = _Decisions(data, clock, dfs_weight=params.salbp2_dfs_weight,
                           max_boost=params.salbp2_win_boost, threads=params.threads)

    def ramp() -> None:
        """Short races (``_quick_decision``) just above the lower bound: at lo + step - 1,
        the step doubling after each "no" and halving after a plan or no answer, until a
        race at lo itself has no answer. The optimum is often a few units above the bound
        and those "no"s are often settled at once (ARC111 m = 22 at c = 6838: no first-
        station load at all), where the bisection asks half-way to the upper bound."""
        nonlocal lo, hi, best_hi, nodes
        step = 1
        while lo < hi and time.perf_counter() < ramp_end and clock.remaining() > 0:
            c = min(lo + step - 1, hi - 1)
            cap = min(params.ramp_step_s, ramp_end - time.perf_counter(), clock.remaining())
            sol, n_ = _quick_decision(data, c, clock, cap, decisions)
            nodes += n_
            if sol is False:
                lo = c + 1
                step *= 2
            elif sol is not None:
                hi, best_hi = c, sol
                step = max(1, (c - lo + 1) // 2)
            elif c == lo:
                return
            else:
                step = (c - lo + 1) // 2  # the next try is below c
            decisions.settled(lo, hi)

    cp_stats = [0, 0]  # CP-SAT first in the bisection's decisions: tries, answers

    def cp_first_now(c: int) -> bool:
        return (params.salbp2_cpsat_first and _cp_first_pays(*cp_stats)
                and cp_variables(data, c, m) <= params.salbp2_cpsat_vars)

    # exact: the decision "m stations at c?" at the lower bound first (it is the optimum on
    # most instances), then bisection on the cycle time (a plan found lowers the upper
    # bound, a proof of "no" raises the lower bound); after every "no", the ramp
    # A decision with other cycle times above it left to ask gets a share of the time
    # (``salbp2_open_share``); when it has no answer then, the bisection goes on above it
    # and comes back to it (its race kept) when nothing is left above: ARC111 m = 24 spent
    # 50 s of a 60 s run on the decision at 6282 and reported 6291, where the forward
    # best-first search finds a plan at 6286 in 0.5 s.
    first = True
    open_c = None  # the decision left open
    while lo < hi and clock.remaining() > 0:
        if open_c is not None and open_c < lo:
            open_c = None  # settled: a "no" above it
        if first:
            mid = lo
        elif open_c is None:
            mid = (lo + hi) // 2
        elif open_c + 1 < hi:
            mid = (open_c + 1 + hi) // 2
        else:
            mid, open_c = open_c, None  # nothing left above it: back to it
        at_bound, first = first, False
        # the first decision leaves a little time for Hoffmann's bisection when it cannot
        # answer (the plan reported then: BARTHOL2 m = 50, 87 instead of the rules' 89)
        partial = not at_bound and open_c is None and mid + 1 < hi
        box = (_Box(clock, clock.remaining() - clock.share(0.05, 0.5)) if at_bound
               else _Box(clock, clock.share(params.salbp2_open_share, 5.0)) if partial
               else clock)
        sol, upper, lower, _, n_ = _exact_salbp1(data, mid, box, rng, seed, params,
                                                 decisions.race(mid), target=m,
                                                 likely_yes=mid == lo,
                                                 cp_first=None if at_bound or not
                                                 cp_first_now(mid) else cp_stats)
        nodes += n_
        if sol is not None and upper <= m:
            hi, best_hi = mid, sol
            decisions.settled(lo, hi)
        elif lower > m:
            lo = mid + 1
            if at_bound:
                heuristic_bisection(hoffmann=True)
                ramp_end = time.perf_counter() + clock.share(params.ramp_share, 2.0)
            decisions.settled(lo, hi)
            ramp()
        elif partial and clock.remaining() > 0:
            open_c = mid
        else:
            if at_bound:
                heuristic_bisection(hoffmann=True)
            break  # time ran out on this cycle time
        if open_c is not None:
            decisions.hold(open_c)
    decisions.close()
    # CP-SAT on the SALBP-2 model (windows for the cycle-time upper bound) with what is left
    if lo < hi and params.use_cpsat and clock.remaining() > 0.2:
        cp = solve_cp(data, max_stations=m, time_limit=clock.remaining(), seed=seed,
                      workers=params.workers, hint=best_hi, objective_lower=lo,
                      cycle_upper=hi)
        if cp.stations is not None and cp.objective is not None and cp.objective < hi:
            hi, best_hi = cp.objective, cp.stations
        lo = max(lo, min(cp.bound, hi)) if not cp.infeasible else lo
    proven = lo >= hi
    reason = StopReason.OPTIMAL if proven else StopReason(clock.stop.reason or "time_limit")
    return make_result(data, best_hi, cycle_time=hi, lower_bound=lo, proven=proven,
                       runtime_s=time.perf_counter() - clock.start, stop_reason=reason,
                       nodes=nodes)


def _cp_first_pays(tries: int, answers: int) -> bool:
    """Whether SALBP-2's next decision asks CP-SAT before the races. On some graphs it
    proves "no" near the optimum in a tenth of a second where the races need seconds
    (ARC83 m = 8 at c = 9550: 0.11 s; the decision took 1.8 s with CP-SAT after the races),
    on others it never answers (ARC111, 10 s at m = 17 ... 22): it goes first while it has
    answered at least one in three of its tries, the first two always."""
    return tries < 2 or 3 * answers >= tries


class _Decisions:
    """SALBP-2's decisions "``data.stations`` stations at cycle ``c``?", each a ``_Race``
    kept between calls (at most ``keep`` of them, the least recently asked dropped first),
    so that a decision asked again — the ramp asks the same cycle time several times, the
    bisection may come back to it — goes on where it stopped instead of starting over
    (ARC111 m = 21 at c = 7181: the forward best-first search says "no" after 0.42 s; three
    quick decisions of 0.4 s each, restarted, never did)."""

    def __init__(self, data: ProblemData, clock: _Clock, keep: int = 3,
                 dfs_weight: float = 1.0, max_boost: float = 1.0, threads: int = 1) -> None:
        self.data, self.clock, self.keep, self.dfs_weight = data, clock, keep, dfs_weight
        self.max_boost, self.threads = max_boost, threads
        self.wins: dict[tuple[bool, bool], int] = {}  # shared by the races (``_Race``)
        self.races: dict[int, _Race] = {}  # in the order last asked

    def race(self, c: int) -> _Race:
        race = self.races.pop(c, None)
        if race is None:
            race = _Race(_searches(self.data, c), self.clock, dfs_weight=self.dfs_weight,
                         wins=self.wins, max_boost=self.max_boost, threads=self.threads)
        self.races[c] = race
        while len(self.races) > self.keep:
            self.races.pop(next(iter(self.races))).close()
        return race

    def hold(self, c: int) -> None:
        """Count the decision for ``c`` (if kept) as the one asked last: it is dropped last."""
        if c in self.races:
            self.races[c] = self.races.pop(c)

    def settled(self, lo: int, hi: int) -> None:
        """Drop the decisions outside ``lo .. hi - 1`` (answered by the bounds)."""
        for c in [c for c in self.races if not lo <= c < hi]:
            self.races.pop(c).close()

    def close(self) -> None:
        self.settled(0, -1)


def _quick_decision(data: ProblemData, c: int, clock: _Clock, seconds: float,
                    decisions: _Decisions | None = None,
                    ) -> tuple[list[list[int]] | bool | None, int]:
    """The BB&R decision "``data.stations`` stations at cycle ``c``?" for at most about
    ``seconds``: (a plan, nodes), (False, nodes) when proven impossible, (None, nodes) when
    undecided (the race stays in ``decisions`` for the next call)."""
    m = data.stations
    own = decisions is None
    decisions = decisions or _Decisions(data, clock)
    race = decisions.race(c)
    bf, br = race.searches
    try:
        if max(bf.lower_bound(), br.lower_bound()) > m:
            return False, 0
        dec, mirrored = race.run(m, time.perf_counter() + seconds)
        if dec is None:
            return None, 0
        if dec.stations is not None:
            return _orient(dec.stations, mirrored), dec.nodes
        return False, dec.nodes
    finally:
        if own:
            decisions.close()


def _heur_at(data: ProblemData, c: int, rng, params, hoffmann: bool = False) -> list[list[int]]:
    """Priority rules at cycle ``c`` in both directions (and, with ``hoffmann``, Hoffmann's
    rule with exact fullest loads forward, mirrored and from both ends)."""
    fwd = Salbp1(data.times, data.precedences, c)
    rev = Salbp1(data.times, [(j, i) for i, j in data.precedences], c)
    best = None
    for core, mirrored in ((fwd, False), (rev, True)):
        sol = _orient(core.to_original(core.greedy(core.pw)), mirrored)
        if best is None or len(sol) < len(best):
            best = sol
    assert best is not None
    if hoffmann:
        bf, br = Bbr(fwd), Bbr(rev)
        for sol in (bf.hoffmann(), _orient(br.hoffmann() or [], True),
                    hoffmann_both_ends(bf, br)):
            if sol and len(sol) < len(best):
                best = sol
    return best


# --------------------------------------------------------------------------- extensions
def _without_split(data: ProblemData, clock: _Clock, seed: int, params: SolveParams) -> Result:
    """The best plan without splitting, the start of SALBP-2 with splitting: a quarter of
    the time for the exact search, 60 % when CP-SAT has to find it. Every such plan is one
    with single workplaces, and CP-SAT's split model, which has no station windows, finds
    none on its own for larger graphs (TONGE70 m = 24: its first plan in 30 s had a cycle
    of 3472 against 156 without splitting)."""
    plain = replace(data, allow_split=False)
    # CP-SAT (machine types, zoning) needs longer than the exact search for a good plan
    share = 0.25 if plain.is_simple else 0.6
    return solve(plain, stop=MaxRuntime(clock.share(share, 5.0)), seed=seed, params=params)


def _split_salbp2(data: ProblemData, clock: _Clock, seed: int, params: SolveParams) -> Result:
    """SALBP-2 with splitting, in four steps: the best plan without splitting
    (``_without_split``); the cycle times from ``ceil(Σ t / m)`` up decided one by one
    (``split.scan``, 30 % of what is left, a tenth at most for one decision); CP-SAT's
    split model started from that plan and bound (75 % of the rest); the scan again
    between CP-SAT's bound and its plan.

    CP-SAT's split model has no station windows: on its own it found a cycle of 3472 for
    TONGE70 with 24 operators in 30 s (156 without splitting), and it proves neither
    KILBRID m = 12 (46 refuted) nor TONGE70 m = 24 (147 refuted) in 30 s, which the scan
    does in hundredths of a second. It proves HAHN m = 16 in 3 s, where each of the scan's
    decisions with five long tasks kept apart takes 3 s (round eighteen)."""
    start = _without_split(data, clock, seed, params)
    lower = max(-(-sum(data.times) // data.stations), data.machine_floor())
    if not start.assignment:  # nothing to start from (the scan needs an upper end)
        return _split_cp(data, clock, seed, params, start=None, lower=lower)
    # the cycles from max(t) on have no long task: the start's proof refutes them
    end = min(start.cycle_time, max(data.times)) if start.proven_optimal else start.cycle_time
    if data.machines:  # the scan's decisions count no machines
        return _split_cp(data, clock, seed, params, start=start, lower=lower)

    def scan(first: int, upper: int, seconds: float, each: float) -> split.Scan:
        until = time.perf_counter() + seconds
        return split.scan(
            data, first=first, end=upper, has_time=lambda: time.perf_counter() < until - 0.05,
            solve_fn=lambda problem: solve(problem, stop=MaxRuntime(
                max(0.05, min(each, (until - time.perf_counter()) / 2))), seed=seed,
                params=params))

    left = clock.remaining()
    found = scan(lower, end, left * 0.3, left * 0.1)
    if found.plan is not None or found.lower >= end:
        return _split_done(data, clock, found, start)
    res = _split_cp(data, clock, seed, params, start=start, lower=found.lower, share=0.75)
    if res.proven_optimal:
        return res
    end = min(end, res.cycle_time)
    found = scan(max(found.lower, res.lower_bound), end, clock.remaining(), clock.remaining())
    if found.plan is not None or found.lower >= end:
        return _split_done(data, clock, found, res)
    return replace(res, lower_bound=max(res.lower_bound, found.lower),
                   runtime_s=time.perf_counter() - clock.start)


def _split_done(data: ProblemData, clock: _Clock, found: split.Scan, best: Result) -> Result:
    """The scan's plan, or ``best`` when the scan refuted every cycle below its end."""
    plan, cycle, replicas = found.plan, found.lower, found.replicas
    if plan is None:
        plan, cycle, replicas = best.assignment, best.cycle_time, best.replicas
    return make_result(data, plan, cycle_time=cycle, lower_bound=cycle, proven=True,
                       runtime_s=time.perf_counter() - clock.start,
                       stop_reason=StopReason.OPTIMAL, replicas=replicas)


def _split_cp(data: ProblemData, clock: _Clock, seed: int, params: SolveParams, *,
              start: Result | None, lower: int, share: float = 1.0) -> Result:
    """CP-SAT's split model with ``share`` of the time left, started from ``start``."""
    hint = [list(st) for st in start.assignment] if start else None
    cp = solve_cp(data, max_stations=data.stations, time_limit=clock.remaining() * share,
                  seed=seed, workers=params.workers, hint=hint, objective_lower=lower,
                  cycle_upper=start.cycle_time if start else None)
    runtime = time.perf_counter() - clock.start
    bound = max(cp.objective if cp.optimal else cp.bound, lower)
    if cp.stations is not None:
        plan, cycle, replicas = cp.stations, cp.objective, cp.replicas
    elif start is not None:  # CP-SAT found nothing better within its time
        plan, cycle, replicas = start.assignment, start.cycle_time, start.replicas
    else:
        reason = StopReason.INFEASIBLE if cp.infeasible else StopReason(
            clock.stop.reason or "time_limit")
        return make_result(data, None, cycle_time=None, lower_bound=bound, proven=False,
                           runtime_s=runtime, stop_reason=reason)
    proven = bound >= cycle
    reason = StopReason.OPTIMAL if proven else StopReason(clock.stop.reason or "time_limit")
    return make_result(data, plan, cycle_time=cycle, lower_bound=min(bound, cycle),
                       proven=proven, runtime_s=runtime, stop_reason=reason, replicas=replicas)


def _extended(data: ProblemData, clock: _Clock, seed: int, params: SolveParams) -> Result:
    n = data.num_tasks
    budget = clock.remaining()
    lower = 1
    until = time.perf_counter() + budget * GREEDY_SHARE  # the rules' plan, for named operators
    if data.cycle_time is not None:
        c = data.cycle_time
        lower = max(1, -(-sum(data.times) // c))
        if data.operators:  # each operation at its fastest operator's time
            lower = max(1, -(-sum(data.fastest_times()) // c))
        lower = max(lower, max(chains.levels(data)[0]))  # a new station at every step
        K = len(data.operators) if data.operators else n
        plain = _one_each(data)
        first = greedy.salbp1_plan(plain, until=until) if plain else None
        # (CP-SAT's hint and upper bound; a plan without crews is a plan with them)
        if data.operators and data.splits:
            crewed = crews.crew_start(data, c, until=time.perf_counter() + (
                clock.remaining() * GREEDY_SHARE))
            if crewed and (first is None or sum(crewed.replicas) < sum(first.replicas)):
                first = crewed
        upper = sum(first.replicas) if first else None
        cp = solve_cp(data, max_stations=min(K, upper or K), time_limit=clock.remaining(),
                      seed=seed, workers=params.workers, objective_lower=lower,
                      hint=first and first.plan, hint_operators=first and first.operators,
                      hint_crews=first and first.crews, objective_upper=upper)
        cycle = c
    else:
        if data.splits and not data.operators:
            return _split_salbp2(data, clock, seed, params)
        fastest = data.fastest_times() if data.operators else data.times
        lower = max(max(fastest), -(-sum(fastest) // data.stations),
                    data.machine_floor(fastest),
                    chains.interval_bound(data, fastest, data.stations))
        if data.splits:  # crews share long tasks: neither the longest nor the windows bound
            lower = max(-(-sum(fastest) // data.stations), data.machine_floor(fastest))
        plain = _one_each(data)
        first = greedy.salbp2_plan(plain, until=until) if plain else None
        if first and data.operators:  # (CP-SAT's hint and upper bound)
            first = lsearch.improve_cycle(plain, first, lower=lower, seed=seed, until=(
                time.perf_counter() + clock.remaining() * LS_SHARE))
        if first and data.operators and data.splits:  # crews may shorten the cycle
            first = crews.crew_cycle(data, lower, first.cycle - 1, until=(
                time.perf_counter() + clock.remaining() * GREEDY_SHARE)) or first
        cp = solve_cp(data, max_stations=data.stations, time_limit=clock.remaining(),
                      seed=seed, workers=params.workers, objective_lower=lower,
                      hint=first and first.plan,
                      hint_operators=first and first.operators,
                      hint_crews=first and first.crews,
                      cycle_upper=first and first.cycle)
        cycle = None
    runtime = time.perf_counter() - clock.start
    if cp.stations is None and first:  # nothing better within the time: the rules' plan
        # (CP-SAT's "infeasible" under the rules' own plan would be a model error: its
        # bound is not taken then)
        bound = lower if cp.infeasible else max(cp.bound, lower)
        proven = (sum(first.replicas) if cycle is not None else first.cycle) <= bound
        return make_result(data, first.plan, cycle_time=cycle, lower_bound=bound,
                           proven=proven, runtime_s=runtime, stop_reason=StopReason.OPTIMAL
                           if proven else StopReason(clock.stop.reason or "time_limit"),
                           replicas=first.replicas, operators=first.operators,
                           crews=first.crews)
    if cp.stations is None:
        reason = StopReason.INFEASIBLE if cp.infeasible else StopReason(
            clock.stop.reason or "time_limit")
        return make_result(data, None, cycle_time=cycle, lower_bound=max(cp.bound, lower),
                           proven=False, runtime_s=runtime, stop_reason=reason)
    if cycle is None:
        cycle = cp.objective
    reason = StopReason.OPTIMAL if cp.optimal else StopReason(clock.stop.reason or "time_limit")
    return make_result(data, cp.stations, cycle_time=cycle,
                       lower_bound=cp.objective if cp.optimal else max(cp.bound, lower),
                       proven=cp.optimal, runtime_s=runtime, stop_reason=reason,
                       replicas=cp.replicas, operators=cp.operators, crews=cp.crews)


def _one_each(data: ProblemData) -> ProblemData | None:
    """``data`` with one operator per station where named operators may form crews (the
    rules and the local search place one each; their plans hold with crews allowed); None
    where that cannot keep the cycle (an operation too long for anyone alone)."""
    if not (data.operators and data.splits):
        return data
    try:
        return replace(data, allow_split=False)
    except ProblemError:
        return None

"""SALBP-1 decisions ("``m`` stations at cycle ``c``?") by a race of the BB&R searches of
``cbfs.py``: best-first and depth-first, forward and on the mirror graph, in turns, or the
two directions at once in two threads (``Race``). Used by ``solve.py`` for SALBP-1 and for
each decision of SALBP-2's search on the cycle time."""

from __future__ import annotations

import threading
import time
from typing import Any

from jinxiu.engines.linebal.cbfs import Bbr, Decision


class Race:
    """The BB&R decision "``m`` stations?" by four searches run in turns of ``slice_s``
    seconds: the best-first search (``Bbr.decide``) and the depth-first one with each
    station's fullest loads first (``Bbr.decide_dfs``), forward and on the mirror graph.
    Each gets the same time unless weighted: a depth-first search's time counts
    ``dfs_weight`` times (SALBP-2: 4; there most decisions are "no", which the best-first
    search settles with fewer enumeration steps: it gave 423 of the 427 "no"s and 575 of
    the 663 answers in one run of the set, while in SALBP-1 the fullest-first depth-first
    search finds many plans first: SCHOLL c = 1935 in 0.2 s against 2.0 s with weight 4).
    In SALBP-1 a depth-first search that has had ``patience_s`` seconds of the decision
    without an answer counts ``late_weight`` times more from then on (2 s and 8: its plans
    came within 0.85 s in a logged run of the set, and BARTHOL2 c = 85 needs 14-17 s of
    the forward best-first search). Either search settles the question (both are
    complete); the best-first one finds plans sooner on most graphs, the depth-first one
    where a station has millions of loads. The searches are kept between calls, so a
    later phase of the portfolio goes on where an earlier one stopped.

    ``wins`` (shared by SALBP-2's races of one instance): how many decisions each kind of
    search — (mirrored, depth-first) — answered while another search had run too; a kind
    with ``w`` such answers gets ``min(max_boost, 1 + w)`` times the time it would get
    otherwise. On one graph the same search tends to answer every decision (ARC83 m = 20
    and ARC111 m = 17: the forward best-first search answered all 14 and 11 decisions of a
    10 s run), and the decisions just below the optimum, which need seconds, come last.

    ``threads`` > 1: the forward searches and the mirrored ones run at the same time, each
    side in its own thread (the compiled kernels release the GIL), in turns within a side
    as above; the first answer ends both. The two sides share nothing that the kernels
    write (each ``Bbr`` has its own bin-packing memory and subset-sum table), which is why
    a side, not a single search, is the unit of a thread."""

    def __init__(self, searches: tuple[Bbr, Bbr], clock: Any, slice_s: float = 0.05,
                 wide: int = 30, dfs_weight: float = 1.0, patience_s: float = float("inf"),
                 late_weight: float = 1.0, wins: dict | None = None, max_boost: float = 1.0,
                 threads: int = 1):
        self.threads = threads
        self.searches, self.clock, self.slice_s, self.wide = searches, clock, slice_s, wide
        self.dfs_weight = dfs_weight
        self.wins, self.max_boost = ({} if wins is None else wins), max_boost
        self.patience_s, self.late_weight = patience_s, late_weight
        self.m: int | None = None
        self.gens: list = []
        self.mirrored: list[bool] = []
        self.used: list[float] = []
        self.weight: list[float] = []
        self.spare: list[Bbr | None] = []
        self.is_dfs: list[bool] = []
        self.end = 0.0

    def boost(self, mirrored: bool, dfs: bool) -> float:
        return min(self.max_boost, 1.0 + self.wins.get((mirrored, dfs), 0))

    def _out_of_time(self) -> bool:
        return time.perf_counter() >= self.end or self.clock.stop(0)

    def close(self) -> None:
        for g in self.gens:
            if g is not None:
                g.close()
        self.gens, self.m = [], None

    def run(self, m: int, end: float) -> tuple[Decision | None, bool]:
        """Advance the decision for ``m`` until ``end``. Returns (answer, from the mirror
        graph), or (None, False) when the time ran out first or every search filled its
        memory."""
        self.end = end
        if self.m != m:
            self.close()
            self.m = m
            f, r = self.searches
            # the narrower direction (fewer first-station loads) first, and with four times
            # the time of the other one when they differ by a factor of three or more and
            # the wider one has dozens (at 4 against 1 the widths say little: ARC83 m = 12
            # at c = 6411, the forward search, 4, proves "no" in 1.7 s, the mirrored, 1,
            # not in 15 s); the first turns go to the narrower side's searches (a slice on
            # the wide side can take longer than a short decision's whole time: MUKHERJE
            # m = 20 at c = 211)
            wf, wr = max(1, f.root_width(m)), max(1, r.root_width(m))
            sides = [(f, False, wf, wr), (r, True, wr, wf)]
            if wf > wr:
                sides.reverse()
            self.gens, self.mirrored, self.weight, self.spare = [], [], [], []
            self.is_dfs = []
            for b, mirrored, w, other in sides:
                for make in ("bf", "dfs"):
                    self.gens.append(b.decide(m) if make == "bf"
                                     else b.decide_dfs(m, fullest_first=True))
                    # a best-first search that gives up (a node too wide for it, or its
                    # memory full) leaves its turns to the depth-first search in plain
                    # enumeration order (ARC111 m = 15 at c = 10035: the forward best-first
                    # search gives up after 0.1 s, fullest-first finds nothing in 5 s, the
                    # plain order a plan in 1.1 s)
                    self.spare.append(b if make == "bf" else None)
                    self.is_dfs.append(make == "dfs")
                    self.mirrored.append(mirrored)
                    self.weight.append((4.0 if w >= 3 * other and w >= self.wide else 1.0)
                                       * (self.dfs_weight if make == "dfs" else 1.0))
            self.used = [0.0] * len(self.gens)
        # the wins so far, also those of races run since this one began
        weight = [w / self.boost(self.mirrored[d], self.is_dfs[d])
                  for d, w in enumerate(self.weight)]
        sides = [[d for d in range(len(self.gens)) if self.mirrored[d] == side]
                 for side in (False, True)]
        if self.threads > 1 and all(any(self.gens[d] is not None for d in s) for s in sides):
            hit = self._run_sides(sides, weight)
        else:
            hit = self._run_turns(list(range(len(self.gens))), weight, None)
        if hit is None:
            return None, False
        d, dec = hit
        mirrored = self.mirrored[d]
        if any(u > 0 for x, u in enumerate(self.used) if x != d):
            key = (mirrored, self.is_dfs[d])
            self.wins[key] = self.wins.get(key, 0) + 1
        self.close()
        return dec, mirrored

    def _run_turns(self, idx: list[int], weight: list[float],
                   found: threading.Event | None) -> tuple[int, Decision] | None:
        """Turns of the searches ``idx`` until one answers (its index and answer), the time
        runs out, ``found`` is set (another side answered) or none is left (None)."""
        while not self._out_of_time() and not (found is not None and found.is_set()):
            live = [d for d in idx if self.gens[d] is not None]
            if not live:
                return None
            # the search that would have used least (weighted) after one more slice: with
            # weights 1 and 4 the wider side's first turn comes after three slices of each
            # narrow search, not at once
            d = min(live, key=lambda x: (self.used[x] + self.slice_s) * weight[x]
                    * (self.late_weight if self.is_dfs[x] and self.used[x] >= self.patience_s
                       else 1.0))
            dec = self._advance(d)
            if dec is not None:
                return d, dec
        return None

    def _advance(self, d: int) -> Decision | None:
        """One slice of search ``d``: its answer, or None (no answer yet, or it gave up)."""
        t0 = time.perf_counter()
        stop_at = min(self.end, t0 + self.slice_s)
        try:
            while time.perf_counter() < stop_at:
                next(self.gens[d])
        except StopIteration as fin:
            dec = fin.value
            if dec.stations is None and not dec.complete:  # out of memory, too wide
                spare = self.spare[d]
                self.spare[d] = None
                self.gens[d] = None if spare is None else spare.decide_dfs(self.m)
                return None
            return dec
        finally:
            self.used[d] += time.perf_counter() - t0
        return None

    def _run_sides(self, sides: list[list[int]], weight: list[float],
                   ) -> tuple[int, Decision] | None:
        """Both sides at once: the mirrored one in a second thread, the forward one here."""
        found = threading.Event()
        hits: list[tuple[int, Decision]] = []
        errors: list[BaseException] = []

        def side(idx: list[int]) -> None:
            try:
                hit = self._run_turns(idx, weight, found)
            except BaseException as exc:  # re-raised in the caller's thread
                errors.append(exc)
                found.set()
                return
            if hit is not None:
                hits.append(hit)
                found.set()

        helper = threading.Thread(target=side, args=(sides[1],), daemon=True)
        helper.start()
        try:
            side(sides[0])
        finally:
            helper.join()
        if errors:
            raise errors[0]
        return hits[0] if hits else None

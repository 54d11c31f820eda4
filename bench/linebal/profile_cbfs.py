"""Profile the BB&R decision (``cbfs.py``) on a few Scholl instances (issue 6).

Usage (from the repository root)::

    .venv/bin/python bench/linebal/profile_cbfs.py [--data DIR] [--seconds S] [--profile]
        [NAME:CYCLE ...]

For each instance: the maximal loads of the first station (count and best-of-3 time of
``Bbr._loads`` at the root's least load), then the decision "m stations?" at the root bound
for ``S`` seconds (ms per expanded node, or the answer when it ends sooner); with
``--profile`` the decision runs under cProfile and the top functions are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

from jinxiu.engines.linebal.bbr import Salbp1
from jinxiu.engines.linebal.cbfs import Bbr
from jinxiu.engines.linebal.io import read_instance

DEFAULT = ["SCHOLL:1394", "BARTHOL2:85", "WEE-MAG:47", "LUTZ2:15", "ARC111:7520"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="*", default=DEFAULT)
    ap.add_argument("--data", default="../shared/data/linebal/scholl")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    for case in args.cases:
        name, cycle = case.split(":")
        c = int(cycle)
        data = read_instance(f"{args.data}/{name}.IN2").problem(cycle_time=c)
        bbr = Bbr(Salbp1(data.times, data.precedences, c))
        m = bbr.lower_bound()
        floor = c - (m * c - bbr.total)
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            loads = bbr._loads(0, 0, floor)
            best = min(best, time.perf_counter() - t0)
        print(f"{name} c={c} m={m}: {len(loads)} first-station loads in {best * 1000:.1f} ms")
        prof = cProfile.Profile() if args.profile else None
        end = time.perf_counter() + args.seconds
        gen = bbr.decide(m, deadline=lambda end=end: time.perf_counter() >= end)
        t0 = time.perf_counter()
        expanded = 0
        if prof:
            prof.enable()
        try:
            while time.perf_counter() < end:
                next(gen)
                expanded += 1
            gen.close()
            print(f"  {expanded} nodes, {(time.perf_counter() - t0) / max(1, expanded) * 1000:.2f}"
                  " ms a node (not settled)")
        except StopIteration as fin:
            dec = fin.value
            answer = "plan" if dec.stations is not None else "no plan"
            print(f"  {answer}, complete={dec.complete}, {dec.nodes} nodes, "
                  f"{time.perf_counter() - t0:.2f} s")
        if prof:
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(6)


if __name__ == "__main__":
    main()

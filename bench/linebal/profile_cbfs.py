"""Look into the BB&R decision (``cbfs.py`` with the kernels of ``kernel.py`` and
``kdfs.py``) on a few Scholl instances (issue 6).

Usage (from the repository root)::

    .venv/bin/python bench/linebal/profile_cbfs.py [--data DIR] [--seconds S] [NAME:CYCLE ...]

For each instance and direction (forward, mirror graph): the maximal loads of the first
station that the idle budget allows at the root bound ``m`` (``Bbr.root_width``, with its
time), then the decision "m stations?" for ``S`` seconds by the best-first search and by
the depth-first search with the fullest loads first: the answer when it ends sooner, else
the nodes expanded and the task sets stored.
"""

from __future__ import annotations

import argparse
import time

from jinxiu.engines.linebal.bbr import Salbp1
from jinxiu.engines.linebal.cbfs import Bbr, warm_up
from jinxiu.engines.linebal.io import read_instance

DEFAULT = ["SCHOLL:1394", "BARTHOL2:85", "WEE-MAG:49", "LUTZ2:15", "ARC111:7520"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="*", default=DEFAULT)
    ap.add_argument("--data", default="../shared/data/linebal/scholl")
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    print(f"kernels loaded in {warm_up():.2f} s")
    for case in args.cases:
        name, cycle = case.split(":")
        c = int(cycle)
        data = read_instance(f"{args.data}/{name}.IN2").problem(cycle_time=c)
        arcs = {"forward": data.precedences,
                "mirror": tuple((j, i) for i, j in data.precedences)}
        bbrs = {k: Bbr(Salbp1(data.times, a, c)) for k, a in arcs.items()}
        m = max(b.lower_bound() for b in bbrs.values())
        for direction, bbr in bbrs.items():
            t0 = time.perf_counter()
            width = bbr.root_width(m)
            print(f"{name} c={c} m={m} {direction}: {width} first-station loads "
                  f"({(time.perf_counter() - t0) * 1000:.1f} ms)")
            for label, gen in (("best-first", bbr.decide(m)),
                               ("depth-first", bbr.decide_dfs(m, fullest_first=True))):
                t0 = time.perf_counter()
                try:
                    while time.perf_counter() - t0 < args.seconds:
                        next(gen)
                    gen.close()
                    nodes, stored, steps = bbr.stats
                    print(f"  {label}: not settled, {nodes} nodes, {stored} task sets stored, "
                          f"{steps} enumeration steps")
                except StopIteration as fin:
                    dec = fin.value
                    answer = "plan" if dec.stations is not None else (
                        "no plan" if dec.complete else "gave up")
                    print(f"  {label}: {answer}, {dec.nodes} nodes, {bbr.stats[2]} "
                          f"enumeration steps, {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()

"""SALBP-2 with parallel workplaces (重复工位) on Scholl graphs: the cycle time that ``m``
operators reach when an operation longer than the cycle may go to several of them, against
the cycle time without splitting. There are no published optima for this variant; the
lower bound printed is CP-SAT's.

Usage (from the repository root)::

    .venv/bin/python bench/linebal/split_salbp2.py [--seconds S] [NAME:M ...]

One line per case: split cycle, its lower bound, proven, seconds, workplaces used, and
the proven cycle time without splitting.
"""

from __future__ import annotations

import argparse
import time

from jinxiu.engines.common import MaxRuntime
from jinxiu.engines.linebal import check_solution, read_in2, solve

CASES = ["HAHN:9", "HAHN:12", "HAHN:16", "KILBRID:12", "WARNECKE:30", "TONGE70:24",
         "TONGE70:30", "ARC83:22", "ARC83:26"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", nargs="*", default=CASES, help="NAME:M (default: %(default)s)")
    ap.add_argument("--data", default="../shared/data/linebal/scholl")
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    print("case | ops | split c | bound | proven | s | workplaces | without splitting")
    for case in args.cases:
        name, m = case.split(":")
        graph = read_in2(f"{args.data}/{name}.IN2")
        data = graph.problem(stations=int(m), allow_split=True)
        t0 = time.perf_counter()
        res = solve(data, stop=MaxRuntime(args.seconds))
        took = time.perf_counter() - t0
        errors = check_solution(data, res)
        plain = solve(graph.problem(stations=int(m)), stop=MaxRuntime(args.seconds))
        print(f"{case} | {len(graph.times)} | {res.cycle_time} | {res.lower_bound} | "
              f"{res.proven_optimal} | {took:.2f} | {res.stations} | {plain.cycle_time}"
              f"{' (proven)' if plain.proven_optimal else ''}"
              f"{' | CHECK FAILED: ' + errors[0] if errors else ''}", flush=True)


if __name__ == "__main__":
    main()

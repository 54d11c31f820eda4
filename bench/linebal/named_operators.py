"""Named operators (操作工, each station one operator at her own efficiency per machine type)
on Scholl graphs with four machine types in turn (lockstitch 平车, overlock 包缝, iron 整烫,
coverstitch 绷缝; lockstitch goes with coverstitch, the iron with anything). Every
operator runs two of the three sewing types at an efficiency drawn from 0.8-1.2 (seeded)
and the iron at 1.0. There are no published optima for this variant.

Usage (from the repository root)::

    .venv/bin/python bench/linebal/named_operators.py [--seconds S] [--teams K] [--no-rules]
        [--no-search]

One line per case and team: stations, cycle time, lower bound, proven, seconds, and
whether the plan passes ``check_solution``. ``--no-rules`` leaves CP-SAT without the
priority rules' start (as before they handled named operators), ``--no-search`` without
the local search after them (``lsearch.py``), for comparison.
"""

from __future__ import annotations

import argparse
import importlib
import random
import time

from jinxiu.engines.common import MaxRuntime
from jinxiu.engines.linebal import Operator, ProblemData, check_solution, greedy, read_in2, solve

TYPES = ("lockstitch", "overlock", "iron", "coverstitch")
SEWING = ("lockstitch", "overlock", "coverstitch")
# graph, operators, and stations (SALBP-2) or cycle time (SALBP-1)
CASES = [("KILBRID", 12, {"stations": 12}), ("KILBRID", 14, {"cycle_time": 50}),
         ("WARNECKE", 28, {"stations": 28}), ("WARNECKE", 32, {"cycle_time": 60}),
         ("TONGE70", 24, {"stations": 24}), ("TONGE70", 26, {"cycle_time": 170}),
         ("SCHOLL", 60, {"stations": 60})]


def team(count: int, seed: int) -> tuple[Operator, ...]:
    rng = random.Random(seed)
    out = []
    for k in range(count):
        eff = {kind: round(rng.uniform(0.8, 1.2), 2) for kind in rng.sample(SEWING, 2)}
        out.append(Operator(name=f"op{k}", efficiency={**eff, "iron": 1.0}))
    return tuple(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="../shared/data/linebal/scholl")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--teams", type=int, default=2, help="teams drawn per case (seeds 1..K)")
    ap.add_argument("--no-rules", action="store_true")
    ap.add_argument("--no-search", action="store_true",
                    help="without the local search between the rules and CP-SAT")
    args = ap.parse_args()
    if args.no_rules:
        greedy.salbp1_plan = lambda data, **kw: None
        greedy.salbp2_plan = lambda data, **kw: None
    if args.no_search:
        importlib.import_module("jinxiu.engines.linebal.solve").LS_SHARE = 0.0
    print("case | team | stations | cycle | bound | proven | s | valid")
    for name, count, target in CASES:
        graph = read_in2(f"{args.data}/{name}.IN2")
        types = tuple(TYPES[i % 4] for i in range(len(graph.times)))
        for seed in range(1, args.teams + 1):
            data = ProblemData(times=graph.times, precedences=graph.precedences,
                               machine_types=types, universal=frozenset({"iron"}),
                               compatible=frozenset({frozenset({"lockstitch", "coverstitch"})}),
                               operators=team(count, seed), **target)
            t0 = time.perf_counter()
            res = solve(data, stop=MaxRuntime(args.seconds))
            took = time.perf_counter() - t0
            valid = not res.assignment or check_solution(data, res) == []
            what = ", ".join(f"{k} {v}" for k, v in target.items())
            print(f"{name} ({count} operators, {what}) | {seed} | {res.stations} | "
                  f"{res.cycle_time} | {res.lower_bound} | {res.proven_optimal} | "
                  f"{took:.2f} | {valid}", flush=True)


if __name__ == "__main__":
    main()

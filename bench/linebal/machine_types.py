"""Machine types (机种) on Scholl graphs: four types in turn along the task numbers
(lockstitch 平车, overlock 包缝, iron 整烫, coverstitch 绷缝; lockstitch goes with
coverstitch, the iron with anything), SALBP-2 at n / 5 and n / 3 stations and SALBP-1 at
the cycles ceil(Σt / m) for the same m. There are no published optima for this variant.

Usage (from the repository root)::

    PYTHONPATH=src .venv/bin/python bench/linebal/machine_types.py [--seconds S]

One line per case: stations, cycle time, lower bound, proven, seconds, whether the plan
passes ``check_solution`` — or the refusal's reason (``type_chain``: fewer stations than
a chain of operations that cannot share needs), then the totals.
"""

from __future__ import annotations

import argparse
import time

from jinxiu.engines.common import MaxRuntime
from jinxiu.engines.linebal import ProblemData, ProblemError, check_solution, read_in2, solve

TYPES = ("lockstitch", "overlock", "iron", "coverstitch")
GRAPHS = ("KILBRID", "TONGE70", "WARNECKE", "ARC83", "HAHN", "WEE-MAG", "BUXEY", "SAWYER30",
          "LUTZ2", "MUKHERJE")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="../shared/data/linebal/scholl")
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    total, proven, cases = 0.0, 0, 0
    print("case | stations | cycle | bound | proven | s | valid")
    for name in GRAPHS:
        g = read_in2(f"{args.data}/{name}.IN2")
        n, work = len(g.times), sum(g.times)
        counts = [max(2, n // 5), max(2, n // 3)]
        targets = [{"stations": m} for m in counts] + [
            {"cycle_time": max(max(g.times), -(-work // m))} for m in counts]
        for target in targets:
            cases += 1
            what = ", ".join(f"{k} {v}" for k, v in target.items())
            t0 = time.perf_counter()
            try:
                data = ProblemData(
                    times=g.times, precedences=g.precedences,
                    machine_types=tuple(TYPES[i % 4] for i in range(n)),
                    universal=frozenset({"iron"}),
                    compatible=frozenset({frozenset({"lockstitch", "coverstitch"})}), **target)
            except ProblemError as exc:
                print(f"{name} ({what}) | refused: {exc.reason} {exc.values}")
                continue
            res = solve(data, stop=MaxRuntime(args.seconds))
            took = time.perf_counter() - t0
            total += took
            proven += res.proven_optimal
            valid = not res.assignment or check_solution(data, res) == []
            print(f"{name} ({what}) | {res.stations} | {res.cycle_time} | {res.lower_bound} | "
                  f"{res.proven_optimal} | {took:.2f} | {valid}", flush=True)
    print(f"solved cases: {proven} proven of {cases}, {total:.1f} s")


if __name__ == "__main__":
    main()

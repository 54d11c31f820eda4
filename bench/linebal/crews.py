"""Crews (长工序多人共做) on the demo polo shirt: named operators sharing operations longer
than the takt, against one operator per station. The demo line's eight operators plus
``--extra`` more with three seeded machine types each (0.8-1.2), every one doing hand work
and pressing at 1 as the planner gives them. There are no published optima for this
variant; the lower bound printed is the engine's.

Usage (from the repository root)::

    PYTHONPATH=src .venv/bin/python bench/linebal/crews.py [--seconds S] [--extra K]

One line per case: the problem, crews allowed or not, operators used, cycle time (1/100 s),
lower bound, proven, seconds, the crews, and whether the plan passes ``check_solution``.
The planner's settings: two CP-SAT workers, 20 s.
"""

from __future__ import annotations

import argparse
import os
import random
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinxiu.config.settings.test")

import django

django.setup()

from jinxiu.apps.production.demo import OPERATORS, POLO  # noqa: E402
from jinxiu.apps.production.machine_types import machine_types  # noqa: E402
from jinxiu.engines.common import MaxRuntime  # noqa: E402
from jinxiu.engines.linebal import Operator, ProblemData, check_solution, solve  # noqa: E402
from jinxiu.engines.linebal.problem import ProblemError  # noqa: E402
from jinxiu.engines.linebal.solve import SolveParams  # noqa: E402

KINDS = ["overlock", "lockstitch", "coverstitch", "bartack", "button", "buttonhole"]
CASES = [{"stations": 16}, {"stations": 14}, {"cycle_time": 4500}, {"cycle_time": 4000},
         {"cycle_time": 3800}, {"cycle_time": 3750}]


def team(extra: int, seed: int) -> tuple[Operator, ...]:
    universal = {kind: 1.0 for kind in machine_types().universal}
    rng = random.Random(seed)
    out = [Operator(name, {**universal, **skills}) for name, _no, skills in OPERATORS]
    for k in range(extra):
        skills = {kind: rng.choice([0.8, 0.9, 1.0, 1.1, 1.2]) for kind in rng.sample(KINDS, 3)}
        out.append(Operator(f"x{k}", {**universal, **skills}))
    return tuple(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--extra", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    mt = machine_types()
    labels = [row[0] for row in POLO]
    index = {code: i for i, code in enumerate(labels)}
    base = dict(
        times=tuple(int(row[3]) * 100 for row in POLO), labels=tuple(labels),
        precedences=tuple((index[p], i) for i, row in enumerate(POLO)
                          for p in row[4].split(",") if p),
        machine_types=tuple(row[2] for row in POLO), compatible=mt.compatible,
        universal=mt.universal, operators=team(args.extra, args.seed), time_scale=100)
    for case in CASES:
        for crews in (False, True):
            try:
                data = ProblemData(**base, allow_split=crews, **case)
            except ProblemError as exc:
                print(case, "crews" if crews else "one each", "refused:", exc.reason)
                continue
            began = time.perf_counter()
            res = solve(data, stop=MaxRuntime(args.seconds), params=SolveParams(workers=2))
            took = time.perf_counter() - began
            shared = [crew for crew in res.crews if len(crew) > 1]
            print(case, "crews" if crews else "one each", res.stations, res.cycle_time,
                  res.lower_bound, res.proven_optimal, f"{took:.1f}", shared,
                  "ok" if res.assignment and not check_solution(data, res) else "NO PLAN"
                  if not res.assignment else "INVALID", flush=True)


if __name__ == "__main__":
    main()

"""Ask the SALBP-2 decisions "M stations at cycle C?" one cycle time after another, each
by one BB&R search alone (``cbfs.Bbr.decide``, best-first) for at most S seconds, from C0
up to C1 or the first plan (issue 6: where the open ARC111 instances' optima lie, and what
the proofs still missing would cost).

Usage (from the repository root)::

    .venv/bin/python bench/linebal/scan_salbp2.py NAME M C0 C1 [--seconds S] [--mirror]
        [--data DIR]

One line per cycle time: ``no`` (proven: the lower bound on the cycle rises above it),
``PLAN`` (checked by ``check_solution`` with its station loads; the scan stops), ``bound``
(the station bounds alone exceed M), ``undecided`` after S seconds, or ``gave up`` (a node
too wide for the search, as the mirrored search on ARC111).
"""

from __future__ import annotations

import argparse
import time

from jinxiu.engines.linebal import ProblemData, check_solution
from jinxiu.engines.linebal.bbr import Salbp1
from jinxiu.engines.linebal.cbfs import Bbr, warm_up
from jinxiu.engines.linebal.io import read_instance
from jinxiu.engines.linebal.result import make_result


def decide(data: ProblemData, c: int, seconds: float, mirror: bool) -> tuple[str, str]:
    """One decision at cycle ``c`` for ``data.stations`` stations: (answer, details)."""
    m = data.stations
    arcs = tuple((j, i) for i, j in data.precedences) if mirror else data.precedences
    bbr = Bbr(Salbp1(data.times, arcs, c))
    if bbr.lower_bound() > m:
        return "bound", f"at least {bbr.lower_bound()} stations"
    gen = bbr.decide(m)
    t0 = time.perf_counter()
    try:
        while time.perf_counter() - t0 < seconds:
            next(gen)
        gen.close()
        return "undecided", f"{bbr.stats[0]} nodes in {seconds:g} s"
    except StopIteration as fin:
        dec = fin.value
    took = f"{dec.nodes} nodes, {time.perf_counter() - t0:.2f} s"
    if dec.stations is None:
        return ("no" if dec.complete else "gave up"), took
    plan = list(reversed(dec.stations)) if mirror else dec.stations
    res = make_result(data, plan, cycle_time=None, lower_bound=0, proven=False,
                      runtime_s=0.0, stop_reason="time_limit")
    errors = check_solution(data.with_cycle_time(c), res)
    if errors or len(plan) > m:
        raise SystemExit(f"invalid plan at {c}: {errors[:3]}, {len(plan)} stations")
    return "PLAN", f"{took}; loads {min(res.station_times)}..{max(res.station_times)}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("m", type=int)
    ap.add_argument("c0", type=int)
    ap.add_argument("c1", type=int)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--mirror", action="store_true", help="search on the mirror graph")
    ap.add_argument("--data", default="../shared/data/linebal/scholl")
    args = ap.parse_args()
    print(f"kernels loaded in {warm_up():.2f} s")
    graph = read_instance(f"{args.data}/{args.name}.IN2")
    data = ProblemData(times=graph.times, precedences=graph.precedences, stations=args.m)
    for c in range(args.c0, args.c1 + 1):
        answer, details = decide(data, c, args.seconds, args.mirror)
        print(f"{args.name} m={args.m} c={c}: {answer} ({details})", flush=True)
        if answer == "PLAN":
            break


if __name__ == "__main__":
    main()

"""``jinxiu linebal``: solve one instance or benchmark a whole set.

    jinxiu linebal solve FILE --cycle-time C [--time-limit S] [--seed N] [--json]
    jinxiu linebal solve FILE --stations M   [--time-limit S] [--seed N] [--json]
    jinxiu linebal bench --set NAME --data DIR --time-limit S --out FILE.csv [--jobs J]

FILE is a Scholl ``.IN2`` or an Otto et al. ``.alb`` file (an ``.alb`` file may carry its
own cycle time). Sets for ``bench``: ``salbp1`` (the 269 Scholl SALBP-1 instances listed in
``DIR/optima_salbp1.csv``), ``salbp2`` (the 302 SALBP-2 instances of
``DIR/optima_salbp2.csv``) and ``alb`` (every ``.alb`` file in DIR at its own cycle time).
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from jinxiu.engines.common.stop import MaxRuntime
from jinxiu.engines.linebal.cbfs import warm_up
from jinxiu.engines.linebal.io import read_instance
from jinxiu.engines.linebal.problem import ProblemError
from jinxiu.engines.linebal.result import check_solution
from jinxiu.engines.linebal.solve import SolveParams, solve

SET_ALIASES = {
    "salbp1": "salbp1", "scholl": "salbp1", "scholl1": "salbp1", "scholl-salbp1": "salbp1",
    "salbp2": "salbp2", "scholl2": "salbp2", "scholl-salbp2": "salbp2",
    "alb": "alb", "otto": "alb",
}

CSV_FIELDS = ["instance", "kind", "parameter", "result", "best_known", "gap", "proven",
              "lower_bound", "time_s", "stop_reason", "checked", "refutes_best_known"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jinxiu linebal",
                                description="Sewing-line balancing (SALBP-1/2).")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("solve", help="balance one instance file (.IN2 or .alb)")
    s.add_argument("file")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--cycle-time", type=int, help="SALBP-1: minimise stations for this cycle")
    g.add_argument("--stations", type=int, help="SALBP-2: minimise the cycle for M stations")
    s.add_argument("--time-limit", type=float, default=10.0, help="seconds (default 10)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1),
                   help="2: the forward and mirrored searches at once (default: 2 where the "
                        "machine has two cores)")
    b = sub.add_parser("bench", help="solve a whole benchmark set in parallel")
    b.add_argument("--set", required=True, dest="set_name",
                   help="salbp1 | salbp2 | alb")
    b.add_argument("--data", required=True, help="folder with the instance files")
    b.add_argument("--time-limit", type=float, required=True, help="seconds per instance")
    b.add_argument("--out", required=True, help="CSV file for one row per instance")
    b.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="parallel processes (default: all cores)")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--only", default="", help="comma-separated graph names to keep")
    b.add_argument("--threads", type=int, default=1,
                   help="threads per instance (2: both search directions at once; "
                        "give --jobs so that jobs × threads fits the cores)")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.command == "solve":
        return _solve(args)
    return _bench(args)


def _solve(args) -> int:
    try:
        graph = read_instance(args.file)
        if args.stations is not None:
            data = graph.problem(stations=args.stations)
        elif args.cycle_time is not None:
            data = graph.problem(cycle_time=args.cycle_time)
        elif graph.cycle_time is not None:
            data = graph.problem()
        else:
            print("jinxiu linebal: give --cycle-time C or --stations M", file=sys.stderr)
            return 2
    except (OSError, ProblemError) as exc:
        print(f"jinxiu linebal: {args.file}: {exc}", file=sys.stderr)
        return 2
    if args.threads < 1:
        print("jinxiu linebal: --threads must be at least 1", file=sys.stderr)
        return 2
    result = solve(data, stop=MaxRuntime(args.time_limit), seed=args.seed,
                   params=SolveParams(threads=args.threads))
    if not result.assignment:
        print(f"jinxiu linebal: no solution ({result.stop_reason})", file=sys.stderr)
        return 1
    if args.json:
        out = {
            "stations": result.stations,
            "cycle_time": result.cycle_time,
            "lower_bound": result.lower_bound,
            "proven_optimal": result.proven_optimal,
            "assignment": [[_number(x) for x in st] for st in result.labels],
            "runtime_s": round(result.runtime_s, 4),
        }
        print(json.dumps(out))
        return 0
    print(f"{data.name or args.file}: {result.summary()}")
    width = len(str(len(result.assignment)))
    for k, (st, load) in enumerate(zip(result.labels, result.station_times, strict=True)):
        print(f"  station {k + 1:>{width}}: load {load:>6}  idle {result.idle_times[k]:>6}  "
              f"tasks {' '.join(st)}")
    return 0


def _number(label: str):
    return int(label) if label.isdigit() else label


# ------------------------------------------------------------------------------- bench
def _instances(set_name: str, data_dir: Path, only: set[str]) -> list[tuple]:
    rows = []
    if set_name in ("salbp1", "salbp2"):
        fname = "optima_salbp1.csv" if set_name == "salbp1" else "optima_salbp2.csv"
        with open(data_dir / fname, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if only and r["graph"] not in only:
                    continue
                path = data_dir / f"{r['graph']}.IN2"
                if set_name == "salbp1":
                    rows.append((str(path), r["graph"], "SALBP-1", int(r["cycle_time"]),
                                 int(r["optimal_stations"])))
                else:
                    rows.append((str(path), r["graph"], "SALBP-2", int(r["stations"]),
                                 int(r["optimal_cycle_time"])))
    else:
        for path in sorted(data_dir.glob("*.alb")):
            if only and path.stem not in only:
                continue
            rows.append((str(path), path.stem, "SALBP-1", None, None))
    return rows


def _run_one(job: tuple) -> dict:
    path, name, kind, param, best, time_limit, seed, threads = job
    graph = read_instance(path)
    data = graph.problem(cycle_time=param) if kind == "SALBP-1" and param is not None \
        else graph.problem(stations=param) if kind == "SALBP-2" else graph.problem()
    t0 = time.perf_counter()
    res = solve(data, stop=MaxRuntime(time_limit), seed=seed,
                params=SolveParams(workers=1, threads=threads))
    wall = time.perf_counter() - t0
    value = res.objective if res.assignment else None
    gap = "" if value is None or best is None else value - best
    # every plan is re-checked by the independent checker, and a proven bound above the
    # listed optimum is reported: the published SALBP-2 table has wrong rows (WEE-MAG
    # m = 18 lists 84, which no 18-station line reaches: docs/engines/linebal.md)
    checked = "" if value is None else int(not check_solution(data, res))
    return {"instance": name, "kind": kind,
            "parameter": param if param is not None else data.cycle_time,
            "result": "" if value is None else value, "best_known": "" if best is None else best,
            "gap": gap, "proven": int(res.proven_optimal), "lower_bound": res.lower_bound,
            "time_s": f"{wall:.3f}", "stop_reason": str(res.stop_reason),
            "checked": checked, "refutes_best_known": refutes(best, res.lower_bound)}


def refutes(best: int | None, lower_bound: int | None) -> int:
    """1 when a proven lower bound (stations, or the cycle time in SALBP-2) lies above the
    listed optimum ``best``: that listed value cannot be reached, the list is wrong there."""
    return int(best is not None and lower_bound is not None and lower_bound > best)


def _bench(args) -> int:
    set_name = SET_ALIASES.get(args.set_name.lower())
    if set_name is None:
        print(f"jinxiu linebal: unknown set {args.set_name!r} "
              f"(known: {', '.join(sorted(set(SET_ALIASES.values())))})", file=sys.stderr)
        return 2
    data_dir = Path(args.data)
    only = {x for x in args.only.split(",") if x}
    try:
        instances = _instances(set_name, data_dir, only)
    except OSError as exc:
        print(f"jinxiu linebal: {exc}", file=sys.stderr)
        return 2
    if not instances:
        print("jinxiu linebal: no instances found", file=sys.stderr)
        return 2
    # biggest graphs first, so that the pool does not end on one long job
    sizes = {p: os.path.getsize(p) for p, *_ in instances}
    if args.threads < 1:
        print("jinxiu linebal: --threads must be at least 1", file=sys.stderr)
        return 2
    jobs = [(*row, args.time_limit, args.seed, args.threads) for row in instances]
    jobs.sort(key=lambda j: -sizes[j[0]])
    warm_up()  # the kernels are loaded once, before the workers fork
    t0 = time.perf_counter()
    results = []
    n_jobs = max(1, min(args.jobs, len(jobs)))
    if n_jobs == 1:
        results = [_run_one(j) for j in jobs]
    else:
        ctx = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
        with ctx.Pool(n_jobs, maxtasksperchild=20) as pool:
            results = list(pool.imap_unordered(_run_one, jobs))
    wall = time.perf_counter() - t0
    order = {(r[1], r[3]): k for k, r in enumerate(instances)}
    results.sort(key=lambda r: order.get((r["instance"], r["parameter"]), 0))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
        w.writeheader()
        w.writerows(results)
    summary = _summary(results, wall, args, set_name, n_jobs)
    print(json.dumps(summary, indent=2))
    return 0


def _summary(results: list[dict], wall: float, args, set_name: str, n_jobs: int) -> dict:
    times = [float(r["time_s"]) for r in results]
    with_best = [r for r in results if r["best_known"] != ""]
    return {
        "set": set_name,
        "version": _version(),
        "instances": len(results),
        "optimal": sum(1 for r in with_best if r["gap"] != "" and r["gap"] <= 0),
        "better_than_best_known": sum(1 for r in with_best if r["gap"] != "" and r["gap"] < 0),
        "best_known_refuted": sum(int(r["refutes_best_known"]) for r in results),
        "plans_failing_check": sum(1 for r in results if r["checked"] == 0),
        "proven": sum(int(r["proven"]) for r in results),
        "no_solution": sum(1 for r in results if r["result"] == ""),
        "total_time_s": round(sum(times), 2),
        "max_time_s": round(max(times), 2),
        "wall_time_s": round(wall, 2),
        "time_limit_s": args.time_limit,
        "seed": args.seed,
        "jobs": n_jobs,
        "threads": args.threads,
        "machine": {"nproc": os.cpu_count(), "cpu": _cpu_model(),
                    "python": platform.python_version()},
    }


def _version() -> str:
    from jinxiu import __version__

    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
                             capture_output=True,
                             text=True, timeout=5, check=False,
                             cwd=Path(__file__).resolve().parent).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return f"{__version__}+{rev}" if rev else __version__


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()

"""Re-evaluate every shipped rule set over N synthetic firms (issue 5's benchmark).

Each worker process loads the shipped rule sets once, then for each chunk of 1,000 firms
(``bench/rules/synth.py``, deterministic per seed) builds the firms' ``Facts`` once and
evaluates them under every rule set at the assessment date (the version in force; a rule set
with no version in force then — 稳岗返还 has none for 2026 — is evaluated on the last day of
its latest version). Reported: wall time of the whole run, and per rule set the CPU seconds
spent in ``evaluate`` summed over the workers and the firms per second of one core.

    python bench/rules/run.py --firms 100000 --workers 2 --seed 0 [--mode batch|explain] [--gaps]

``--mode batch`` is ``evaluate(..., explain=False)`` (status, missing facts, scores, outputs —
what a registry re-evaluation stores); ``--mode explain`` keeps the full evidence per
criterion; ``--gaps`` also computes a gap list for every firm that does not qualify.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

import synth

from jinxiu.engines.rules import (
    NoVersionInForce,
    Status,
    evaluate,
    facts_from_dict,
    gaps,
    load_shipped,
)

_STATE: dict = {}


def assessment_dates(rulesets, on: date) -> dict[str, date]:
    dates = {}
    for rid, rs in rulesets.items():
        try:
            rs.version_on(on)
            dates[rid] = on
        except NoVersionInForce:
            last = max(rs.versions, key=lambda v: v.effective_from)
            dates[rid] = last.effective_to or last.effective_from
    return dates


def _init(seed: int, on: str, explain: bool, with_gaps: bool) -> None:
    rulesets = load_shipped()
    _STATE.update(
        seed=seed,
        rulesets=rulesets,
        dates=assessment_dates(rulesets, date.fromisoformat(on)),
        explain=explain,
        gaps=with_gaps,
    )


def _work(job: tuple[int, int]) -> dict:
    number, n = job
    rulesets, dates = _STATE["rulesets"], _STATE["dates"]
    t0 = time.process_time()
    raw = synth.chunk(_STATE["seed"], number, n)
    t1 = time.process_time()
    catalogue = next(iter(rulesets.values())).catalogue
    built = [facts_from_dict(f, catalogue=catalogue)[0] for f in raw]
    t2 = time.process_time()
    seconds, counts, gap_counts = {}, {}, {}
    for rid, rs in rulesets.items():
        on = dates[rid]
        c: Counter = Counter()
        g = 0
        s = time.process_time()
        for facts in built:
            v = evaluate(rs, facts, on=on, explain=_STATE["explain"])
            c[v.classification or v.status.value] += 1
            if _STATE["gaps"] and v.status is Status.FAILS:
                g += bool(gaps(rs, facts, on=on).changes)
        seconds[rid] = time.process_time() - s
        counts[rid] = dict(c)
        gap_counts[rid] = g
    return {
        "generate": t1 - t0,
        "facts": t2 - t1,
        "seconds": seconds,
        "counts": counts,
        "gaps": gap_counts,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--firms", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--date", default="2026-06-30")
    ap.add_argument("--mode", choices=("batch", "explain"), default="batch")
    ap.add_argument("--gaps", action="store_true")
    args = ap.parse_args()

    jobs = [
        (i, min(synth.CHUNK, args.firms - i * synth.CHUNK))
        for i in range(-(-args.firms // synth.CHUNK))
    ]
    init = (args.seed, args.date, args.mode == "explain", args.gaps)
    try:
        version = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).parent,
            check=False,
        ).stdout.strip()
    except OSError:
        version = ""
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    if args.workers > 1:
        with get_context("fork").Pool(args.workers, _init, init) as pool:
            parts = list(pool.imap_unordered(_work, jobs))
    else:
        _init(*init)
        parts = [_work(j) for j in jobs]
    wall = time.perf_counter() - t0
    load_after = os.getloadavg()

    _init(*init)
    rulesets, dates = _STATE["rulesets"], _STATE["dates"]
    per_set = []
    for rid in rulesets:
        cpu = sum(p["seconds"][rid] for p in parts)
        counts: Counter = Counter()
        for p in parts:
            counts.update(p["counts"][rid])
        row = {
            "ruleset": rid,
            "version": rulesets[rid].version_on(dates[rid]).id,
            "assessed_on": dates[rid].isoformat(),
            "cpu_seconds": round(cpu, 2),
            "firms_per_second_one_core": round(args.firms / cpu) if cpu else None,
            "counts": dict(sorted(counts.items())),
        }
        if args.gaps:
            row["gap_lists_with_changes"] = sum(p["gaps"][rid] for p in parts)
        per_set.append(row)
    evaluate_cpu = sum(r["cpu_seconds"] for r in per_set)
    generate_cpu = sum(p["generate"] for p in parts)
    facts_cpu = sum(p["facts"] for p in parts)
    uptime = subprocess.run(
        ["uptime"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    result = {
        "command": "python bench/rules/run.py " + " ".join(sys.argv[1:]),
        "firms": args.firms,
        "rulesets": len(per_set),
        "evaluations": args.firms * len(per_set),
        "mode": args.mode,
        "gaps": args.gaps,
        "seed": args.seed,
        "workers": args.workers,
        "wall_seconds": round(wall, 2),
        "firm_rulesets_per_second": round(args.firms * len(per_set) / wall),
        "firms_per_second_all_rulesets": round(args.firms / wall),
        "cpu_seconds": {
            "generate_synthetic": round(generate_cpu, 2),
            "facts_from_dict": round(facts_cpu, 2),
            "evaluate": round(evaluate_cpu, 2),
        },
        "per_ruleset": per_set,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "uptime": uptime.strip(),
        "version": version,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        "date": date.today().isoformat(),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

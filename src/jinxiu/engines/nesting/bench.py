"""Benchmark over the ESICUP garment instances: our engine against plain spyrrow, same budget.

Best-known densities and sparrow's published means (100 runs × 1200 s, 3 threads) are those
of ``../shared/data/nesting/README.md`` (Gardeyn, Vanden Berghe & Wauters 2025).
"""

from __future__ import annotations

import csv
import json
import os
import platform
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from jinxiu.engines.common import MaxRuntime
from jinxiu.engines.nesting.model import NestingError
from jinxiu.engines.nesting.readers.esicup import read_esicup
from jinxiu.engines.nesting.solver import SolveParams, solve

# instance: (best-known density %, sparrow mean of 100 × 1200 s %)
GARMENT = {
    "albano": (89.82, 89.47),
    "dagli": (90.17, 89.26),
    "mao": (86.87, 86.14),
    "marques": (92.01, 90.93),
    "shirts": (90.92, 89.66),
    "swim": (79.83, 78.26),
    "trousers": (92.61, 91.73),
}
SETS = {"esicup-garment": GARMENT}


@dataclass
class Run:
    instance: str
    method: str
    seed: int
    time_limit: float
    workers: int
    utilization: float | None
    length: float | None
    runtime_s: float
    status: str

    def row(self) -> dict:
        return {
            "instance": self.instance,
            "method": self.method,
            "seed": self.seed,
            "time_limit_s": self.time_limit,
            "workers": self.workers,
            "utilization_pct": "" if self.utilization is None else f"{100 * self.utilization:.3f}",
            "length": "" if self.length is None else f"{self.length:.6f}",
            "runtime_s": f"{self.runtime_s:.2f}",
            "status": self.status,
        }


def run_ours(path: Path, seed: int, seconds: float, workers: int, portfolio: int = 1) -> Run:
    data = read_esicup(path)
    started = time.perf_counter()
    params = SolveParams(workers=workers, portfolio=portfolio)
    try:
        r = solve(data, stop=MaxRuntime(seconds), seed=seed, params=params)
    except NestingError as exc:
        return Run(path.stem, "jinxiu", seed, seconds, workers, None, None,
                   time.perf_counter() - started, f"error: {exc}")
    return Run(path.stem, "jinxiu", seed, seconds, workers, r.utilization, r.length, r.runtime_s,
               f"ok ({r.stop_reason})")


def run_plain_spyrrow(path: Path, seed: int, seconds: float, workers: int) -> Run:
    """spyrrow called directly on the instance as published, nothing else."""
    import spyrrow

    doc = json.loads(path.read_text())
    items = [
        spyrrow.Item(str(it["id"]), [tuple(p) for p in it["shape"]["data"]], it["demand"],
                     it.get("allowed_orientations"))
        for it in doc["items"]
    ]
    inst = spyrrow.StripPackingInstance(path.stem, float(doc["strip_height"]), items)
    cfg = spyrrow.StripPackingConfig(total_computation_time=max(1, round(seconds)), seed=seed,
                                     num_workers=workers)
    started = time.perf_counter()
    box: dict = {}

    def go() -> None:
        try:
            box["s"] = inst.solve(cfg)
        except BaseException as exc:
            box["e"] = exc

    t = threading.Thread(target=go, daemon=True)
    t.start()
    t.join()
    runtime = time.perf_counter() - started
    if "e" in box:
        return Run(path.stem, "spyrrow", seed, seconds, workers, None, None, runtime,
                   f"error: {box['e']}")
    s = box["s"]
    return Run(path.stem, "spyrrow", seed, seconds, workers, float(s.density), float(s.width),
               runtime, "ok")


def _git_commit() -> str:
    import subprocess

    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,  # noqa: S607
            cwd=Path(__file__).parent, check=False,
        ).stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()} {platform.machine()} {os.cpu_count()} logical cores {cpu}".strip()


def versions() -> dict[str, str]:
    out = {"git": _git_commit()}
    for pkg in ("jinxiu", "spyrrow", "shapely", "ezdxf"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "?"
    return out


def run_bench(
    *,
    set_name: str,
    data_dir: Path,
    time_limit: float,
    seeds: int,
    out: Path,
    workers: int | None = None,
    instances: list[str] | None = None,
    baseline: bool = True,
    first_seed: int = 1,
    portfolio: int = 1,
    echo: Callable[[str], None] = print,
) -> list[dict]:
    table = SETS[set_name]
    names = instances or list(table)
    unknown = [n for n in names if n not in table]
    if unknown:
        raise ValueError(f"unknown instance(s) {unknown}; {set_name} has {list(table)}")
    workers = workers or os.cpu_count() or 1
    runs: list[Run] = []
    out.parent.mkdir(parents=True, exist_ok=True)
    fields = list(Run("", "", 0, 0, 0, None, None, 0, "").row())
    with out.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for name in names:
            path = data_dir / f"{name}.json"
            for seed in range(first_seed, first_seed + seeds):
                batch = [run_ours(path, seed, time_limit, workers, portfolio)]
                if baseline:
                    batch.append(run_plain_spyrrow(path, seed, time_limit, workers))
                for r in batch:
                    runs.append(r)
                    writer.writerow(r.row())
                    fh.flush()
                    u = "-" if r.utilization is None else f"{100 * r.utilization:.2f}%"
                    echo(f"{name:9s} seed {seed} {r.method:8s} {u:>8s} {r.runtime_s:6.1f}s "
                         f"{r.status}")
    summary = summarize(runs, table)
    meta = {
        "set": set_name,
        "time_limit_s": time_limit,
        "seeds": list(range(first_seed, first_seed + seeds)),
        "workers": workers,
        "portfolio": portfolio,
        "machine": machine(),
        "versions": versions(),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "summary": summary,
    }
    out.with_suffix(".meta.json").write_text(json.dumps(meta, indent=1))
    echo(format_summary(summary))
    return summary


def summarize(runs: list[Run], table: dict[str, tuple[float, float]]) -> list[dict]:
    rows = []
    for name in dict.fromkeys(r.instance for r in runs):
        ours = [100 * r.utilization for r in runs
                if r.instance == name and r.method == "jinxiu" and r.utilization is not None]
        base = [100 * r.utilization for r in runs
                if r.instance == name and r.method == "spyrrow" and r.utilization is not None]
        best, published = table[name]
        mo = statistics.fmean(ours) if ours else None
        mb = statistics.fmean(base) if base else None
        rows.append({
            "instance": name,
            "ours_mean": mo,
            "ours_runs": len(ours),
            "baseline_mean": mb,
            "best_known": best,
            "sparrow_1200s_mean": published,
            "gap_to_best_known": None if mo is None else best - mo,
            "gap_to_sparrow_mean": None if mo is None else published - mo,
            "ours_minus_baseline": None if mo is None or mb is None else mo - mb,
        })
    return rows


def format_summary(rows: list[dict]) -> str:
    def f(v: float | None) -> str:
        return "-" if v is None else f"{v:.2f}"

    head = (f"{'instance':9s} {'ours%':>7s} {'spyrrow%':>8s} {'best%':>6s} {'spr1200%':>8s} "
            f"{'gapBK':>6s} {'gapSpr':>6s} {'ours-base':>9s}")
    lines = [head]
    for r in rows:
        lines.append(
            f"{r['instance']:9s} {f(r['ours_mean']):>7s} {f(r['baseline_mean']):>8s} "
            f"{r['best_known']:>6.2f} {r['sparrow_1200s_mean']:>8.2f} "
            f"{f(r['gap_to_best_known']):>6s} {f(r['gap_to_sparrow_mean']):>6s} "
            f"{f(r['ours_minus_baseline']):>9s}"
        )
    return "\n".join(lines)

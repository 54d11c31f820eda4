"""Where one SALBP-2 decision "M stations at cycle C?" spends its work: the task sets the
best-first BB&R search stores, by station count (round twenty-four of
``bench/results/linebal.md``). The search runs as ``cbfs.Bbr.decide`` runs it, for at most
S seconds, forward or on the mirror graph.

Usage (from the repository root)::

    PYTHONPATH=src .venv/bin/python bench/linebal/store_levels.py NAME M C [--seconds S]
        [--mirror] [--data DIR]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from jinxiu.engines.linebal import cbfs, kernel
from jinxiu.engines.linebal.bbr import Salbp1
from jinxiu.engines.linebal.cbfs import Bbr, warm_up
from jinxiu.engines.linebal.io import read_instance


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("m", type=int)
    ap.add_argument("c", type=int)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--mirror", action="store_true", help="search on the mirror graph")
    ap.add_argument("--data", default="../shared/data/linebal/scholl")
    args = ap.parse_args()
    warm_up()
    graph = read_instance(f"{args.data}/{args.name}.IN2")
    arcs = tuple((j, i) for i, j in graph.precedences) if args.mirror else graph.precedences
    bbr = Bbr(Salbp1(graph.times, arcs, args.c))
    ctx = bbr._ctx(args.m, *bbr._windows(args.m), 1 << 14)
    bins, rch = bbr.bins(), bbr._reach_table(0)
    kernel.start_search(ctx)
    ctx.st[kernel.ST_NODE_CAP] = 3_000_000
    ctx.st[kernel.ST_KEY_W] = cbfs.KEY_W
    ctx.st[kernel.ST_LAZY] = cbfs.LAZY
    ctx.st[kernel.ST_DUE] = cbfs.DUE
    t0 = time.perf_counter()
    status = None
    while time.perf_counter() - t0 < args.seconds:
        status = kernel.run_search(ctx, 64, *bins, rch)
        if status in (kernel.FOUND, kernel.EXHAUSTED, kernel.TOO_WIDE):
            break
        if status == kernel.FULL:
            ctx = bbr._grow(ctx, 2 * ctx.pool.shape[0])
    answer = {kernel.FOUND: "plan", kernel.EXHAUSTED: "no",
              kernel.TOO_WIDE: "gave up (a node too wide)"}.get(status, "undecided")
    stored = int(ctx.st[kernel.ST_POOL])
    print(f"{args.name} m={args.m} c={args.c}{' mirror' if args.mirror else ''}: {answer}, "
          f"{time.perf_counter() - t0:.1f} s, {int(ctx.st[kernel.ST_NODES])} nodes, "
          f"{stored} stored sets, {int(ctx.st[kernel.ST_STEPS])} steps")
    print("stored per station count:",
          np.bincount(ctx.lvl[:stored], minlength=args.m + 1).tolist())


if __name__ == "__main__":
    main()

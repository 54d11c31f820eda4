"""An independent check of one decision "does the line fit in M stations at cycle C?"
(issue 6: the engine refutes listed SALBP-2 optima of table T2, e.g. ARC111 m = 18 at
c = 8376 and m = 22 at c = 6839). No engine code: its own `.IN2` reader and a plain
station-by-station search in Python with the textbook rules only —

* a station takes a load of available tasks (predecessors in earlier stations or in the
  load) that fits the cycle and is *maximal* (no other available task fits);
* idle budget: M·C − Σt in all, so a load leaves at most what is left of it;
* latest stations (unless ``--no-windows``): a task with all its followers fills
  ⌈(t + followers' time) / C⌉ stations, so it is done by station M + 1 − that;
* memory: a task set that failed with r stations left fails with fewer.

Usage (from the repository root)::

    .venv/bin/python bench/linebal/check_decision.py FILE.IN2 M C [--mirror] [--no-windows]
        [--seconds S]

Prints PLAN (with the loads, checked) or NO, the nodes and the time; TIMEOUT after S s.
"""

from __future__ import annotations

import argparse
import sys
import time


def read_in2(path: str) -> tuple[list[int], list[tuple[int, int]]]:
    with open(path, encoding="latin-1") as fh:
        text = fh.read().replace("\x1a", "")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    n = int(lines[0])
    times = [int(x) for x in lines[1:1 + n]]
    arcs = []
    for ln in lines[1 + n:]:
        a, b = (int(x) for x in ln.split(","))
        if a == -1:
            break
        arcs.append((a - 1, b - 1))
    return times, arcs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("m", type=int)
    ap.add_argument("c", type=int)
    ap.add_argument("--mirror", action="store_true", help="reverse every arc")
    ap.add_argument("--no-windows", action="store_true")
    ap.add_argument("--seconds", type=float, default=600.0)
    a = ap.parse_args()
    sys.setrecursionlimit(100_000)
    t0, arcs0 = read_in2(a.file)
    if a.mirror:
        arcs0 = [(j, i) for i, j in arcs0]
    m, c, n = a.m, a.c, len(t0)
    # topological numbering (a skipped task is never taken later in the same load)
    succ0: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for i, j in arcs0:
        succ0[i].append(j)
        indeg[j] += 1
    order, ready = [], sorted(i for i in range(n) if indeg[i] == 0)
    while ready:
        i = ready.pop(0)
        order.append(i)
        for j in succ0[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                ready.append(j)
        ready.sort()
    new = {o: k for k, o in enumerate(order)}
    t = [t0[o] for o in order]
    pred = [0] * n
    succ: list[list[int]] = [[] for _ in range(n)]
    for i, j in arcs0:
        pred[new[j]] |= 1 << new[i]
        succ[new[i]].append(new[j])
    budget = m * c - sum(t)
    full = (1 << n) - 1
    fol = [0] * n
    for v in range(n - 1, -1, -1):
        for w in succ[v]:
            fol[v] |= (1 << w) | fol[w]
    due_by = [0] * (m + 2)  # tasks whose latest station is <= s
    if not a.no_windows:
        for v in range(n):
            need = -(-(t[v] + sum(t[w] for w in range(n) if (fol[v] >> w) & 1)) // c)
            for s in range(max(m + 1 - need, 0), m + 2):
                due_by[s] |= 1 << v
    failed: dict[int, int] = {}
    nodes = 0
    end = time.time() + a.seconds

    def loads(done: int, floor: int, due: int) -> list[tuple[int, int]]:
        suf = [0] * (n + 1)
        for v in range(n - 1, -1, -1):
            suf[v] = suf[v + 1] + (0 if (done >> v) & 1 else t[v])
        out = []

        def rec(cands: list[int], S: int, load: int, skipped_min: int) -> None:
            fits = [v for v in cands if t[v] <= c - load]
            if not fits:
                if load >= floor and c - load < skipped_min and not due & ~S:
                    out.append((S, load))
                return
            u, rest = fits[0], fits[1:]
            S2 = S | (1 << u)
            taken = rest + [v for v in succ[u] if not (done >> v) & 1
                            and not pred[v] & ~(done | S2)]
            rec(sorted(taken), S2, load + t[u], skipped_min)
            if suf[u + 1] + load >= floor and not (due >> u) & 1:  # skip u
                rec(rest, S, load, min(skipped_min, t[u]))

        rec([v for v in range(n) if not (done >> v) & 1 and not pred[v] & ~done], 0, 0, c + 1)
        return out

    def search(done: int, k: int) -> list[int] | None:
        nonlocal nodes
        nodes += 1
        if time.time() > end:
            raise TimeoutError
        if done == full:
            return []
        r = m - k
        if r <= 0 or failed.get(done, -1) >= r or due_by[k] & ~done:
            return None
        idle = k * c - sum(t[v] for v in range(n) if (done >> v) & 1)
        for S, _load in sorted(loads(done, c - (budget - idle), due_by[k + 1] & ~done),
                               key=lambda x: -x[1]):
            rest = search(done | S, k + 1)
            if rest is not None:
                return [S, *rest]
        failed[done] = max(failed.get(done, -1), r)
        return None

    start = time.time()
    try:
        plan = search(0, 0) if max(t) <= c and budget >= 0 else None
    except TimeoutError:
        print(f"TIMEOUT after {a.seconds:.0f} s, nodes {nodes}, failed sets {len(failed)}")
        return
    head = f"n {n} m {m} c {c} mirror {a.mirror} windows {not a.no_windows} idle budget {budget}"
    if plan is None:
        print(f"{head}: NO, nodes {nodes}, failed sets {len(failed)}, {time.time() - start:.1f} s")
        return
    station = {order[v]: k for k, S in enumerate(plan) for v in range(n) if (S >> v) & 1}
    loads_ = [sum(t0[o] for o in station if station[o] == k) for k in range(len(plan))]
    assert len(station) == n and all(station[i] <= station[j] for i, j in arcs0)
    assert max(loads_) <= c and len(plan) <= m
    print(f"{head}: PLAN, loads {loads_}, nodes {nodes}, {time.time() - start:.1f} s")


if __name__ == "__main__":
    main()

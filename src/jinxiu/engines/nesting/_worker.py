"""Child process that runs spyrrow; started by ``solver.solve`` as a plain script.

Reads one JSON request on stdin, writes JSON lines on stdout: one ``{"type": "feasible"}``
line per improving feasible solution the solver reports, then ``{"type": "final"}`` (or
``{"type": "error"}``). It imports nothing from jinxiu on purpose: if the native solver panics
or aborts, only this process dies and the parent reports it.
"""

from __future__ import annotations

import json
import sys
import threading
import time


def _placements(solution) -> list[list]:
    return [
        [p.id, float(p.rotation), float(p.translation[0]), float(p.translation[1])]
        for p in solution.placed_items
    ]


def _emit(kind: str, **data) -> None:
    sys.stdout.write(json.dumps({"type": kind, **data}) + "\n")
    sys.stdout.flush()


def main() -> int:
    request = json.loads(sys.stdin.read())
    import spyrrow

    items = [
        spyrrow.Item(it["id"], [tuple(p) for p in it["shape"]], it["demand"], it["rotations"])
        for it in request["items"]
    ]
    instance = spyrrow.StripPackingInstance(
        request.get("name", ""), float(request["strip_height"]), items
    )
    config = spyrrow.StripPackingConfig(
        early_termination=bool(request.get("early_termination", True)),
        quadtree_depth=int(request.get("quadtree_depth", 4)),
        total_computation_time=int(request["time"]),
        num_workers=request.get("workers"),
        seed=int(request["seed"]),
    )
    queue = spyrrow.ProgressQueue()
    box: dict = {}

    def run() -> None:
        try:
            box["solution"] = instance.solve(config, progress=queue)
        except BaseException as exc:  # pyo3 PanicException derives from BaseException
            box["error"] = f"{type(exc).__name__}: {exc}"

    started = time.perf_counter()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    best = float("inf")

    def drain() -> None:
        nonlocal best
        for report, solution in queue.drain():
            name = repr(report)
            if "Feas" not in name or "Infeas" in name:
                continue
            if solution.width < best - 1e-9:
                best = solution.width
                _emit(
                    "feasible",
                    phase=name.rsplit(".", 1)[-1],
                    length=float(solution.width),
                    elapsed=time.perf_counter() - started,
                    placements=_placements(solution),
                )

    while thread.is_alive():
        thread.join(0.1)
        drain()
    drain()
    if "error" in box:
        _emit("error", message=box["error"])
        return 3
    solution = box["solution"]
    _emit(
        "final",
        length=float(solution.width),
        elapsed=time.perf_counter() - started,
        placements=_placements(solution),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

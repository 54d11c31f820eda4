"""``solve(data, *, stop, seed, params) -> Result``: spyrrow in a child process, checked after.

How a solve runs:

1. ``ProblemData`` is already validated. Each item type (piece × mirror state) becomes a
   spyrrow item: the grain-aligned (and mirrored) outline, offset outward by half the spacing
   (conservatively), with the allowed rotations. The strip height is ``width + spacing``
   (the half-gap offset may reach past the selvedge line, the piece itself may not), plus
   ``fit_epsilon × width`` when some piece fits the width exactly or nearly so.
2. spyrrow (sparrow) runs in a child process (``_worker.py``) with the time budget, seed and
   worker threads; it streams every improving feasible marker back. A panic or abort kills
   only the child: the parent reports it as ``SolverError`` (or keeps the best checked marker).
3. The parent applies the stop criteria to the best marker so far (objective: waste fraction
   ``1 − utilization``). A time limit lets the child finish its compression phase; target
   utilization and no-improvement stop the child at once and keep the best marker.
4. Every candidate, best first, goes through ``check.check_marker`` rebuilt from the original
   outlines; the first that passes becomes the Result. If none passes: ``CheckFailedError``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import queue
import subprocess
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinxiu.engines.common import MaxRuntime, StoppingCriterion, StopReason, TargetObjective
from jinxiu.engines.nesting import geometry as geo
from jinxiu.engines.nesting.check import check_marker, placement_matrix
from jinxiu.engines.nesting.model import ItemType, NestingError, ProblemData
from jinxiu.engines.nesting.result import Placement, Result

WORKER = Path(__file__).with_name("_worker.py")


class SolverError(NestingError):
    """The solver process failed (crash, panic, no marker in time); ``detail`` has its stderr."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


class CheckFailedError(NestingError):
    """The solver returned markers, but none passed the independent check."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the marker failed the independent check: " + "; ".join(problems[:5]))
        self.problems = problems


class MarkerTooLongError(NestingError):
    """The best checked marker is longer than ``max_length``; ``result`` holds it."""

    def __init__(self, result: Result, max_length: float) -> None:
        super().__init__(
            f"the best marker found is {result.length:.6g} long, more than the maximum "
            f"{max_length:g}"
        )
        self.result = result


class TargetUtilization(TargetObjective):
    """Stop once utilization reaches ``utilization`` (a fraction, e.g. 0.88)."""

    def __init__(self, utilization: float) -> None:
        if not 0 < utilization <= 1:
            raise ValueError(f"utilization must be in (0, 1], got {utilization}")
        super().__init__(1.0 - utilization)
        self.utilization = utilization


@dataclass(frozen=True)
class SolveParams:
    """Solver settings. ``workers=None`` uses every core; ``time_limit`` is the budget when the
    stop criterion has no ``MaxRuntime``; ``tolerance`` is the check's linear tolerance
    (default 1e-5 × the larger of width and length). ``portfolio=k`` runs k independent
    searches with different seeds, the cores split between them, and keeps the best."""

    workers: int | None = None
    time_limit: float = 600.0
    early_termination: bool = True
    quadtree_depth: int = 4
    tolerance: float | None = None
    grace_s: float = 10.0
    poll_s: float = 0.1
    portfolio: int = 1  # independent solver processes (seeds seed, seed+7919, ...), cores split


@dataclass(frozen=True)
class Progress:
    """Sent to ``on_progress`` each time the solver improves the marker."""

    elapsed_s: float
    length: float
    utilization: float
    phase: str


def _needs_epsilon(data: ProblemData, shapes: dict[str, geo.Ring]) -> bool:
    height = data.width + data.spacing
    for item in data.items:
        best = min(geo.extent_after_rotation(shapes[item.key], r)[1] for r in item.rotations)
        if best >= height * (1 - data.fit_epsilon):
            return True
    return False


def solver_request(data: ProblemData, *, seed: int, seconds: int, params: SolveParams) -> dict:
    shapes = {it.key: geo.offset_conservative(it.shape, data.spacing / 2) for it in data.items}
    height = data.width + data.spacing
    if _needs_epsilon(data, shapes):
        height += data.width * data.fit_epsilon
    return {
        "name": data.name or "marker",
        "strip_height": height,
        "items": [
            {
                "id": it.key,
                "shape": [list(p) for p in shapes[it.key]],
                "demand": it.demand,
                "rotations": list(it.rotations),
            }
            for it in data.items
        ],
        "time": seconds,
        "seed": seed,
        "workers": params.workers or os.cpu_count() or 1,
        "early_termination": params.early_termination,
        "quadtree_depth": params.quadtree_depth,
    }


def _budget(stop: StoppingCriterion, params: SolveParams) -> float:
    remaining = getattr(stop, "remaining", None)
    left = remaining() if callable(remaining) else None
    return params.time_limit if left is None else float(left)


def build_placements(
    data: ProblemData, raw: list[list], *, seed_order: bool = True
) -> tuple[list[Placement], float]:
    """Solver placements (item key, rotation, tx, ty in the solver frame) → fabric placements
    and the marker length (allowances included)."""
    items: dict[str, ItemType] = {it.key: it for it in data.items}
    shift_x = data.start_allowance - data.spacing / 2
    shift_y = -data.spacing / 2
    counter: Counter = Counter()
    out: list[Placement] = []
    for key, rot, tx, ty in raw:
        item = items.get(str(key))
        if item is None:
            raise SolverError(f"the solver placed an unknown item {key!r}")
        rotation = geo.normalize_angle(rot)
        # spyrrow works in float32: snap angles to the allowed value they stand for
        for allowed in item.rotations:
            if geo.angle_close(rotation, allowed, 1e-3):
                rotation = allowed
                break
        translation = (float(tx) + shift_x, float(ty) + shift_y)
        p = Placement(
            piece=item.piece.name,
            size=item.piece.size,
            piece_index=item.piece_index,
            copy=counter[(item.piece_index, item.mirrored)],
            rotation=rotation,
            mirrored=item.mirrored,
            translation=translation,
            matrix=geo.IDENTITY,
            polygon=(),
        )
        matrix = placement_matrix(data, p)
        polygon = geo.oriented(geo.apply(matrix, item.piece.outline))
        counter[(item.piece_index, item.mirrored)] += 1
        out.append(
            Placement(**{**{f: getattr(p, f) for f in Placement.__slots__},
                         "matrix": matrix, "polygon": polygon})
        )
    if seed_order:
        out.sort(key=lambda q: (q.piece_index, q.mirrored, q.copy))
    end = max((max(x for x, _ in p.polygon) for p in out), default=data.start_allowance)
    end = max(end, data.start_allowance)
    return out, end + data.end_allowance


class _Child:
    """The worker process and the threads that read its output."""

    def __init__(self, request: dict, lines: queue.Queue, index: int = 0) -> None:
        env = dict(os.environ)
        env.setdefault("RUST_BACKTRACE", "0")
        self.proc = subprocess.Popen(  # noqa: S603 - our own script, fixed interpreter
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines = lines
        self.index = index
        self.final_seen = False
        self.stderr: deque[str] = deque(maxlen=200)
        threading.Thread(target=self._read_out, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(request))
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def _read_out(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            line = line.strip()
            if not line:
                continue
            try:
                self.lines.put((self.index, json.loads(line)))
            except json.JSONDecodeError:
                self.stderr.append(line)
        self.lines.put((self.index, None))

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line.rstrip())

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)

    def panic_text(self) -> str:
        lines = [s for s in self.stderr if s and not s.startswith(" ")]
        return "\n".join(lines[-20:])


def solve(
    data: ProblemData,
    *,
    stop: StoppingCriterion | None = None,
    seed: int = 0,
    params: SolveParams | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> Result:
    """Nest ``data`` into the shortest marker found before ``stop`` says stop.

    ``stop`` defaults to ``MaxRuntime(params.time_limit)``. Raises SolverError when the solver
    fails before it found any marker, CheckFailedError when no marker passes the independent
    check, MarkerTooLongError when the best one exceeds ``data.max_length``.
    """
    params = params or SolveParams()
    stop = stop if stop is not None else MaxRuntime(params.time_limit)
    started = time.perf_counter()
    seconds = max(1, round(_budget(stop, params)))
    request = solver_request(data, seed=seed, seconds=seconds, params=params)
    area = data.piece_area
    allowances = data.start_allowance + data.end_allowance

    def utilization_of(solver_length: float) -> float:
        # the offset pieces reach half a gap past each end of the real marker
        return area / (data.width * max(solver_length - data.spacing + allowances, 1e-12))

    candidates: list[tuple[float, list, str]] = []
    history: list[tuple[float, float]] = []
    best_length = math.inf
    error_message = ""
    reason: str | None = None
    deadline = started + seconds + params.grace_s + 0.05 * seconds
    we_killed = False
    lines: queue.Queue = queue.Queue()
    runs = max(1, params.portfolio)
    threads = max(1, int(request["workers"]) // runs)
    children: list[_Child] = []

    def kill_all() -> None:
        for c in children:
            c.kill()

    try:
        for k in range(runs):
            req = {**request, "seed": seed + 7919 * k, "workers": threads}
            try:
                children.append(_Child(req, lines, k))
            except OSError as exc:
                raise SolverError(f"cannot start the solver process: {exc}") from exc
        open_children = runs
        while open_children:
            try:
                index, msg = lines.get(timeout=params.poll_s)
            except queue.Empty:
                index, msg = -1, {}
            while True:
                if msg is None:  # a child closed its output
                    open_children -= 1
                else:
                    kind = msg.get("type")
                    if kind in ("feasible", "final"):
                        length = float(msg["length"])
                        candidates.append((length, msg["placements"], kind))
                        if kind == "final":
                            children[index].final_seen = True
                        if length < best_length - 1e-12:
                            best_length = length
                            u = utilization_of(length)
                            elapsed = time.perf_counter() - started
                            history.append((elapsed, u))
                            if on_progress is not None:
                                on_progress(Progress(elapsed, length, u, msg.get("phase", kind)))
                    elif kind == "error":
                        error_message = str(msg.get("message", "solver error"))
                try:
                    index, msg = lines.get_nowait()
                except queue.Empty:
                    break
            objective = 1.0 - utilization_of(best_length) if candidates else math.inf
            if reason is None and stop(objective):
                reason = getattr(stop, "reason", "") or StopReason.TIME_LIMIT
                if reason != StopReason.TIME_LIMIT:
                    we_killed = True
                    kill_all()
            if time.perf_counter() > deadline:
                reason = reason or StopReason.TIME_LIMIT
                we_killed = True
                kill_all()
        for c in children:
            c.proc.wait(timeout=30)
    finally:
        kill_all()
    runtime = time.perf_counter() - started
    failed = [c for c in children
              if c.proc.returncode != 0 and not we_killed and not c.final_seen]
    crashed = bool(failed) or bool(error_message)
    crash_text = error_message or "\n".join(
        c.panic_text() or f"solver process exited with code {c.proc.returncode}" for c in failed
    )
    if crashed and not candidates:
        raise SolverError(f"the solver failed: {crash_text.splitlines()[-1][:300]}", crash_text)
    if not candidates:
        raise SolverError("the solver stopped before it found any marker",
                          "\n".join(c.panic_text() for c in children))

    if reason is None:
        ran = candidates[-1][2] == "final"
        reason = StopReason.TIME_LIMIT if runtime >= seconds - 0.5 or not ran else (
            StopReason.NO_IMPROVEMENT
        )
    known = {r.value for r in StopReason}
    stop_reason = StopReason.ERROR if crashed else StopReason(
        reason if reason in known else StopReason.TIME_LIMIT
    )

    problems: list[str] = []
    for _, raw, _ in sorted(candidates, key=lambda c: c[0]):
        placements, length = build_placements(data, raw)
        problems = check_marker(data, placements, length, tolerance=params.tolerance)
        if problems:
            continue
        result = Result(
            runtime_s=runtime,
            stop_reason=stop_reason,
            name=data.name,
            width=data.width,
            length=length,
            utilization=area / (data.width * length),
            placements=tuple(placements),
            seed=seed,
            piece_area=area,
            units=data.units,
            message=crash_text if crashed else "",
            history=tuple(history),
        )
        if data.max_length is not None and length > data.max_length * (1 + 1e-9):
            raise MarkerTooLongError(result, data.max_length)
        return result
    raise CheckFailedError(problems)

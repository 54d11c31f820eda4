"""Solver runs: short time limits, every marker re-checked here too."""

import sys
import textwrap

import pytest
from shapely.geometry import Polygon

from jinxiu.engines.common import FirstOf, MaxRuntime, StopReason
from jinxiu.engines.nesting import (
    CheckFailedError,
    MarkerTooLongError,
    Piece,
    ProblemData,
    SolveParams,
    SolverError,
    TargetUtilization,
    check_marker,
    solve,
)
from jinxiu.engines.nesting import solver as solver_module
from jinxiu.engines.nesting.readers import read_esicup

FAST = SolveParams(workers=2, grace_s=5)
ELL = ((0, 0), (30, 0), (30, 10), (10, 10), (10, 20), (0, 20))
TRAP = ((0, 0), (50, 0), (40, 25), (5, 25))


def garment(**kw):
    pieces = (
        Piece("sleeve", ELL, quantity=2, pair=True, grain_angle=90),
        Piece("front", TRAP, quantity=2, pair=True),
        Piece("pocket", ((0, 0), (12, 0), (12, 14), (6, 17), (0, 14)), quantity=1),
    )
    kw.setdefault("width", 60)
    return ProblemData(pieces=pieces, ratio=None, **kw)


def test_small_garment_marker_is_valid_with_pairs_spacing_and_grain():
    data = garment(spacing=1.5)
    progress = []
    r = solve(data, stop=MaxRuntime(1), seed=3, params=FAST, on_progress=progress.append)
    assert check_marker(data, r.placements, r.length) == []
    assert len(r.placements) == 5
    assert 0.4 < r.utilization < 0.95
    assert progress and progress[-1].utilization <= r.utilization * (1 + 1e-6)
    assert r.stop_reason in (StopReason.TIME_LIMIT, StopReason.NO_IMPROVEMENT)
    assert {p.rotation for p in r.placements} <= {0.0, 180.0}
    # spacing honoured between every two pieces
    polys = [Polygon(p.polygon) for p in r.placements]
    gaps = [a.distance(b) for i, a in enumerate(polys) for b in polys[i + 1:]]
    assert min(gaps) >= 1.5 - 1e-4
    # the pair: one plain, one mirrored; their outlines are mirror images
    sleeves = sorted((p for p in r.placements if p.piece == "sleeve"), key=lambda p: p.mirrored)
    assert [p.mirrored for p in sleeves] == [False, True]
    a, b = (Polygon(p.polygon) for p in sleeves)
    assert a.area == pytest.approx(b.area, rel=1e-9) == pytest.approx(400, rel=1e-9)
    # a mirror image is the reflection of the other up to rotation and translation
    from shapely import affinity

    flipped = affinity.scale(a, 1, -1, origin=(0, 0))
    for angle in (0, 180):
        cand = affinity.rotate(flipped, angle, origin=(0, 0))
        cand = affinity.translate(cand, b.bounds[0] - cand.bounds[0], b.bounds[1] - cand.bounds[1])
        if cand.symmetric_difference(b).area < 1e-6:
            break
    else:
        pytest.fail("mirrored sleeve is not the mirror image of the plain one")
    # the grain (drawn at 90° on the sleeve) runs along the marker
    for p in sleeves:
        a_, b_, d_, e_, _, _ = p.matrix
        gx, gy = a_ * 0 + b_ * 1, d_ * 0 + e_ * 1  # image of the grain direction (0, 1)
        assert abs(gy) < 1e-9 and abs(abs(gx) - 1) < 1e-9


def test_allowances_are_part_of_the_marker():
    data = garment(start_allowance=10, end_allowance=5)
    r = solve(data, stop=MaxRuntime(1), seed=1, params=FAST)
    xs = [x for p in r.placements for x, _ in p.polygon]
    assert min(xs) >= 10 - 1e-3
    assert r.length == pytest.approx(max(xs) + 5)
    assert r.utilization == pytest.approx(data.piece_area / (60 * r.length))


def test_esicup_shirts_two_seconds(esicup_dir):
    data = read_esicup(esicup_dir / "shirts.json")
    r = solve(data, stop=MaxRuntime(2), seed=1, params=FAST)
    assert len(r.placements) == 99
    assert check_marker(data, r.placements, r.length) == []
    assert 0.70 < r.utilization < 0.93  # 2 s on a busy 2-core machine


def test_target_utilization_stops_early():
    data = garment()
    stop = FirstOf(MaxRuntime(20), TargetUtilization(0.30))
    r = solve(data, stop=stop, seed=1, params=FAST)
    assert r.stop_reason == StopReason.TARGET_REACHED
    assert r.utilization >= 0.30
    assert r.runtime_s < 10


def test_marker_longer_than_max_length_is_an_error_carrying_the_marker():
    data = garment(max_length=(garment().piece_area / 60) * 1.001)
    with pytest.raises(MarkerTooLongError) as err:
        solve(data, stop=MaxRuntime(1), seed=1, params=FAST)
    assert err.value.result.length > data.max_length


def fake_worker(tmp_path, monkeypatch, body: str):
    script = tmp_path / "worker.py"
    script.write_text(textwrap.dedent(body))
    monkeypatch.setattr(solver_module, "WORKER", script)


def test_a_crashing_solver_is_reported_not_fatal(tmp_path, monkeypatch):
    fake_worker(tmp_path, monkeypatch, """
        import sys
        sys.stdin.read()
        sys.stderr.write("thread '<unnamed>' panicked at src/lib.rs:1:1:\\nboom\\n")
        sys.stderr.flush()
        import os
        os.abort()
    """)
    with pytest.raises(SolverError, match="the solver failed") as err:
        solve(garment(), stop=MaxRuntime(1), params=FAST)
    assert "panicked" in err.value.detail
    assert sys.modules[__name__]  # still alive


def test_a_hanging_solver_is_killed(tmp_path, monkeypatch):
    fake_worker(tmp_path, monkeypatch, """
        import sys, time
        sys.stdin.read()
        time.sleep(60)
    """)
    with pytest.raises(SolverError, match="before it found any marker"):
        solve(garment(), stop=MaxRuntime(1), params=SolveParams(grace_s=0.5))


def test_an_overlapping_marker_is_never_returned(tmp_path, monkeypatch):
    # every piece at the origin: the solver "succeeds", the check must refuse it
    fake_worker(tmp_path, monkeypatch, """
        import json, sys
        req = json.loads(sys.stdin.read())
        pl = [[it["id"], 0.0, 1.0, 1.0] for it in req["items"] for _ in range(it["demand"])]
        print(json.dumps({"type": "final", "length": 40.0, "elapsed": 0.1, "placements": pl}))
    """)
    with pytest.raises(CheckFailedError, match="overlap"):
        solve(garment(), stop=MaxRuntime(1), params=FAST)


def test_portfolio_of_two_searches_returns_a_checked_marker():
    data = garment()
    r = solve(data, stop=MaxRuntime(1), seed=5,
              params=SolveParams(workers=2, portfolio=2, grace_s=5))
    assert check_marker(data, r.placements, r.length) == []
    assert 0.4 < r.utilization < 0.95


def test_a_real_spyrrow_panic_is_isolated(monkeypatch):
    # bypass validation: a strip too narrow for any piece makes sparrow panic
    real = solver_module.solver_request

    def too_narrow(data, **kw):
        return {**real(data, **kw), "strip_height": 1.0}

    monkeypatch.setattr(solver_module, "solver_request", too_narrow)
    with pytest.raises(SolverError, match="the solver failed: PanicException"):
        solve(garment(), stop=MaxRuntime(1), params=FAST)


def test_sample_knickers_marker_with_spacing_and_tilt(seamlint_dir):
    from jinxiu.engines.nesting.readers import read_dxf

    pattern = read_dxf(seamlint_dir / "real-cycling-knickers-astm.dxf")
    data = pattern.to_problem(width=1400, material="Fabric", spacing=2, tilt=1)
    r = solve(data, stop=MaxRuntime(2), seed=1, params=FAST)
    assert check_marker(data, r.placements, r.length) == []
    assert len(r.placements) == data.num_copies == 13
    assert {p.rotation for p in r.placements} <= {359.0, 0.0, 1.0, 179.0, 180.0, 181.0}
    assert 0.5 < r.utilization < 0.9
    polys = [Polygon(p.polygon) for p in r.placements]
    assert min(a.distance(b) for i, a in enumerate(polys) for b in polys[i + 1:]) >= 2 - 1e-3

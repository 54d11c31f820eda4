"""Cut-order planning checked against brute force on small orders."""

import itertools

import pytest

from jinxiu.engines.nesting import InvalidProblemError, Piece, ProblemData
from jinxiu.engines.nesting.cutorder import (
    CutOrder,
    area_estimate,
    cached,
    candidate_ratios,
    plan_cut_order,
)


def length(ratio):
    # longer markers nest better: each garment adds less than the one before
    n = sum(ratio.values())
    return 10.0 + 60.0 * n - 4.0 * n * n + 3.0 * ratio.get("L", 0)


def brute_force(demand, max_plies, max_garments, overcut):
    """Least fabric over every ply vector; colours are independent when markers are free."""
    sizes = sorted({s for d in demand.values() for s in d})
    cap = {s: max(d.get(s, 0) for d in demand.values()) + overcut for s in sizes}
    ratios = candidate_ratios(sizes, max_garments, cap)
    total = 0.0
    for wanted in demand.values():
        top = max(wanted.values()) + overcut
        best = None
        for plies in itertools.product(range(top + 1), repeat=len(ratios)):
            cut = {s: sum(dict(r).get(s, 0) * y for r, y in zip(ratios, plies, strict=True))
                   for s in sizes}
            if all(wanted.get(s, 0) <= cut[s] <= wanted.get(s, 0) + overcut for s in sizes):
                fabric = sum(length(dict(r)) * y for r, y in zip(ratios, plies, strict=True))
                best = fabric if best is None else min(best, fabric)
        total += best
    return total


@pytest.mark.parametrize(
    ("demand", "max_plies", "max_garments", "overcut"),
    [
        ({"A": {"S": 3, "M": 2}}, 5, 2, 0),
        ({"A": {"S": 2, "L": 3}}, 2, 2, 1),
        ({"A": {"M": 4}}, 3, 3, 0),
    ],
)
def test_plan_matches_brute_force(demand, max_plies, max_garments, overcut):
    order = CutOrder(demand=demand, max_plies=max_plies, max_garments=max_garments,
                     max_overcut=overcut)
    plan = plan_cut_order(order, length, time_limit=10, workers=2)
    assert plan.optimal
    assert plan.fabric_length == pytest.approx(brute_force(demand, max_plies, max_garments,
                                                           overcut), rel=1e-3)
    for lay in plan.lays:
        assert 1 <= lay.total_plies <= max_plies
        assert 1 <= sum(lay.ratio.values()) <= max_garments
    for colour, sizes in demand.items():
        for size, q in sizes.items():
            cut = sum(lay.ratio.get(size, 0) * lay.plies.get(colour, 0) for lay in plan.lays)
            assert q <= cut <= q + overcut
            assert plan.overcut[colour][size] == cut - q


def test_two_colours_share_markers_and_marker_cost_reduces_markers():
    demand = {"red": {"S": 2, "M": 4}, "blue": {"S": 1, "M": 2}}
    order = CutOrder(demand=demand, max_plies=10, max_garments=2)
    plan = plan_cut_order(order, length, workers=2)
    assert plan.fabric_length == pytest.approx(brute_force(demand, 10, 2, 0), rel=1e-3)
    fewer = plan_cut_order(CutOrder(demand=demand, max_plies=10, max_garments=3,
                                    marker_cost=500.0), length, workers=2)
    assert fewer.markers <= plan.markers
    assert fewer.markers == 1  # S:1 M:2 for both colours: 2 red plies, 1 blue ply


def test_infeasible_and_bad_orders():
    with pytest.raises(InvalidProblemError, match="asks for nothing"):
        CutOrder(demand={"A": {"S": 0}}, max_plies=1, max_garments=1)
    with pytest.raises(InvalidProblemError, match="max_plies"):
        CutOrder(demand={"A": {"S": 1}}, max_plies=0, max_garments=1)


def test_area_estimate_and_cache():
    data = ProblemData(pieces=(Piece("f", ((0, 0), (10, 0), (10, 10), (0, 10)), size="S",
                                     quantity=2),
                               Piece("f", ((0, 0), (12, 0), (12, 10), (0, 10)), size="M",
                                     quantity=2),
                               Piece("label", ((0, 0), (1, 0), (1, 1), (0, 1)))),
                       width=50, ratio={"S": 1, "M": 1})
    est = area_estimate(data, utilization=0.8)
    assert est({"S": 1, "M": 2}) == pytest.approx((200 + 2 * 240 + 3) / (50 * 0.8))
    calls = []
    fn = cached(lambda r: calls.append(r) or 1.0)
    fn({"S": 1, "M": 1})
    fn({"M": 1, "S": 1})
    assert len(calls) == 1


def test_cli_plan(tmp_path, capsys):
    from jinxiu.engines.nesting.cli import main

    from .test_readers import aama

    path = aama(tmp_path, units=4, pieces=[
        {"block": f"B{size}", "outline": [(0, 0), (w, 0), (w, 300), (0, 300)],
         "segments": {"7": ((0, 100), (w, 100))},
         "text": ["Piece Name: FRONT", f"Size: {size}", "Quantity: 2"]}
        for size, w in (("S", 400), ("M", 420), ("L", 440))
    ])
    rc = main(["plan", str(path), "--width", "1500", "--order", "red:S=10,M=20,L=10;blue:M=12",
               "--max-plies", "30", "--max-garments", "4"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert out.splitlines()[-1].startswith("fabric ")
    assert "optimal" in out

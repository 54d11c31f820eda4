"""Gap verdicts and candidate ranking on a small region computed by hand (see each figure)."""

import pytest

from jinxiu.engines.chain import (
    FirmFigures,
    GapParams,
    Reference,
    analyse,
    rank_candidates,
    taxonomy_from_dict,
)

TAXONOMY = taxonomy_from_dict({"nodes": [{"code": "R", "name": "链", "children": [
    {"code": "A", "name": "甲", "children": [{"code": "A1", "name": "甲一"}]},
    {"code": "B", "name": "乙"},
    {"code": "C", "name": "丙"},
]}]})
PARAMS = GapParams(anchor_output=90, min_firms=3, lq_strong=1.0, growth_years=2)
FIRMS = [
    FirmFigures("f1", "一厂", {2025: 100.0, 2023: 80.0}, tags=("leader",)),
    FirmFigures("f2", "二厂", {2025: 50.0, 2023: 60.0}),
    FirmFigures("f3", "三厂", {}),  # no figure reported
    FirmFigures("f4", "四厂", {2025: 30.0, 2023: 30.0}),
]
LINKS = {"f1": {"A1"}, "f2": {"A", "C"}, "f3": {"A1"}, "f4": {"A1"}}
REFERENCE = Reference("参照省", local_total=1000, reference_total=100000,
                      node_outputs={"A": 12000, "A1": 20000})


@pytest.fixture(scope="module")
def gaps():
    return analyse(TAXONOMY, FIRMS, LINKS, year=2025, reference=REFERENCE, params=PARAMS)


def _reasons(gap):
    return [(r.code, r.value) for r in gap.reasons]


def test_node_with_anchor_high_lq_and_growth_is_strong(gaps):
    a = gaps["A"]
    assert a.firms == ("f1", "f2", "f3", "f4")
    assert (a.output, a.reported) == (180.0, 3)      # f3 has no figure
    assert a.share == pytest.approx(1.0)             # 180 / chain total 180
    assert a.lq == pytest.approx(1.5)                # (180/1000) / (12000/100000)
    assert a.anchors == ("f1",)
    assert a.growth == pytest.approx((180 / 170) ** 0.5 - 1)  # f1+f2+f4: 170 → 180
    assert a.verdict == "strong"
    assert _reasons(a) == [("anchor", 1), ("high_lq", 1.5), ("growing", 0.029)]


def test_low_location_quotient_makes_a_weak_link(gaps):
    a1 = gaps["A1"]
    assert a1.firms == ("f1", "f3", "f4")
    assert (a1.output, a1.reported) == (130.0, 2)
    assert a1.share == pytest.approx(130 / 180)
    assert a1.lq == pytest.approx(0.65)              # (130/1000) / (20000/100000)
    assert a1.growth == pytest.approx((130 / 110) ** 0.5 - 1)
    assert a1.verdict == "weak"
    assert _reasons(a1) == [("low_lq", 0.65), ("anchor", 1), ("growing", 0.0871)]


def test_few_firms_no_anchor_declining(gaps):
    c = gaps["C"]
    assert c.firms == ("f2",) and c.output == 50.0
    assert c.lq is None                              # the reference has no figure for C
    assert c.verdict == "weak"
    assert _reasons(c) == [("few_firms", 1), ("no_anchor", 90), ("declining", -0.0871)]


def test_missing_node_and_the_root(gaps):
    assert gaps["B"].verdict == "missing"
    assert _reasons(gaps["B"]) == [("no_firm", 0)]
    assert gaps["B"].share is None and gaps["B"].output == 0
    root = gaps["R"]
    assert root.firms == ("f1", "f2", "f3", "f4") and root.output == 180.0
    assert root.verdict == "strong"


def test_anchor_threshold_is_a_parameter():
    gaps = analyse(TAXONOMY, FIRMS, LINKS, year=2025,
                   params=GapParams(anchor_output=20, anchor_tags=(), min_firms=1))
    assert gaps["C"].anchors == ("f2",)
    assert _reasons(gaps["C"]) == [("declining", -0.0871), ("anchor", 1)]


POOL = [
    FirmFigures("p1", "外一", {2025: 120.0, 2023: 100.0}, tags=("zjtx",)),
    FirmFigures("p2", "外二", {2025: 45.0}),
    FirmFigures("p3", "外三", {2025: 500.0}),
]
POOL_LINKS = {"p1": {"B", "C"}, "p2": {"B"}, "p3": {"A"}}


def test_candidates_for_missing_and_weak_nodes(gaps):
    ranked = rank_candidates(gaps, POOL, POOL_LINKS, year=2025, gap_params=PARAMS,
                             grades={("p2", "B"): "strong"})
    assert set(ranked) == {"A1", "B", "C"}           # A and R are strong
    b = ranked["B"]
    assert [c.firm for c in b] == ["p1", "p2"]
    # p1: fills 40 + anchor 25 + size min(15, 15·120/90) + growth 10·((1.2)^½−1)/0.10 + tier 5
    assert b[0].score == pytest.approx(94.54)
    assert [(r.code, r.value) for r in b[0].reasons] == [
        ("fills_missing", None), ("supplies_anchor", None), ("size", 15.0),
        ("growth", 0.0954), ("tier", "zjtx")]
    # p2: fills 40 + size 15·45/90 + strong link 5; no growth figure, not anchor-sized
    assert b[1].score == pytest.approx(52.5)
    assert [r.code for r in b[1].reasons] == ["fills_missing", "size", "strong_link"]
    assert [(c.firm, c.score) for c in ranked["C"]] == [("p1", 54.54)]
    assert ranked["A1"] == []  # nobody in the pool makes A1 (p3 makes A)


def test_figures_from_fewer_than_three_firms_are_withheld_from_others():
    # C's figures come from f2 alone: a caller who may not see f2 gets no figure, and the
    # anchor is judged by tags only; A has three reporters and stays as it is
    gaps = analyse(TAXONOMY, FIRMS, LINKS, year=2025, reference=REFERENCE, params=PARAMS,
                   visible=set())
    c = gaps["C"]
    assert c.suppressed and (c.output, c.share, c.lq, c.growth) == (None, None, None, None)
    assert c.verdict == "weak"
    assert _reasons(c) == [("withheld", 1), ("few_firms", 1), ("no_anchor", 90)]
    assert not gaps["A"].suppressed and gaps["A"].output == 180.0
    # A1: f1 and f4 reported (two): withheld; f1's anchor status comes from its tag
    a1 = gaps["A1"]
    assert a1.suppressed and a1.anchors == ("f1",) and a1.verdict == "strong"
    # whoever may see f1, f2 and f4 (the region's statistician) sees everything
    seen = analyse(TAXONOMY, FIRMS, LINKS, year=2025, reference=REFERENCE, params=PARAMS,
                   visible={"f1", "f2", "f4"})
    assert not any(g.suppressed for g in seen.values())
    assert seen["C"].output == 50.0


def test_command_line_gaps(tmp_path, capsys):
    import json

    from jinxiu.engines.chain.cli import main

    case = {"year": 2025, "firms": [{"id": "f1", "outputs": {"2025": 60000},
                                     "tags": ["leader"]}],
            "links": {"f1": ["knit_fabric"]}, "params": {"min_firms": 1},
            "pool": [{"id": "p1", "outputs": {"2025": 1000}}],
            "pool_links": {"p1": ["shoes"]}}
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    assert main(["gaps", str(path)]) == 0
    out = capsys.readouterr().out
    assert "针织 [knit_fabric] strong: 1 firms, output 60000.0 (anchor=1)" in out
    assert "成鞋 [shoes] missing: 0 firms" in out
    assert "candidate shoes: p1 40.3 (fills_missing, size)" in out

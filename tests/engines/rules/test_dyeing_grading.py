"""印染 graded management: an editable local template (A/B/C/D)."""

from __future__ import annotations

from jinxiu.engines.rules import Status, evaluate, gaps

from .conftest import ON, by_year, with_facts

PLANT = {
    "facts": {
        "dye_product_class": "woven_cotton",
        "dye_energy": by_year(y2025=24),  # 80 % of 30 kgce/100 m → 25
        "dye_water": by_year(y2025=1.28),  # 80 % of 1.6 t/100 m → 25
        "water_reuse_rate": by_year(y2025=0.55),  # → 10
        "product_pass_rate": by_year(y2025=0.97),
        "online_monitoring": True,
        "env_violation_1y": False,
        "cleaner_production_audit": True,  # → 5
        "tax_per_mu": by_year(y2025=32),  # → 10
        "tax_per_cod_ton": by_year(y2025=65),  # → 10
    }
}


def test_grade_a_at_exactly_85_and_b_below(shipped):
    rs = shipped["dyeing_grading"]
    v = evaluate(rs, PLANT, on=ON)
    score = next(o for o in v.criteria if o.id == "score")
    assert {i.id: i.points[0] for i in score.items} == {
        "energy": 25,
        "water": 25,
        "reuse": 10,
        "cleaner_production": 5,
        "tax_per_mu": 10,
        "tax_per_cod": 10,
    }
    assert score.total == (85, 85)
    assert (v.status, v.classification, v.classification_title) == (
        Status.QUALIFIES,
        "A",
        "A类（优先发展）",
    )
    v = evaluate(rs, with_facts(PLANT, water_reuse_rate=by_year(y2025=0.45)), on=ON)
    assert v.classification == "B"  # 80


def test_over_the_energy_limit_is_grade_d(shipped):
    plant = with_facts(PLANT, dye_energy=by_year(y2025=31))
    v = evaluate(shipped["dyeing_grading"], plant, on=ON)
    assert v.classification == "D"


def test_cannot_tell_without_tax_data(shipped):
    v = evaluate(shipped["dyeing_grading"], with_facts(PLANT, tax_per_mu=None), on=ON)
    assert v.status is Status.UNKNOWN
    assert "tax_per_mu[2025]" in v.missing


def test_template_assumptions_are_reported(shipped):
    v = evaluate(shipped["dyeing_grading"], PLANT, on=ON)
    assert any(a.startswith("local_template:") for a in v.assumptions)
    assert any(a.startswith("limits_2017:") for a in v.assumptions)
    assert gaps(shipped["dyeing_grading"], PLANT, on=ON).changes == ()


def test_national_standard_versions_on_both_sides_of_2023_12_12(shipped):
    from datetime import date

    rs = shipped["dyeing_standard"]
    facts = {
        "facts": {
            **{k: v for k, v in PLANT["facts"].items() if not k.startswith("dye_energy")},
            "dye_energy": {"by_year": {"2022": 30, "2023": 30}},  # exactly the woven limit
            "dye_water": {"by_year": {"2022": 1.6, "2023": 1.6}},
            "water_reuse_rate": {"by_year": {"2022": 0.40, "2023": 0.40}},
            "product_pass_rate": {"by_year": {"2022": 0.95, "2023": 0.95}},
        }
    }
    v = evaluate(rs, facts, on=date(2023, 12, 11))
    assert (v.version.id, v.status) == ("2017", Status.QUALIFIES)
    v = evaluate(rs, facts, on=date(2023, 12, 12))
    assert v.version.id == "2023"
    assert (v.status, v.missing) == (Status.UNKNOWN, ("obsolete_equipment",))
    assert any(a.startswith("limits_placeholder:") for a in v.assumptions)
    over = {"facts": {**facts["facts"], "dye_water": {"by_year": {"2022": 1.61}}}}
    v = evaluate(rs, over, on=date(2023, 6, 1))
    assert v.status is Status.FAILS
    (change,) = gaps(rs, over, on=date(2023, 6, 1)).changes
    assert (change.fact, change.current, change.required, change.action) == (
        "dye_water",
        1.61,
        1.6,
        "lower",
    )


def test_gap_to_a_better_grade(shipped):
    rs = shipped["dyeing_grading"]
    plant = with_facts(PLANT, water_reuse_rate=by_year(y2025=0.45))  # 80 → B
    assert evaluate(rs, plant, on=ON).classification == "B"
    g = gaps(rs, plant, on=ON, target="A")
    assert g.feasible
    (change,) = g.changes  # reuse 45 % → 50 % gives +5 points: 85
    assert (change.fact, change.current, change.required) == ("water_reuse_rate", 0.45, 0.5)
    assert gaps(rs, plant, on=ON, target="B").changes == ()  # already there
    assert gaps(rs, plant, on=ON).changes == ()  # no target, no gaps for a classification

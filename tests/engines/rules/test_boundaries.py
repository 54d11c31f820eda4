"""Every simple threshold of every shipped rule set, exactly at the boundary and just past it.

A test of the form ``fact[year] OP constant`` holds exactly at the constant for ≥ and ≤ (Chinese
drafting: 以上/以下/不低于/不超过 include the number) and fails just past it; a points band with
``min``/``max`` on a plain fact gives its points exactly at the bound.
"""

from __future__ import annotations

from datetime import date

import pytest

from jinxiu.engines.rules import Status, load_shipped
from jinxiu.engines.rules import expr as ex
from jinxiu.engines.rules.evaluate import Evaluation
from jinxiu.engines.rules.facts import Facts, FactValue

ON = date(2026, 6, 30)
SHIPPED = load_shipped()


def simple_tests():
    for rid, rs in SHIPPED.items():
        for v in rs.versions:
            stack = [*v.criteria, *v.classes]
            while stack:
                c = stack.pop()
                stack.extend(c.children)
                t = c.test
                if (
                    isinstance(t, ex.Compare)
                    and t.op in (">=", "<=", ">", "<")
                    and isinstance(t.left, ex.Ref)
                    and t.left.name in rs.catalogue
                    and isinstance(t.right, ex.Const)
                    and isinstance(t.right.value, int | float)
                ):
                    yield pytest.param(rid, v, c, id=f"{rid}-{v.id}-{c.id}")


def band_items():
    for rid, rs in SHIPPED.items():
        for v in rs.versions:
            stack = list(v.criteria)
            while stack:
                c = stack.pop()
                stack.extend(c.children)
                if c.table is None:
                    continue
                for item in c.table.items:
                    val = item.value
                    if isinstance(val, ex.Ref) and val.name in rs.catalogue and not item.score_fact:
                        yield pytest.param(rid, v, item, id=f"{rid}-{v.id}-{item.id}")


def facts_with(ref: ex.Ref, value) -> Facts:
    if ref.rel is None and ref.year is None:
        return Facts("", {ref.name: FactValue(value)}, {})
    year = ref.year if ref.year is not None else ON.year + ref.rel
    return Facts("", {}, {ref.name: {year: FactValue(value, None, year)}})


def step(spec) -> float:
    return 1 if spec.type == "integer" else 0.0001


@pytest.mark.parametrize(("rid", "version", "crit"), list(simple_tests()))
def test_threshold_is_inclusive_and_tight(rid, version, crit):
    rs = SHIPPED[rid]
    t = crit.test
    spec = rs.catalogue[t.left.name]
    bound = t.right.value
    inside = {">=": True, "<=": True, ">": False, "<": False}[t.op]
    away = step(spec) * (1 if t.op in (">=", ">") else -1)

    def status(x):
        return (
            Evaluation(version, facts_with(t.left, x), on=ON, catalogue=rs.catalogue)
            .run(crit)
            .status
        )

    assert status(bound) is (Status.QUALIFIES if inside else Status.FAILS)
    assert status(bound + away) is Status.QUALIFIES
    assert status(bound - away) is Status.FAILS


@pytest.mark.parametrize(("rid", "version", "item"), list(band_items()))
def test_band_bounds_go_to_the_higher_band(rid, version, item):
    rs = SHIPPED[rid]
    spec = rs.catalogue[item.value.name]
    ev_for = lambda x: Evaluation(  # noqa: E731
        version, facts_with(item.value, x), on=ON, catalogue=rs.catalogue
    )
    for band in item.bands:
        if band.min is not None:
            assert ev_for(band.min).score_item(item).points == band.points
            below = ev_for(band.min - step(spec)).score_item(item).points
            assert below != band.points or below == (0, 0)
        if band.max is not None:
            assert ev_for(band.max).score_item(item).points == band.points


def test_there_are_many_thresholds():
    assert len(list(simple_tests())) >= 25
    assert len(list(band_items())) >= 5

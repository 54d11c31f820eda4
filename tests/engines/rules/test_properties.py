"""Properties over random firms for every shipped rule set:
- adding a missing fact never turns "qualifies" into "cannot tell";
- verdicts are deterministic;
- a gap list, applied, makes the firm qualify (when the search says it is feasible)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinxiu.engines.rules import Status, evaluate, gaps, load_shipped
from jinxiu.engines.rules import expr as ex
from jinxiu.engines.rules.facts import Facts, FactValue

ON = date(2026, 6, 30)
YEARS = (2022, 2023, 2024, 2025, 2026)
SHIPPED = load_shipped()
CODES = ("1711", "1810", "1951", "5132", "5232", "7491", "7212", "2822")


def used_facts(rs) -> list[str]:
    names: set[str] = set()
    for v in rs.versions:
        derived = {n for n, _ in v.derived}
        nodes = [e for _, e in v.derived] + [o.expr for o in v.outputs]
        stack = [*v.criteria, *v.classes]
        while stack:
            c = stack.pop()
            stack.extend(c.children)
            if c.test is not None:
                nodes.append(c.test)
            if c.table is not None:
                for it in c.table.items:
                    if it.value is not None:
                        nodes.append(it.value)
                    if it.score_fact:
                        names.add(it.score_fact)
                    nodes.extend(b.when for b in it.bands if b.when is not None)
        for n in nodes:
            names |= ex.names(n) - derived
            for sub in ex.walk(n):
                if isinstance(sub, ex.Call) and ex.FUNCTIONS[sub.func].series:
                    names.add(sub.args[0].name)
    return sorted(names)


def value_strategy(spec):
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "enum":
        return st.sampled_from(spec.values)
    if spec.type == "date":
        return st.integers(0, 5000).map(lambda d: date(2012, 1, 1) + timedelta(days=d))
    if spec.type == "string":
        return st.sampled_from(CODES)
    if spec.type == "integer":
        return st.integers(0, 400)
    if spec.unit == "ratio":
        return st.floats(0, 1, allow_nan=False)
    return st.one_of(st.integers(0, 20000), st.floats(0, 60000, allow_nan=False))


@st.composite
def firms(draw, rs):
    undated: dict[str, FactValue] = {}
    yearly: dict[str, dict[int, FactValue]] = {}
    for name in used_facts(rs):
        spec = rs.catalogue[name]
        if not draw(st.booleans()):
            continue
        strat = value_strategy(spec)
        if spec.yearly:
            yearly[name] = {
                y: FactValue(draw(strat), "test", y) for y in YEARS if draw(st.booleans())
            }
        else:
            undated[name] = FactValue(draw(strat), "test")
    return Facts("random", undated, yearly)


def missing_slots(rs, facts: Facts):
    for name in used_facts(rs):
        spec = rs.catalogue[name]
        if spec.yearly:
            for y in YEARS:
                if facts.get(name, y) is None:
                    yield name, y, spec
        elif name not in facts.undated:
            yield name, None, spec


PROFILE = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("rid", sorted(SHIPPED))
@PROFILE
@given(data=st.data())
def test_adding_a_fact_never_turns_qualifies_into_cannot_tell(rid, data):
    rs = SHIPPED[rid]
    on = ON if rid != "stable_jobs" else date(2025, 6, 30)
    facts = data.draw(firms(rs))
    before = evaluate(rs, facts, on=on)
    assert evaluate(rs, facts, on=on) == before  # deterministic
    fast = evaluate(rs, facts, on=on, explain=False)  # the batch path agrees
    assert (fast.status, fast.missing, fast.classification, fast.outputs) == (
        before.status,
        before.missing,
        before.classification,
        before.outputs,
    )
    if before.status is not Status.QUALIFIES:
        return
    slots = list(missing_slots(rs, facts))
    if not slots:
        return
    name, year, spec = data.draw(st.sampled_from(slots))
    more = facts.with_value(name, year, data.draw(value_strategy(spec)))
    after = evaluate(rs, more, on=on)
    assert after.status is not Status.UNKNOWN, (name, year, after.missing)


@pytest.mark.parametrize("rid", ["innovative_sme", "zjtx_sme", "little_giant", "high_tech"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_applying_the_gap_list_qualifies_or_leaves_only_missing_facts(rid, data):
    rs = SHIPPED[rid]
    facts = data.draw(firms(rs))
    g = gaps(rs, facts, on=ON)
    if g.status is not Status.FAILS or not g.feasible:
        return
    for c in g.changes:
        if c.action != "provide":
            facts = facts.with_value(c.fact, c.year, c.required)
    assert evaluate(rs, facts, on=ON).status is not Status.FAILS


@pytest.mark.parametrize("rid", ["zjtx_sme", "high_tech"])
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_facts_round_trip_through_json_shape(rid, data):
    from jinxiu.engines.rules import facts_from_dict

    rs = SHIPPED[rid]
    facts = data.draw(firms(rs))
    again, warnings = facts_from_dict(facts.to_dict(), catalogue=rs.catalogue)
    assert warnings == []
    assert evaluate(rs, again, on=ON) == evaluate(rs, facts, on=ON)

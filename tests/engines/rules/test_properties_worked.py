"""Properties from the worked firms of every version (where random firms rarely qualify):

- adding a missing fact never turns "qualifies" into "cannot tell": remove any facts from a
  qualifying firm, keep the cases that still qualify, give back one fact with any value;
- verdicts are deterministic: the same whatever was evaluated before (the per-version caches
  a batch run shares) and whatever the order of the facts."""

from __future__ import annotations

import copy
import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from jinxiu.engines.rules import Status, evaluate, facts_from_dict, load_shipped

from .conftest import with_facts
from .test_each_criterion import BREAKS, CASES
from .test_properties import value_strategy

SHIPPED = load_shipped()
PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _flat(firm: dict) -> list[tuple[str, int | None]]:
    """The (fact, year) slots a facts dict fills."""
    slots: list[tuple[str, int | None]] = []
    for name, raw in firm["facts"].items():
        if isinstance(raw, dict) and "by_year" in raw:
            slots.extend((name, int(y)) for y in raw["by_year"])
        else:
            slots.append((name, None))
    return slots


def _without(firm: dict, drop: list[tuple[str, int | None]]) -> dict:
    out = copy.deepcopy(firm)
    for name, year in drop:
        if year is None:
            out["facts"].pop(name, None)
        else:
            out["facts"][name]["by_year"].pop(str(year), None)
            out["facts"][name]["by_year"].pop(year, None)
    return out


@PROFILE
@given(st.sampled_from(range(len(CASES))), st.data())
def test_giving_back_a_fact_never_turns_qualifies_into_cannot_tell(case, data):
    rid, on, _, firm, _ = CASES[case]
    rs = SHIPPED[rid]
    slots = _flat(firm)
    drop = data.draw(st.lists(st.sampled_from(slots), unique=True, max_size=4))
    given_back = data.draw(st.sampled_from(slots))
    if given_back not in drop:
        drop.append(given_back)
    partial = _without(firm, drop)
    facts, _ = facts_from_dict(partial, catalogue=rs.catalogue)
    before = evaluate(rs, facts, on=on)
    assume(before.status is Status.QUALIFIES)  # hypothesis fails if this filters most draws
    name, year = given_back
    value = data.draw(value_strategy(rs.catalogue[name]))
    after = evaluate(rs, facts.with_value(name, year, value), on=on)
    assert after.status is not Status.UNKNOWN, (name, year, value, after.missing)


def test_verdicts_do_not_depend_on_what_was_evaluated_before_or_on_fact_order():
    fresh = {}
    for rid, on, _, firm, _ in CASES:  # a fresh load per rule set: empty caches
        rs = load_shipped()[rid]
        fresh[(rid, on)] = evaluate(rs, firm, on=on)
    rng = random.Random(0)
    cases = list(CASES) * 3
    rng.shuffle(cases)
    for rid, on, _, firm, _ in cases:  # the shared rule sets, after every other firm
        shuffled = dict(firm)
        items = list(firm["facts"].items())
        rng.shuffle(items)
        shuffled["facts"] = dict(items)
        for explain in (False, True):
            v = evaluate(SHIPPED[rid], shuffled, on=on, explain=explain)
            if explain:
                assert v == fresh[(rid, on)]
            else:
                assert (v.status, v.missing) == (fresh[(rid, on)].status, ())


def test_failing_examples_are_deterministic_in_batch_and_explain_mode():
    for p in BREAKS:
        rid, on, firm, cid, change = p.values
        changed = with_facts(firm, **change)
        a = evaluate(SHIPPED[rid], changed, on=on)
        b = evaluate(SHIPPED[rid], changed, on=on)
        fast = evaluate(SHIPPED[rid], changed, on=on, explain=False)
        assert a == b
        assert (fast.status, fast.missing, fast.outputs) == (a.status, a.missing, a.outputs)
        assert [o.id for o in fast.criteria if o.status is Status.FAILS] == [cid]

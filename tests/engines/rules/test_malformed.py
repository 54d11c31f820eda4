"""Malformed rule-set files are refused with file, line and reason — never a crash.

A bureau edits copies of these files by hand (and in the UI): whatever shape the YAML has,
``parse_ruleset`` either returns a rule set or raises :class:`RuleSetError`."""

from __future__ import annotations

import copy
import textwrap

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinxiu.engines.rules import RuleSetError, parse_ruleset, shipped_ids
from jinxiu.engines.rules import expr as ex
from jinxiu.engines.rules.loader import DATA_DIR

GOOD = textwrap.dedent(
    """\
    id: demo
    name: 示例
    versions:
      - id: "2024"
        title: 示例办法
        issuer: 某局
        document: 某发〔2024〕1号
        effective_from: 2024-01-01
        assumptions:
          - {id: a1, text: 未经核实}
        criteria:
          - id: revenue
            title: 营业收入
            test: "revenue[-1] >= 1000"
          - id: score
            points:
              pass: 10
              groups:
                - {id: g, max: 20}
              items:
                - id: rd
                  max: 20
                  group: g
                  value: "rd_expense[-1]"
                  bands:
                    - {min: 100, points: 20}
                    - {points: 0}
    """
)


def problems(text: str) -> list[str]:
    with pytest.raises(RuleSetError) as info:
        parse_ruleset(text, file="demo.yaml")
    return [str(p) for p in info.value.problems]


def test_the_base_file_loads():
    rs = parse_ruleset(GOOD, file="demo.yaml")
    assert [c.id for c in rs.versions[0].criteria] == ["revenue", "score"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # each used to raise TypeError / AttributeError instead of a validation error
        (
            "    criteria:\n      - id: revenue",
            "    criteria: 3\n    unused:\n      - id: revenue",
            "demo.yaml:11: versions[0].criteria: criteria must be a list of criteria, got int 3",
        ),
        (
            "    assumptions:\n      - {id: a1, text: 未经核实}",
            "    assumptions: true",
            "demo.yaml:9: versions[0].assumptions: assumptions must be a list of assumptions, "
            "got bool True",
        ),
        (
            "          groups:\n            - {id: g, max: 20}",
            "          groups: 5",
            "demo.yaml:18: versions[0].criteria[1].points.groups: groups must be a list of "
            "groups, got int 5",
        ),
        (
            "              group: g\n",
            "              group: {x: 1}\n",
            "demo.yaml:23: versions[0].criteria[1].points.items[0].group: group must be a group "
            "id (text), got {'x': 1}",
        ),
        (
            "              bands:\n                - {min: 100, points: 20}\n"
            "                - {points: 0}\n",
            "              bands: 7\n",
            "demo.yaml:25: versions[0].criteria[1].points.items[0].bands: bands must be a list "
            "of bands, got int 7",
        ),
        (
            '              value: "rd_expense[-1]"\n',
            '              value: "rd_expense[-1]"\n              score_fact: [a]\n',
            "demo.yaml:25: versions[0].criteria[1].points.items[0].score_fact: score_fact must "
            "be a fact name, got ['a']",
        ),
        (
            "name: 示例\n",
            "name: 示例\nfacts: [tax]\n",
            "demo.yaml:3: facts: facts must be a mapping name: definition, got a list",
        ),
        (
            '        test: "revenue[-1] >= 1000"',
            '        test: "' + "-" * 100 + '1 > 0"',
            "demo.yaml:14: versions[0].criteria[0].test: malformed expression '"
            + "-" * 100
            + "1 > 0': expression nested deeper than 60 levels",
        ),
    ],
)
def test_wrong_shapes_are_validation_errors(old, new, expected):
    assert old in GOOD
    assert expected in problems(GOOD.replace(old, new))


def test_keys_that_are_not_text_do_not_break_the_content_hash():
    bad = GOOD.replace("    title: 示例办法\n", "    title: 示例办法\n    3: x\n")
    assert problems(bad) == ["demo.yaml:6: versions[0].3: unknown key 3"]


def test_every_problem_names_file_and_line():
    bad = (
        GOOD.replace("criteria:\n      - id: revenue", "criteria: 3\n    x:\n      - id: revenue")
        .replace("effective_from: 2024-01-01", "effective_from: someday")
        .replace("{id: a1, text: 未经核实}", "[a1]")
    )
    msgs = problems(bad)
    assert len(msgs) >= 3
    assert all(m.startswith("demo.yaml:") and m.split(":")[1].isdigit() for m in msgs), msgs


# ---------------------------------------------------------------- random structures

KEYS = sorted(
    {
        "id", "name", "versions", "facts", "title", "issuer", "document", "published",
        "effective_from", "effective_to", "kind", "sources", "assumptions", "derived",
        "criteria", "classes", "outputs", "test", "when", "all", "any", "points", "pass",
        "pass_above", "groups", "items", "max", "min", "group", "value", "score_fact", "bands",
        "label", "expr", "unit", "manual", "type", "text", "section", "note",
    }
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 3000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "2024-01-01",
            "2024-02-30",
            "revenue[-1] >= 1000",
            "revenue[-1] >=",
            "rd_ratio",
            "revenue",
            "qualification",
            "classification",
            "a1",
            "g",
            "x",
            "",
            "passed('x')",
            "points('score')",
            "is_sme and not major_incident_3y",
            "ratio",
            "number",
        ]
    ),
    st.text(max_size=8),
)
KEY = st.one_of(st.sampled_from(KEYS), st.integers(0, 3), st.booleans(), st.text(max_size=4))
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(KEY, children, max_size=6)
    ),
    max_leaves=30,
)


def _parses_or_refuses(raw) -> None:
    try:
        text = yaml.safe_dump(raw, allow_unicode=True)
    except yaml.YAMLError:
        return
    try:
        parse_ruleset(text, file="random.yaml")
    except RuleSetError as exc:
        assert exc.problems
        assert all(p.file == "random.yaml" and p.reason for p in exc.problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STRUCTURES)
def test_random_structures_give_only_rule_set_errors(raw):
    _parses_or_refuses(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {"id": SCALARS, "name": SCALARS},
        optional={"versions": st.lists(st.dictionaries(KEY, STRUCTURES, max_size=10), max_size=3)},
    )
)
def test_random_versions_give_only_rule_set_errors(raw):
    _parses_or_refuses(raw)


SHIPPED_RAW = {rid: yaml.safe_load((DATA_DIR / f"{rid}.yaml").read_text()) for rid in shipped_ids()}


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*path, i))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SHIPPED_RAW)), st.data())
def test_shipped_files_with_a_part_replaced_give_only_rule_set_errors(rid, data):
    """Take a real file and replace one value anywhere in it by something of another shape."""
    raw = copy.deepcopy(SHIPPED_RAW[rid])
    paths = [p for p in _paths(raw) if p]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent = raw
        try:
            for k in path[:-1]:
                parent = parent[k]
            parent[path[-1]] = data.draw(STRUCTURES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this path
    _parses_or_refuses(raw)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.text(alphabet="revnu_[]-1234567890()+*/<>=!andortxi ,.'", max_size=60),
    )
)
def test_random_expression_text_gives_only_expression_errors(text):
    try:
        ex.parse(text)
    except ex.ExprError as exc:
        assert str(exc)

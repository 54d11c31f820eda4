"""Rule-set files: the shipped ones validate; bad ones are refused with file, line, path, reason."""

from __future__ import annotations

import textwrap

import pytest

from jinxiu.engines.rules import RuleSetError, load_ruleset, parse_ruleset, shipped_ids
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
        published: 2024-01-01
        effective_from: 2024-01-01
        effective_to: 2024-12-31
        criteria:
          - id: revenue
            title: 营业收入
            test: "revenue[-1] >= 1000"
      - id: "2025"
        title: 示例办法（修订）
        issuer: 某局
        document: 某发〔2025〕1号
        effective_from: 2025-01-01
        criteria:
          - id: revenue
            title: 营业收入
            test: "revenue[-1] >= 2000"
    """
)


def problems(text: str) -> list[str]:
    with pytest.raises(RuleSetError) as info:
        parse_ruleset(text, file="demo.yaml")
    return [str(p) for p in info.value.problems]


def test_good_file_loads():
    rs = parse_ruleset(GOOD, file="demo.yaml")
    assert [v.id for v in rs.versions] == ["2024", "2025"]
    assert rs.versions[0].content_hash != rs.versions[1].content_hash


@pytest.mark.parametrize("rid", shipped_ids())
def test_every_shipped_rule_set_validates_and_cites_its_source(rid):
    rs = load_ruleset(rid)
    assert rs.id == rid
    for v in rs.versions:
        assert v.document and v.issuer and v.effective_from
        assert v.sources, f"{rid} {v.id} names no source"


def test_shipped_ids():
    assert set(shipped_ids()) >= {
        "size_class",
        "above_scale",
        "innovative_sme",
        "zjtx_sme",
        "little_giant",
        "high_tech",
        "stable_jobs",
        "dyeing_grading",
    }


def test_unknown_fact_names_file_line_path_and_suggestion():
    bad = GOOD.replace('test: "revenue[-1] >= 1000"', 'test: "revenu[-1] >= 1000"')
    assert problems(bad) == [
        "demo.yaml:14: versions[0].criteria[0].test: unknown fact 'revenu' "
        "(did you mean 'revenue'?)"
    ]


def test_malformed_expression():
    bad = GOOD.replace('test: "revenue[-1] >= 2000"', 'test: "revenue[-1] >= "')
    (msg,) = problems(bad)
    assert msg.startswith("demo.yaml:23: versions[1].criteria[0].test: malformed expression")
    assert "syntax error" in msg


def test_eval_style_injection_is_a_validation_error():
    bad = GOOD.replace('"revenue[-1] >= 2000"', "\"__import__('os').system('x') == 0\"")
    (msg,) = problems(bad)
    assert "only plain function names can be called" in msg


def test_overlapping_effective_dates():
    bad = GOOD.replace("effective_to: 2024-12-31", "effective_to: 2025-06-30")
    assert problems(bad) == [
        "demo.yaml:19: versions[1].effective_from: version '2025' (from 2025-01-01) overlaps "
        "version '2024' (2024-01-01 – 2025-06-30); set '2024''s effective_to before it"
    ]


def test_open_ended_version_followed_by_another_overlaps():
    bad = GOOD.replace("    effective_to: 2024-12-31\n", "")
    (msg,) = problems(bad)
    assert "overlaps version '2024' (2024-01-01 – open)" in msg


def test_effective_to_before_from():
    bad = GOOD.replace("effective_to: 2024-12-31", "effective_to: 2023-12-31")
    assert any(
        "effective_to 2023-12-31 is before effective_from 2024-01-01" in p for p in problems(bad)
    )


def test_typo_in_key_is_reported_with_suggestion():
    bad = GOOD.replace("effective_from: 2025-01-01", "efective_from: 2025-01-01")
    msgs = problems(bad)
    assert (
        "demo.yaml:19: versions[1].efective_from: unknown key 'efective_from' "
        "(did you mean 'effective_from'?)" in msgs
    )
    assert "demo.yaml:15: versions[1]: missing required key 'effective_from'" in msgs


def test_bad_date():
    bad = GOOD.replace("published: 2024-01-01", "published: 2024-13-01")
    assert problems(bad) == [
        "demo.yaml:8: versions[0].published: published must be a date YYYY-MM-DD, got '2024-13-01'"
    ]


def test_not_yaml():
    (msg,) = problems("id: x\nversions: [\n")
    assert msg.startswith("demo.yaml:3: (top): not valid YAML")


def test_duplicate_criterion_and_two_kinds():
    bad = GOOD.replace(
        '        test: "revenue[-1] >= 1000"\n',
        '        test: "revenue[-1] >= 1000"\n'
        "      - id: revenue\n"
        '        test: "true"\n'
        '        any: [{id: x, test: "true"}]\n',
    )
    msgs = problems(bad)
    assert "demo.yaml:15: versions[0].criteria[1].id: duplicate criterion id 'revenue'" in msgs
    assert any("exactly one of test / all / any / points (has test, any)" in m for m in msgs)


def test_enum_value_typo():
    bad = GOOD.replace('"revenue[-1] >= 1000"', "\"rd_institution_level == 'provincal'\"")
    (msg,) = problems(bad)
    assert "rd_institution_level has no value 'provincal'" in msg


def test_points_table_checks():
    table = textwrap.dedent(
        """\
          - id: score
            points:
              pass: 120
              groups: [{id: g, title: G, min: 30}]
              items:
                - id: a
                  max: 20
                  group: g
                  value: "revenue[-1]"
                  bands:
                    - {min: 100, points: 25}
                    - {points: 0}
                - id: b
                  max: 5
                  group: nope
                  bands: [{when: "true", points: 5}]
        """
    )
    bad = GOOD.replace(
        '      - id: revenue\n        title: 营业收入\n        test: "revenue[-1] >= 2000"\n',
        textwrap.indent(table, "      "),
    )
    assert bad != GOOD
    msgs = problems(bad)
    assert any("25 points is above the item maximum 20" in m for m in msgs)
    assert any("unknown group 'nope'" in m for m in msgs)
    assert any("pass mark 120 is above the maximum total 25" in m for m in msgs)
    assert any("group 'g': minimum 30 is above its maximum 20" in m for m in msgs)


def test_reference_to_unknown_criterion():
    bad = GOOD.replace('"revenue[-1] >= 2000"', "\"passed('nothing')\"")
    (msg,) = problems(bad)
    assert "passed('nothing'): no such criterion" in msg


def test_file_not_found():
    with pytest.raises(RuleSetError, match=r"no/such\.yaml: .*cannot read"):
        load_ruleset("no/such.yaml")


def test_bureau_copy_with_new_dates_loads(tmp_path):
    """Copy a shipped rule set, add a version with new effective dates: it validates."""
    text = (DATA_DIR / "stable_jobs.yaml").read_text(encoding="utf-8")
    text += textwrap.indent(
        textwrap.dedent(
            """\
          - id: "2026"
            title: 2026年稳岗返还（本地录入）
            issuer: 某市人社局
            document: 某人社〔2026〕1号
            effective_from: 2026-01-01
            effective_to: 2026-12-31
            sources: [local notice]
            derived:
              <<: *derived
              base_ratio: "0.6 if is_sme else 0.3"
              ceiling: "0.6 if is_sme else 0.3"
            criteria: *criteria
            outputs: *outputs
        """
        ),
        "  ",
    )
    copy = tmp_path / "stable_jobs_local.yaml"
    copy.write_text(text, encoding="utf-8")
    rs = load_ruleset(copy)
    assert [v.id for v in rs.versions][-1] == "2026"


def test_derived_cycle_is_refused():
    bad = GOOD.replace(
        "    criteria:\n      - id: revenue\n        title: 营业收入\n"
        '        test: "revenue[-1] >= 2000"',
        '    derived:\n      a: "b + 1"\n      b: "a * 2"\n'
        '    criteria:\n      - id: revenue\n        title: 营业收入\n        test: "a >= 2000"',
    )
    assert bad != GOOD
    msgs = problems(bad)
    assert any("derived values refer to each other: a → b → a" in m for m in msgs), msgs

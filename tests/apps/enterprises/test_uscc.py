import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jinxiu.apps.core import uscc
from tests.helpers.factories import make_regions

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALID = ["91110000600037341L", "91350581MA2Y00001G", "91330603123456788M",
         "92350581L00000011L", "93350581MA30000026", "91512081MA62K0260E"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_have_no_problem(code):
    assert uscc.check_code(code) == []
    assert uscc.check_character(code[:17]) == code[17]


def test_tables_come_from_the_data_file():
    t = uscc.tables()
    assert t.alphabet == ALPHABET
    assert t.weights == tuple(pow(3, i, 31) for i in range(17))
    assert "GB 32100-2015" in t.source and "CRITERIA.md" in t.source


def test_wrong_check_character_names_position_and_both_characters():
    problems = uscc.check_code("91350581MA2Y000010")
    assert [(p.severity, p.position) for p in problems] == [("error", 18)]
    assert "G" in problems[0].message and "0" in problems[0].message


def test_letter_outside_the_alphabet_is_named():
    problems = uscc.check_code("91350581MA2Y0000OX")
    assert problems[0].position == 17 and "O" in problems[0].message


def test_length_and_normalization():
    assert uscc.check_code("9135058")[0].position is None
    assert uscc.check_code(" 91350581-MA2Y0000-1g ") == []
    assert uscc.check_code("９１３５０５８１ＭＡ２Ｙ００００１Ｇ") == []  # full width


def test_organization_code_check_gb11714():
    assert uscc.organization_check_character("59467239") == "9"  # CRITERIA.md §8.3 example
    assert uscc.organization_check_character("MA2Y0000") == "1"
    # a code whose USCC check is right but whose organization-code check is wrong: a warning
    first17 = "91350581MA2Y00002"
    code = first17 + uscc.check_character(first17)
    problems = uscc.check_code(code)
    assert [(p.severity, p.position) for p in problems] == [("warning", 17)]
    assert "1" in problems[0].message
    assert uscc.is_valid(code)


def test_unknown_authority_is_flagged_not_rejected():
    first17 = "Y2350581MA2Y00001"
    code = first17 + uscc.check_character(first17)
    problems = uscc.check_code(code)
    assert [(p.severity, p.position) for p in problems] == [("warning", 2)]
    first17 = "K1350581MA2Y00001"
    code = first17 + uscc.check_character(first17)
    assert [(p.severity, p.position) for p in uscc.check_code(code)] == [("warning", 1)]


def test_division_code_must_be_digits():
    first17 = "91A50581MA2Y00001"
    code = first17 + uscc.check_character(first17)
    assert [(p.severity, p.position) for p in uscc.check_code(code)] == [("error", 3)]


@pytest.mark.django_db
def test_region_part_is_cross_checked():
    regions = make_regions()
    shishi = regions["350581"]
    assert uscc.check_code("91350581MA2Y00001G", region=shishi) == []
    # a registrar of the same city (泉州 350500), of the province, and a sibling county pass
    for part in ("350500", "350000", "350582", "100000"):
        assert uscc.errors(uscc.make_code("91", part, "MA2Y0000"), region=shishi) == []
    other_city = uscc.make_code("91", "350203", "MA2Y0000")
    (problem,) = uscc.errors(other_city, region=shishi)
    assert problem.position == 3
    assert "350203" in problem.message and "350581" in problem.message
    assert "3502" in problem.message and "3505" in problem.message  # what differs
    other_province = uscc.make_code("91", "330302", "MA2Y0000")
    (problem,) = uscc.errors(other_province, region=shishi)
    assert "33" in problem.message and "35" in problem.message


def test_chinese_message(settings):
    from django.utils import translation

    with translation.override("zh-hans"):
        (problem,) = uscc.check_code("91350581MA2Y000010")
    assert problem.message == "第 18 位校验码应为 G，实为 0。"


@st.composite
def valid_codes(draw):
    prefix = draw(st.sampled_from(["91", "92", "93", "51", "12"]))
    region = draw(st.from_regex(r"[1-6][0-9]{5}", fullmatch=True))
    body = draw(st.text(alphabet=ALPHABET, min_size=8, max_size=8))
    return uscc.make_code(prefix, region, body)


@settings(max_examples=60, deadline=None)
@given(valid_codes(), st.integers(min_value=0, max_value=17), st.data())
def test_every_single_character_change_is_caught(code, position, data):
    assert uscc.is_valid(code)
    replacement = data.draw(st.sampled_from([c for c in ALPHABET if c != code[position]]))
    changed = code[:position] + replacement + code[position + 1:]
    assert not uscc.is_valid(changed), (code, changed)

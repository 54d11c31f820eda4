import pytest

from jinxiu.apps.enterprises.matching import Matcher, name_key, pinyin_key
from tests.helpers.factories import make_regions

REGIONS = (frozenset({"福建省", "福建", "泉州市", "泉州", "石狮市", "石狮", "中国"}), 3)


@pytest.mark.parametrize(("name", "key"), [
    ("福建省石狮市锦程针织服饰有限公司", "锦程针织服饰"),
    ("【示例】石狮锦程针织服饰有限公司", "锦程针织服饰"),
    ("石狮市金程针织服饰股份有限公司", "金程针织服饰"),
    ("锦程针织服饰（石狮）有限公司", "锦程针织服饰"),
    ("泉州鞋厂", "鞋厂"),  # 厂 is part of the name, not a company form
    ("石狮市", "石狮市"),  # nothing but a region: kept as it is
    ("中国石狮华彩集团有限公司", "华彩"),
])
def test_name_keys(name, key):
    assert name_key(name, REGIONS) == key


def test_pinyin_keys_catch_homophones():
    assert pinyin_key("锦程针织") == pinyin_key("金程针织") == "jinchengzhenzhi"


@pytest.mark.django_db
def test_candidates_rank_characters_over_sound():
    make_regions()
    matcher = Matcher([(1, "石狮市锦程针织服饰有限公司"), (2, "石狮市金程针织服饰有限公司"),
                       (3, "晋江步云鞋业有限公司"), (4, "石狮锦程印染有限公司")])
    found = matcher.candidates("福建石狮锦程针织服饰股份有限公司")
    assert [(c.id, c.score) for c in found][:2] == [(1, 100.0), (2, 95.0)]
    assert all(c.id != 3 for c in found)
    assert matcher.candidates("完全无关的名字") == []

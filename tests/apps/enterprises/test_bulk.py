"""Bulk writes (``bulk.py``): the rows and their change-log records are those a save one by one
would have written; and the search index's tokens (``search.tokens``) are jieba's, punctuation
included, now that every run of text is cut once per process."""

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from jinxiu.apps.core.changelog import change_context, serialize_object
from jinxiu.apps.core.models import ObjectChange, Organization
from jinxiu.apps.core.uscc import make_code
from jinxiu.apps.enterprises.bulk import bulk_create_logged, insert
from jinxiu.apps.enterprises.models import Enterprise
from jinxiu.apps.enterprises.search import _jieba, _kept, tokens
from tests.helpers.factories import make_org, make_regions, make_user


def test_rows_and_records_as_a_save_writes_them(db):
    make_regions()
    user = make_user("loader")
    orgs = [make_org(f"批量{i}", credit_code=make_code("91", "350581", f"MA2Y{i:04d}"))
            for i in range(3)]
    with change_context(user=user, source="import"):
        made = bulk_create_logged(Enterprise, [
            Enterprise(organization=org, main_industry="1761", tags=["zjtx"] if i else [],
                       registered_capital=Decimal("1234.50"), established_on=dt.date(2009, 4, 16),
                       business_scope="针织；服装", search_index=f"索引{i}")
            for i, org in enumerate(orgs)], batch_size=2)  # two statements
    assert [e.organization_id for e in made] == [o.pk for o in orgs]
    assert all(e.pk and not e._state.adding for e in made)
    for e in made:
        stored = Enterprise.objects.get(pk=e.pk)
        assert (stored.tags, stored.registered_capital, stored.established_on,
                stored.search_index, stored.status) == (
            e.tags, Decimal("1234.50"), dt.date(2009, 4, 16), e.search_index, "active")
        record = ObjectChange.objects.get(changed_object_id=e.pk, changed_object_type=(
            ContentType.objects.get_for_model(Enterprise)))
        assert (record.user, record.user_name, record.source, record.action,
                record.object_repr, record.organization_id_snapshot, record.prechange_data) == (
            user, "loader", "import", "create", e.organization.name, e.organization_id, None)
        assert record.postchange_data == serialize_object(stored)
        assert record.time is not None and record.request_id is not None
    # one request id for the whole write, as the signals give every save in the block
    assert ObjectChange.objects.filter(changed_object_type=ContentType.objects.get_for_model(
        Enterprise)).values("request_id").distinct().count() == 1


def test_insert_gives_each_object_its_own_id(db):
    make_regions()
    orgs = insert(Organization, [Organization(name=f"行{i}", kind="enterprise")
                                 for i in range(7)], batch_size=3)  # three statements
    assert len({o.pk for o in orgs}) == 7
    assert [Organization.objects.get(pk=o.pk).name for o in orgs] == [f"行{i}" for i in range(7)]
    assert all(o.created is not None for o in orgs)  # auto_now_add, as bulk_create sets it


def _tokens_one_by_one(text):
    """What tokens gave before every run went through the cache: jieba on each piece."""
    jieba = _jieba()
    found = []
    for run in jieba.re_han_default.split(text.strip().lower()):
        if run:
            found.extend(_kept(jieba.cut_for_search(run)))
    return found


def test_tokens_are_jieba_s_for_punctuation_and_odd_characters(db):
    for text in ("【示例】石狮市锦程针织服饰有限公司",
                 "针织或钩针编织物织造；服装辅料销售。（依法须经批准）",
                 "ＡＢＣ鞋业 ６６号、 _x_ ＿全角＿", "91350581MA2Y0001X", "  ；；  ", "",
                 "é·ü★鞋"):
        assert tokens(text) == _tokens_one_by_one(text), text
    assert tokens("（一）服装、鞋帽；ａｂ") == ["一", "服装", "鞋帽", "ａ", "ｂ"]

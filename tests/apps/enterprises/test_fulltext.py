"""The registry's full-text index follows every write, survives a table rebuild, and the list
counts at most its cap; the list's cells are those django-tables2 would render."""

import pytest
from django.db import connection
from django.urls import reverse

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.paginators import CappedPaginator
from jinxiu.apps.enterprises import fulltext
from jinxiu.apps.enterprises.models import Enterprise
from jinxiu.apps.enterprises.search import search_q
from tests.apps.enterprises.factories import make_enterprise
from tests.helpers.factories import make_org, make_regions, make_user


def _found(query):
    return sorted(e.organization.name for e in Enterprise.objects.filter(search_q(query)))


@pytest.fixture
def firms(db):
    make_regions()
    knit = make_enterprise(make_org("石狮市锦程针织服饰有限公司"), main_industry="1761",
                           business_scope="针织面料织造", tags=["zjtx"])
    shoe = make_enterprise(make_org("温州步云鞋业有限公司", region_code="330302"),
                           main_industry="1952", business_scope="皮鞋制造")
    return knit, shoe


def test_the_index_follows_inserts_updates_and_deletes(firms):
    knit, shoe = firms
    assert _found("针织") == ["石狮市锦程针织服饰有限公司"]
    assert _found("针织品") == []
    with change_context(user=None, source="system"):
        shoe.business_scope = "皮鞋制造；针织品销售"
        shoe.save()
    assert _found("针织") == ["温州步云鞋业有限公司", "石狮市锦程针织服饰有限公司"]
    assert _found("针织品") == ["温州步云鞋业有限公司"]
    with change_context(user=None, source="system"):
        knit.delete()
    assert _found("针织") == ["温州步云鞋业有限公司"]


def test_prefix_words_and_odd_characters(firms):
    assert _found("石狮市锦") == ["石狮市锦程针织服饰有限公司"]  # the name's start
    assert _found("针织面") == ["石狮市锦程针织服饰有限公司"]  # the scope's start
    assert _found("锦程针") == []  # not a word's start: jieba keeps it whole (documented)
    assert _found("鞋业 温州") == ["温州步云鞋业有限公司"]  # every word, any order
    assert _found('"针织') == ["石狮市锦程针织服饰有限公司"]  # quotes are not syntax
    assert _found("'") == [] and _found("\\") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_install_repairs_the_index_after_a_table_rebuild(firms):
    # a later migration that alters the table makes SQLite copy it, dropping its triggers
    with connection.cursor() as cursor:
        for name in fulltext._SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    make_enterprise(make_org("晋江华彩针织有限公司", region_code="350582"),
                    main_industry="1761")
    assert "晋江华彩针织有限公司" not in _found("针织")  # unindexed while the triggers are gone
    assert fulltext.install(connection) is True  # post_migrate does this
    assert "晋江华彩针织有限公司" in _found("针织")
    assert fulltext.install(connection) is False  # nothing missing


def test_the_list_counts_up_to_its_cap(client, firms, monkeypatch):
    client.force_login(make_user())
    url = reverse("enterprises:enterprise_list")
    response = client.get(url)
    assert response.context["table"].paginator.count == 2
    assert not response.context["table"].paginator.capped
    assert 'id="list-capped"' not in response.content.decode()
    monkeypatch.setattr(CappedPaginator, "cap", 1)
    response = client.get(url)
    paginator = response.context["table"].paginator
    assert (paginator.count, paginator.capped, paginator.num_pages) == (1, True, 1)
    assert 'id="list-capped"' in response.content.decode()


def test_list_cells_as_django_tables2_renders_them(client, firms):
    knit, _shoe = firms
    client.force_login(make_user())
    html = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert f'<td ><a href="/registry/{knit.pk}/">石狮市锦程针织服饰有限公司</a></td>' in html
    assert "<td >1761 针织或钩针编织物织造</td>" in html
    assert "<td >专精特新中小企业</td>" in html
    assert "<td >—</td>" in html  # the shoe firm has no tag


def test_a_search_inside_a_subquery_and_beside_another_copy_of_the_table(firms):
    # PostgreSQL's match names the registry table's alias (U0 … in a subquery): the firms of
    # organizations whose firm matches, and a search combined with a join back to the table
    from jinxiu.apps.core.models import Organization

    knit, shoe = firms
    inner = Enterprise.objects.filter(search_q("针织")).values("organization_id")
    assert list(Organization.objects.filter(pk__in=inner).values_list("name", flat=True)) == [
        "石狮市锦程针织服饰有限公司"]
    both = Enterprise.objects.filter(search_q("皮鞋")).exclude(
        pk__in=Enterprise.objects.filter(search_q("针织")).values("pk"))
    assert [e.pk for e in both] == [shoe.pk]
    assert list(Enterprise.objects.filter(search_q("针织") | search_q("皮鞋"))
                .order_by("pk").values_list("pk", flat=True)) == sorted([knit.pk, shoe.pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stored vector")
def test_the_stored_vector_follows_writes_and_replaces_the_expression_index(firms):
    knit, _shoe = firms
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s",
                       [fulltext.TABLE])
        names = {row[0] for row in cursor.fetchall()}
        assert fulltext.PG_INDEX in names and fulltext.PG_OLD_INDEX not in names
        cursor.execute(f"SELECT {fulltext.PG_COLUMN}::text FROM {fulltext.TABLE} "  # noqa: S608
                       "WHERE id = %s", [knit.pk])
        assert "'针织'" in cursor.fetchone()[0]
    assert fulltext.install(connection) is False  # nothing missing

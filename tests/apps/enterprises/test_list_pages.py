"""The registry list's pages: read as keys first, then the rows (``core.paginators``); with a
filter, count and page from one reading of the matches when they are at most the cap; a
search alone pages through a bounded walk of the name order or, when that does not hold the
page, every match read once, counted and sorted (``enterprises.paginators``). Whatever the
path, a page holds the rows the list's order puts there, and the count is the same."""

import pytest
from django.db import connection
from django.urls import reverse

from jinxiu.apps.core.paginators import CappedPaginator
from jinxiu.apps.enterprises.paginators import RegistryPaginator, RegistrySearchPaginator
from jinxiu.apps.enterprises.search import search_q
from tests.apps.enterprises.factories import make_enterprise
from tests.helpers.factories import make_org, make_regions, make_user

# 30 knitters and 30 dyers: the dyers' names sort first, the knitters' after them all
KNIT = [f"石狮{i:02d}针织有限公司" for i in range(30)]
DYE = [f"东莞{i:02d}印染有限公司" for i in range(30)]


@pytest.fixture
def registry(db):
    make_regions()
    for name in KNIT:
        make_enterprise(make_org(name), business_scope="针织面料", status="active")
    for i, name in enumerate(DYE):
        make_enterprise(make_org(name, region_code="330302"), business_scope="印染",
                        status="active" if i % 2 else "revoked")
    return sorted(KNIT), sorted(DYE)


def _page(client, **params):
    response = client.get(reverse("enterprises:enterprise_list"), params)
    assert response.status_code == 200
    table = response.context["table"]
    return ([row.record.organization.name for row in table.page.object_list],
            type(table.paginator))


@pytest.fixture
def browse(client):
    client.force_login(make_user())
    return client


def test_pages_hold_the_rows_of_the_lists_order(registry, browse):
    knit, dye = registry
    everyone = sorted(knit + dye)
    assert _page(browse) == (everyone[:25], CappedPaginator)
    assert _page(browse, page=3)[0] == everyone[50:]
    assert _page(browse, sort="-name", page=2)[0] == everyone[::-1][25:50]
    revoked = sorted(dye[0::2])
    assert _page(browse, status="revoked", sort="name")[0] == revoked


def test_a_sort_on_a_shared_value_pages_every_row_once(registry, browse):
    # 45 active and 15 revoked: within a status the rows have no order of their own, so the
    # list adds the key (a database may otherwise order the ties anew for each page)
    knit, dye = registry
    response = browse.get(reverse("enterprises:enterprise_list"), {"sort": "-status"})
    assert response.context["table"].data.data.query.order_by == ("-status", "pk")
    seen = [name for page in (1, 2, 3) for name in _page(browse, sort="-status", page=page)[0]]
    assert sorted(seen) == sorted(knit + dye)
    assert set(seen[:15]) == set(dye[0::2])  # "revoked" sorts after "active"; descending
    # a sort that ends in a unique column (the name: organisations' names are unique) is
    # left as it is, and the registry's own paging still recognises it
    response = browse.get(reverse("enterprises:enterprise_list"), {"sort": "-name"})
    assert response.context["table"].data.data.query.order_by == ("-organization__name",)
    assert _page(browse, status="revoked", sort="name")[1] is RegistryPaginator


@pytest.mark.parametrize("walk", [0, 5, 2000])
def test_a_search_pages_the_same_whether_the_walk_holds_the_page_or_not(
        registry, browse, monkeypatch, walk):
    # walk=0 and 5: the first names are dyers, so the knitters' page is not among them and
    # every match is read and sorted; 2000: more names than there are, no walk
    monkeypatch.setattr(RegistrySearchPaginator, "WALK", walk)
    knit, dye = registry
    assert _page(browse, q="针织") == (knit[:25], RegistrySearchPaginator)
    assert _page(browse, q="针织", page=2)[0] == knit[25:]
    assert _page(browse, q="印染", page=2)[0] == dye[25:]
    assert _page(browse, q="针织", sort="-name")[0] == knit[::-1][:25]
    # another filter beside the search: counted and paged in one reading
    assert _page(browse, q="印染", status="revoked") == (dye[0::2], RegistryPaginator)


def test_the_walk_reads_no_more_than_its_bound(registry, browse, monkeypatch):
    monkeypatch.setattr(RegistrySearchPaginator, "WALK", 40)
    queries = _captured(browse, q="印染")
    walked = [q for q in queries if '"name" <' in q]
    assert len(walked) == 1
    # the 30 dyers are all among the first 40 names: the walk held the page
    assert not any("MATERIALIZED" in q for q in queries)
    queries = _captured(browse, q="针织")  # 10 knitters among the first 40: not a page
    assert any("MATERIALIZED" in q for q in queries)


def _captured(client, **params):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("enterprises:enterprise_list"), params)
    return [q["sql"] for q in ctx.captured_queries]


def test_a_phrase_of_its_own_words_finds_what_the_words_find(registry):
    from jinxiu.apps.enterprises.models import Enterprise

    make_enterprise(make_org("温州针织鞋业有限公司", region_code="330302"),
                    business_scope="鞋业")
    both = {e.organization.name for e in Enterprise.objects.filter(search_q("针织 鞋业"))}
    assert both == {"温州针织鞋业有限公司"}
    assert {e.organization.name for e in Enterprise.objects.filter(search_q("鞋业 针织"))} \
        == both


MATCH = '"search_vector" @@' if connection.vendor == "postgresql" else "_fts MATCH"


READINGS = 1 if connection.vendor == "sqlite" else 2  # PostgreSQL: count, then the page


def test_the_rows_of_a_page_are_read_by_key_without_the_filters_again(registry, browse):
    # the search runs for the count and the page's keys (SQLite: one statement for both,
    # at most ``cap`` matches), not again for the rows
    queries = _captured(browse, q="印染", status="revoked")
    assert len([q for q in queries if MATCH in q]) == READINGS
    assert _page(browse, q="印染", status="revoked")[0][:3] == sorted(DYE)[0:6:2]


# every path against the plain one (CappedPaginator: a capped count, then the planner's page
# of keys), on the same lists: the same rows on every page, the same count and cap flag
CASES = [{"q": "针织"}, {"q": "印染"}, {"q": "有限公司"}, {"q": "针织", "status": "active"},
         {"q": "印染", "status": "revoked"}, {"status": "active"}, {"status": "revoked"},
         {"region": "330302"}, {"region": "350581", "q": "针织"}, {"q": "找不到"},
         {"status": "revoked", "region": "350581"}]


def _pages(client, params, pages=4):
    seen = []
    for page in range(1, pages + 1):
        response = client.get(reverse("enterprises:enterprise_list"), {**params, "page": page})
        table = response.context["table"]
        seen.append(([r.record.organization.name for r in table.page.object_list],
                     table.paginator.count, table.paginator.capped, table.paginator.num_pages,
                     table.page.number))
    return seen, type(table.paginator)


@pytest.mark.parametrize("cap", [10_000, 25, 7])
@pytest.mark.parametrize("walk", [0, 40, 2000])
def test_every_path_pages_as_the_plain_paginator(registry, browse, monkeypatch, cap, walk):
    from jinxiu.apps.enterprises import views

    monkeypatch.setattr(CappedPaginator, "cap", cap)
    monkeypatch.setattr(RegistryPaginator, "WALK", walk)
    monkeypatch.setattr(views.EnterpriseListView, "per_page", 10)
    for params in CASES:
        found, used = _pages(browse, params)
        assert used is (RegistrySearchPaginator if set(params) == {"q"} else RegistryPaginator)
        with monkeypatch.context() as plain:
            plain.setattr(views.EnterpriseListView, "paginator_class", CappedPaginator)
            assert _pages(browse, params) == (found, CappedPaginator), params


def _matching(client, **params):
    return [q for q in _captured(client, **params) if MATCH in q]


def test_readings_of_the_filters_per_page(registry, browse, monkeypatch):
    # a filter with at most ``cap`` matches: one statement counts them and pages (SQLite)
    queries = _matching(browse, q="印染", status="revoked")
    assert len(queries) == READINGS
    assert ("MATERIALIZED" in queries[0]) is (connection.vendor == "sqlite")
    # over the cap: the count, then the planner's page of keys
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    queries = _matching(browse, q="印染", status="active")
    assert len(queries) == 2
    assert ("<= 10 ORDER BY" in queries[0]) is (connection.vendor == "sqlite")
    # SQLite: the walk of the first names, each firm probed against the filters, holds the
    # page (the first 40 names hold 15 active dyers; the page stops at the cap: 10)
    monkeypatch.setattr(RegistryPaginator, "WALK", 40)
    queries = _matching(browse, q="印染", status="active")
    assert len(queries) == 2
    assert ("EXISTS" in queries[1] and '"name" <' in queries[1]) is (
        connection.vendor == "sqlite")
    assert _page(browse, q="印染", status="active")[0] == sorted(DYE)[1:20:2]
    # a search alone: the walk holds the page (the dyers are the first 30 names), then the
    # count; else the walk, then one statement for count and page
    monkeypatch.setattr(RegistrySearchPaginator, "WALK", 40)
    queries = _matching(browse, q="印染")
    assert len(queries) == 2 and '"name" <' in queries[0] and "COUNT(*)" in queries[1]
    queries = _matching(browse, q="针织")
    assert len(queries) == 2 and '"name" <' in queries[0] and "MATERIALIZED" in queries[1]
    assert _page(browse, q="针织") == (sorted(KNIT)[:10], RegistrySearchPaginator)

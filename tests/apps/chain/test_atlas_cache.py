"""The atlas's cached inputs (``chain.atlas_cache``): the same figures as an uncached read,
forgotten on every write of an input, and never carrying one viewer's visibility to another.
The cluster and its hand-computed figures are those of test_atlas.py."""

from decimal import Decimal

from django.core.cache import cache

from jinxiu.apps.chain import atlas_cache
from jinxiu.apps.chain.models import EnterpriseLink
from jinxiu.apps.chain.selectors import atlas
from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import Region
from jinxiu.apps.enterprises.bulk import bulk_create_logged
from jinxiu.apps.enterprises.models import YearlyIndicator
from tests.apps.enterprises.factories import make_enterprise, make_indicator
from tests.helpers.factories import make_org


def _quanzhou():
    return Region.objects.get(code="350500")


def _dyeing(user):
    return atlas(user=user, region=_quanzhou(), year=2025).gaps["fabric_dyeing"]


def test_a_second_view_reads_the_cache_not_the_registry(cluster, django_assert_max_num_queries):
    first = atlas(user=cluster["admin"], region=_quanzhou(), year=2025)
    with django_assert_max_num_queries(4):  # nodes, region, the two subqueries' region ids
        second = atlas(user=cluster["admin"], region=_quanzhou(), year=2025)
    assert second.gaps == first.gaps
    assert second.gaps["knit_fabric"].output == 90000


def test_the_shared_cache_alone_gives_the_same_atlas(cluster):
    first = atlas(user=cluster["admin"], region=_quanzhou(), year=2025)
    atlas_cache._LOCAL.clear()  # another process: only the shared cache's rows
    again = atlas(user=cluster["admin"], region=_quanzhou(), year=2025)
    assert again.gaps == first.gaps
    assert {i: f.organization.name for i, f in again.firms.items()} == {
        i: f.organization.name for i, f in first.firms.items()}


def test_a_new_indicator_is_counted_at_once(cluster):
    assert _dyeing(cluster["admin"]).output == 8000
    make_indicator(cluster["firms"]["印染丁"].organization, 2024,
                   industrial_output=Decimal(1))  # another year: the key changes anyway
    indicator = YearlyIndicator.objects.get(
        organization=cluster["firms"]["印染丁"].organization, year=2025)
    indicator.industrial_output = Decimal(9000)
    indicator.save()
    assert _dyeing(cluster["admin"]).output == 9000


def test_a_deleted_link_leaves_the_atlas_at_once(cluster):
    assert len(_dyeing(cluster["admin"]).firms) == 1
    link = EnterpriseLink.objects.get(enterprise=cluster["firms"]["印染丁"],
                                      node__code="fabric_dyeing")
    link.delete()
    gap = _dyeing(cluster["admin"])
    assert gap.firms == () and gap.verdict == "missing"


def test_a_renamed_firm_and_a_new_firm_show_at_once(cluster):
    data = atlas(user=cluster["admin"], region=_quanzhou(), year=2025)
    firm = cluster["firms"]["针织甲"]
    assert data.firms[firm.pk].organization.name == "针织甲"
    org = firm.organization
    org.name = "针织甲集团"
    org.save()
    data = atlas(user=cluster["admin"], region=_quanzhou(), year=2025)
    assert data.firms[firm.pk].organization.name == "针织甲集团"
    new = make_enterprise(make_org("新印染", region_code="350581"), main_industry="1713")
    assert new.pk in atlas(user=cluster["admin"], region=_quanzhou(), year=2025).firms


def test_bulk_writes_forget_the_cache(cluster):
    atlas(user=cluster["admin"], region=_quanzhou(), year=2025)
    before = atlas_cache.generation()
    org = cluster["firms"]["印染丁"].organization
    with change_context(user=None, source="system"):
        bulk_create_logged(YearlyIndicator, [
            YearlyIndicator(organization=org, year=2019, industrial_output=Decimal(1))])
    assert atlas_cache.generation() != before


def test_a_lost_generation_starts_afresh(cluster):
    atlas(user=cluster["admin"], region=_quanzhou(), year=2025)
    cache.delete(atlas_cache.GENERATION_KEY)
    assert _dyeing(cluster["admin"]).output == 8000


def test_visibility_is_asked_per_viewer_never_cached(cluster):
    # 印染丁 alone on its node: its statistician (石狮's policy) sees the figure, a stranger
    # who read the same cached inputs right after does not, and the other way round
    for order in (("statistician", "stranger"), ("stranger", "statistician")):
        atlas_cache._LOCAL.clear()
        cache.clear()
        for who in order:
            gap = _dyeing(cluster[who])
            if who == "statistician":
                assert not gap.suppressed and gap.output == 8000
            else:
                assert gap.suppressed and gap.output is None and gap.growth is None

"""The atlas summed in the database (``atlas_sums``) against the engine's ``analyse`` fed
firm by firm, as the atlas was computed before: the hand-computed 泉州 cluster of
test_atlas.py for every kind of viewer, and a random region with multi-node firms, missing
years, decimal outputs, tags, ended firms, rejected and weak links."""

import random
from decimal import Decimal

import pytest

from jinxiu.apps.chain.adapter import reference_from_benchmark, taxonomy_from_nodes
from jinxiu.apps.chain.models import ChainNode, EnterpriseLink
from jinxiu.apps.chain.selectors import ENDED, atlas, distribution, nodes_for_region
from jinxiu.apps.core.models import Region
from jinxiu.apps.core.permissions import ALL, permission_q
from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator
from jinxiu.engines.chain import FirmFigures, GapParams, analyse
from tests.apps.chain.factories import make_link
from tests.apps.enterprises.factories import make_enterprise, make_indicator
from tests.helpers.factories import make_org

FLOATS = ("output", "share", "lq", "growth")


def engine_gaps(user, region, year, params=None, benchmark=None):
    """The old path: every firm, link and figure of the region read, then ``analyse``."""
    params = params or GapParams()
    nodes = nodes_for_region(region)
    code_of = {n.pk: n.code for n in nodes}
    firms = Enterprise.objects.filter(organization__region__code__startswith=region.prefix) \
        .exclude(status__in=ENDED).select_related("organization")
    years = [year, year - params.growth_years]
    outputs: dict = {}
    for org_id, y, value in YearlyIndicator.objects.filter(
            organization__in=[f.organization for f in firms], year__in=years).values_list(
            "organization_id", "year", "industrial_output"):
        if value is not None:
            outputs.setdefault(org_id, {})[y] = float(value)
    figures = [FirmFigures(id=f.pk, outputs=outputs.get(f.organization_id, {}),
                           tags=tuple(f.tags)) for f in firms]
    links: dict = {}
    for firm_id, node_id in EnterpriseLink.objects.filter(
            EnterpriseLink.COUNTED, enterprise__in=firms).values_list("enterprise_id",
                                                                     "node_id"):
        if node_id in code_of:
            links.setdefault(firm_id, set()).add(code_of[node_id])
    seen_q = permission_q(user, YearlyIndicator, "view")
    visible = None
    if seen_q is not ALL:
        seen = set(YearlyIndicator.objects.filter(seen_q, year__in=years).values_list(
            "organization_id", flat=True)) if seen_q is not None else set()
        visible = {f.pk for f in firms if f.organization_id in seen}
    return analyse(taxonomy_from_nodes(nodes), figures, links, year=year,
                   reference=reference_from_benchmark(benchmark), params=params,
                   visible=visible)


def assert_same(summed, engine):
    assert summed.keys() == engine.keys()
    for code, gap in engine.items():
        got = summed[code]
        for name in FLOATS:
            want = getattr(gap, name)
            assert getattr(got, name) == (pytest.approx(want, rel=1e-9)
                                          if want is not None else None), (code, name)
        assert (got.node, got.firms, got.reported, got.anchors, got.verdict, got.suppressed) \
            == (gap.node, gap.firms, gap.reported, gap.anchors, gap.verdict, gap.suppressed), \
            code
        assert [r.code for r in got.reasons] == [r.code for r in gap.reasons], code


def _quanzhou():
    return Region.objects.get(code="350500")


@pytest.mark.parametrize("who", ["admin", "statistician", "stranger"])
@pytest.mark.parametrize("params", [GapParams(), GapParams(anchor_output=5000, anchor_tags=())])
def test_the_worked_region_as_the_engine_computes_it(cluster, who, params):
    user, region = cluster[who], _quanzhou()
    summed = atlas(user=user, region=region, year=2025, params=params,
                   benchmark=cluster["benchmark"]).gaps
    assert_same(summed, engine_gaps(user, region, 2025, params, cluster["benchmark"]))
    # the hand-computed figures (test_atlas.py), withheld from the stranger where one firm
    # stands alone
    assert summed["knit_fabric"].output == 90000 and summed["knit_fabric"].reported == 3
    dyeing = summed["fabric_dyeing"]
    assert (dyeing.output, dyeing.suppressed) == ((None, True) if who == "stranger"
                                                  else (8000, False))


def test_a_random_region_as_the_engine_computes_it(cluster):
    rng = random.Random(2026)
    leaves = list(ChainNode.objects.filter(children__isnull=True).order_by("path"))
    inner = list(ChainNode.objects.filter(children__isnull=False).distinct().order_by("path"))
    for i in range(60):
        org = make_org(f"随机{i}", region_code=rng.choice(["350581", "350582"]))
        firm = make_enterprise(org, main_industry="", tags=rng.choice(
            [[], [], [], ["leader"], ["zjtx"], ["chain_master", "zjtx"]]),
            status=rng.choice([Enterprise.Status.ACTIVE] * 9 + [ENDED[0]]))
        for year in (2023, 2025):
            if rng.random() < 0.8:
                output = Decimal(rng.randrange(0, 8_000_000)) / 100
                make_indicator(org, year, industrial_output=output
                               if rng.random() < 0.9 else None)
        for node in rng.sample(leaves, rng.choice([0, 1, 1, 2, 3])) + rng.sample(
                inner, rng.choice([0, 0, 1])):
            make_link(firm, node, grade=rng.choice(["strong", "medium", "weak"]),
                      decision=rng.choice(["auto", "auto", "confirmed", "rejected"]))
    region = _quanzhou()
    for params in (GapParams(), GapParams(anchor_output=30000, min_reported=4)):
        withheld = {}
        for who in ("admin", "statistician", "stranger"):
            data = atlas(user=cluster[who], region=region, year=2025, params=params)
            assert_same(data.gaps, engine_gaps(cluster[who], region, 2025, params))
            withheld[who] = {c for c, g in data.gaps.items() if g.suppressed}
        # the statistician sees 石狮's figures only, the stranger none
        assert not withheld["admin"] and withheld["statistician"] < withheld["stranger"]


def test_distribution_adds_up_to_the_node(cluster):
    data = atlas(user=cluster["admin"], region=_quanzhou(), year=2025)
    rows = distribution(data, "weaving")
    assert sum(r["firms"] for r in rows) == len(data.gaps["weaving"].firms) == 3
    assert sum(r["output"] or 0 for r in rows) == data.gaps["weaving"].output == 90000
    stranger = atlas(user=cluster["stranger"], region=_quanzhou(), year=2025)
    # 印染丁 alone in 石狮 on 印染: withheld from the stranger, with its node's figures
    assert [(r["region"].name, r["firms"], r["output"], r["withheld"])
            for r in distribution(stranger, "fabric_dyeing")] == [
        ("石狮市", 1, None, True), ("晋江市", 0, None, False)]


def test_only_the_named_firms_are_read(cluster, django_assert_max_num_queries):
    data = atlas(user=cluster["admin"], region=_quanzhou(), year=2025)
    # the anchor and the tagged firm came with the sums; nothing more is read for them
    with django_assert_max_num_queries(0):
        assert data.firms[cluster["firms"]["针织甲"].pk].organization.name == "针织甲"
    # another firm is read when asked for, and a firm of another region is not there
    assert data.firms[cluster["firms"]["印染丁"].pk].organization.name == "印染丁"
    assert cluster["firms"]["鞋业戊"].pk not in data.firms
    assert len(data.firms) == 4

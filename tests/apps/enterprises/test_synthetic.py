from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import ObjectChange, Organization
from jinxiu.apps.core.uscc import check_code
from jinxiu.apps.enterprises.industry import industries
from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator
from jinxiu.apps.enterprises.synthetic import generate, load


def test_the_cluster_is_deterministic_synthetic_and_valid():
    firms = generate()
    assert len(firms) == 3000
    assert [(f.name, f.credit_code, f.years[2025]["operating_revenue"]) for f in firms[:50]] \
        == [(f.name, f.credit_code, f.years[2025]["operating_revenue"])
            for f in generate()[:50]]
    assert generate(seed=7)[0].name != firms[0].name
    assert len({f.name for f in firms}) == 3000 and len({f.credit_code for f in firms}) == 3000
    assert all(f.name.startswith("【示例】") for f in firms)
    regions = Counter(f.region_code for f in firms)
    assert set(regions) == {"350581", "330302", "441900", "370215", "140581"}
    assert all(count > 200 for count in regions.values())
    sizes = Counter(f.size for f in firms)
    assert sizes["micro"] > sizes["small"] > sizes["medium"] > sizes["large"] > 20
    known = industries()
    for f in firms:
        assert check_code(f.credit_code) == []
        assert f.industry in known and all(c in known for c in f.secondary)
        assert sorted(f.years) == [2021, 2022, 2023, 2024, 2025]
        assert all(v["operating_revenue"] > 0 for v in f.years.values())
    assert sum("leader" in f.tags for f in firms) >= 10


def test_the_size_classes_follow_the_profile():
    for f in generate(firms=400):
        revenue = f.years[2025]["operating_revenue"]
        if f.size == "large":
            assert revenue >= Decimal("30000")  # a year of noise below the 40000 floor at most
        if f.size == "micro":
            assert f.years[2025]["employees"] < 25


@pytest.mark.django_db
def test_loading_writes_missing_rows_with_change_records_and_is_idempotent(settings):
    from jinxiu.apps.core.regions import region_load

    if not (Path(settings.JINXIU_REGION_DATA_DIR) / "areas.json").exists():
        pytest.skip("region data not built (run make assets)")
    region_load()
    firms = generate(firms=40)
    with change_context(user=None, source="cli"):
        counts = load(firms)
    assert counts == {"firms": 40, "skipped": 0, "organizations": 40, "records": 40,
                      "indicators": 200}
    assert Organization.objects.filter(is_synthetic=True).count() == 40
    # 40 organizations, 40 records, 200 indicators and the 40 stored size classes they give
    assert ObjectChange.objects.filter(source="cli", action="create").count() == 320
    from jinxiu.apps.enterprises.models import SizeAssessment

    assert SizeAssessment._base_manager.count() == 40
    first = Enterprise.objects.select_related("organization__region").get(
        organization__name=firms[0].name)
    assert check_code(first.credit_code, region=first.organization.region) == []
    assert first.search_index and firms[0].short_name[:2] in first.search_index
    assert YearlyIndicator.objects.filter(organization=first.organization).count() == 5
    with change_context(user=None, source="cli"):
        again = load(generate(firms=50))
    assert again["organizations"] == 10 and again["indicators"] == 50
    with change_context(user=None, source="cli"):
        assert load(generate(firms=50))["indicators"] == 0

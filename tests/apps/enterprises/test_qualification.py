"""资格预判: the tier rule sets on the registry's figures, for those who may see them."""

import datetime as dt

import pytest

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import StatisticsPolicy
from jinxiu.apps.enterprises.qualification import facts_from_indicators, qualification_rows
from tests.apps.enterprises.factories import code_for, make_enterprise, make_indicator
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(regions):
    org = make_org("锦程针织", region_code="350581")
    with change_context(user=None, source="system"):
        org.credit_code = code_for(org)
        org.save()
    enterprise = make_enterprise(org, established_on=dt.date(2015, 3, 18))
    for year, revenue in ((2023, 4200), (2024, 4800), (2025, 5000)):
        make_indicator(org, year, revenue=revenue, employees=120, rd_expense=100,
                       invention_patents=2)
    return enterprise


def test_facts_carry_every_year_and_the_registry_facts(firm):
    facts = facts_from_indicators(firm, [])["facts"]
    assert facts == {"industry_code": "1761", "registered_on": "2015-03-18"}
    from jinxiu.apps.enterprises.models import YearlyIndicator

    indicators = list(YearlyIndicator.objects.filter(organization=firm.organization))
    facts = facts_from_indicators(firm, indicators)["facts"]
    assert facts["revenue"]["by_year"] == {"2023": 4200.0, "2024": 4800.0, "2025": 5000.0}
    assert facts["rd_expense"]["by_year"]["2025"] == 100.0 and facts["ip_class1"] == 2


def test_verdicts_on_a_small_knitwear_firm(firm):
    from jinxiu.apps.enterprises.models import YearlyIndicator

    indicators = list(YearlyIndicator.objects.filter(organization=firm.organization))
    rows = {r.ruleset_id: r for r in qualification_rows(firm, indicators,
                                                        on=dt.date(2026, 6, 30))}
    assert rows["size_class"].status == "qualifies" and rows["size_class"].classification
    assert rows["above_scale"].status == "qualifies"  # revenue ≥ 2000 万元
    # facts the registry does not hold are named, never guessed
    innovative = rows["innovative_sme"]
    assert innovative.status == "cannot_tell"
    assert "列入经营异常名录（abnormal_operation_listed）" in innovative.missing
    # R&D at 2 % of revenue fails 专精特新's 3 %: the gap list says by how much, per year
    assert rows["zjtx_sme"].status == "does_not_qualify"
    assert rows["zjtx_sme"].changes == ("研发费用 2025: 100 → 150", "研发费用 2024: 100 → 144")
    assert all(r.document for r in rows.values())


def test_only_the_firm_and_its_regions_statisticians_see_the_page(client, firm):
    url = f"/registry/{firm.pk}/qualifications/"
    bureau = make_org("石狮工信局", kind="bureau", region_code="350581")
    with change_context(user=None, source="system"):
        StatisticsPolicy.objects.create(bureau=bureau, categories=["financial"], basis="统计法",
                                        valid_from=dt.date(2020, 1, 1))
    for user, expected in (
            (make_user(memberships=[(firm.organization, "viewer")]), 200),
            (make_user(memberships=[(bureau, "officer", True)]), 200),
            (make_user(memberships=[(bureau, "officer", False)]), 403),
            (make_user(memberships=[(make_org("别家", region_code="330302"), "admin")]), 403)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, user
        if expected == 200:
            assert 'data-ruleset="zjtx_sme"' in response.content.decode()

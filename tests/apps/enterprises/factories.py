from decimal import Decimal

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.uscc import make_code
from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator


def code_for(org, body: str = "MA2Y0000") -> str:
    return make_code("91", org.region.code, body)


def make_enterprise(org, **extra) -> Enterprise:
    with change_context(user=None, source="system"):
        defaults = {"main_industry": "1761", "status": Enterprise.Status.ACTIVE}
        enterprise = Enterprise(organization=org, **{**defaults, **extra})
        enterprise.full_clean()
        enterprise.save()
        return enterprise


def make_indicator(org, year: int, *, revenue=None, employees=None, **extra) -> YearlyIndicator:
    with change_context(user=None, source="system"):
        return YearlyIndicator.objects.create(
            organization=org, year=year,
            operating_revenue=Decimal(str(revenue)) if revenue is not None else None,
            employees=employees, **extra)

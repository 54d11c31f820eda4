"""Reads for the registry."""

from __future__ import annotations

from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator


def enterprise_list(*, user):
    return Enterprise.objects.select_related("organization__region").restrict(user, "view")


def indicators_for(*, user, enterprise: Enterprise) -> list[YearlyIndicator]:
    """The enterprise's yearly indicators that ``user`` may view (oldest first); empty for
    everyone the privacy model does not let see its financial data."""
    return list(YearlyIndicator.objects.restrict(user, "view")
                .filter(organization_id=enterprise.organization_id)
                .select_related("organization", "entered_by").order_by("year"))

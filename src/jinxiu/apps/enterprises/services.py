"""Writes for the registry."""

from __future__ import annotations

from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator


def enterprise_save(*, enterprise: Enterprise, user) -> Enterprise:
    enterprise.full_clean()
    enterprise.save()
    return enterprise


def indicator_save(*, indicator: YearlyIndicator, user) -> YearlyIndicator:
    """Save a yearly indicator; whoever creates it is recorded as having entered it."""
    if indicator.pk is None and user is not None and user.is_authenticated:
        indicator.entered_by = user
    indicator.full_clean()
    indicator.save()
    return indicator

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


def enterprise_tags_update(*, enterprise: Enterprise, add=(), remove=(), user=None) -> Enterprise:
    """Add and remove registry tags (the cultivation app keeps the tier tags in step with the
    valid tier records); saves only when the tags change."""
    tags = [t for t in enterprise.tags or [] if t not in remove]
    tags += [t for t in add if t not in tags]
    if tags != list(enterprise.tags or []):
        enterprise.tags = tags
        enterprise_save(enterprise=enterprise, user=user)
    return enterprise

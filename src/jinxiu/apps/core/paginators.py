"""Paginators for list pages over large tables."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows: a filter matching 40,000 of 100,000 enterprises need not
    count them all to show 25. Beyond the cap, ``capped`` is set and the pages stop at the
    cap (the list page says so and asks for a narrower filter).

    ``object_list`` is what django-tables2 pages over (its rows); the count runs on the
    queryset underneath as ``SELECT COUNT(*) FROM (... LIMIT cap + 1)``.
    """

    cap = 10_000

    def __init__(self, *args, cap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if cap is not None:
            self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        queryset = _queryset(self.object_list)
        if queryset is None:
            return super().count
        found = queryset.order_by()[:self.cap + 1].count()
        if found > self.cap:
            self.capped = True
            return self.cap
        return found


def _queryset(rows):
    """The queryset behind django-tables2's rows (or a plain queryset), else None."""
    from django.db.models import QuerySet

    if isinstance(rows, QuerySet):
        return rows
    data = getattr(getattr(rows, "data", None), "data", None)
    return data if isinstance(data, QuerySet) else None

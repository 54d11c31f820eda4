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

    A page is read in two steps: the keys of its rows, in the list's order, then those rows
    with everything the table shows (``late_rows``). The database sorts the matches carrying
    only their key and sort column: sorting whole rows (with the joined organization and
    region), SQLite read and carried every one of 9,000 matches to keep 25.
    """

    cap = 10_000
    late_rows = True

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

    def page(self, number):
        queryset = _queryset(self.object_list)
        if queryset is None or not self.late_rows:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self.page_keys(queryset, bottom, top)
        rows = _by_key(queryset).in_bulk(keys)
        # a row deleted between the two reads is left out
        records = [rows[k] for k in keys if k in rows]
        table = getattr(self.object_list, "table", None)
        if table is not None:  # django-tables2's rows: the page holds rows of the same table
            from django_tables2.rows import BoundRows

            records = BoundRows(data=records, table=table,
                                pinned_data=self.object_list.pinned_data)
        return self._get_page(records, number, self)

    def page_keys(self, queryset, bottom: int, top: int) -> list:
        """The primary keys of the rows ``bottom:top`` of ``queryset``, in its order."""
        return list(queryset.values_list("pk", flat=True)[bottom:top])


def _by_key(queryset):
    """The rows of ``queryset`` read by key: the same model, related rows and deferred
    fields, without its filters (the keys came through them already; evaluated again, a
    search's full-text match list was built a third time per page)."""
    if queryset.query.annotations or queryset.query.extra:
        return queryset.order_by()
    fresh = queryset.model._base_manager.all()
    fresh.query.select_related = queryset.query.select_related
    fresh.query.deferred_loading = queryset.query.deferred_loading
    return fresh


def _queryset(rows):
    """The queryset behind django-tables2's rows (or a plain queryset), else None."""
    from django.db.models import QuerySet

    if isinstance(rows, QuerySet):
        return rows
    data = getattr(getattr(rows, "data", None), "data", None)
    return data if isinstance(data, QuerySet) else None

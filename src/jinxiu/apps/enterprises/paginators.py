"""The registry list's pages when a full-text search is given alone (PostgreSQL; SQLite from
3.35).

The list is ordered by name. PostgreSQL has two ways to find the first 25 matches of a
search: walk the name index testing each firm's stored vector (cheap when matches are spread
over the alphabet: "针织" matches 44 % of the firms and the walk meets 25 of them within 60
rows), or read every match through the GIN index and sort them (cost in proportion to the
matches). Its estimate of the walk assumes the matches are spread evenly; names are not:
they start with the place ("温州鹿城…"), so "鞋业 鹿城" (16 % of the firms) had none among the
first 77,000 names and the walk took 300–400 ms. The planner cannot know that. SQLite walks
the name order for a search too (its FTS match list tested row by row): 220 ms for the same
search, against 140–160 ms for the match list sorted.

So a page is looked for in two steps: the walk, bounded to the first ``WALK`` names; and, when
those do not hold the whole page, all matches read in full and sorted (a materialized common
table expression, which no ordered index can turn into a walk again).
"""

from __future__ import annotations

from django.db import connection

from jinxiu.apps.core.models import Organization
from jinxiu.apps.core.paginators import CappedPaginator

NAME_ORDER = ("organization__name",)


class RegistrySearchPaginator(CappedPaginator):
    WALK = 2000

    def page_keys(self, queryset, bottom: int, top: int) -> list:
        ordering = tuple(queryset.query.order_by) or tuple(queryset.model._meta.ordering)
        if ordering != NAME_ORDER or not _materializes(connection):
            return super().page_keys(queryset, bottom, top)
        boundary = (Organization.objects.order_by("name")
                    .values_list("name", flat=True)[self.WALK:self.WALK + 1].first())
        if boundary is not None:
            keys = list(queryset.filter(organization__name__lt=boundary)
                        .values_list("pk", flat=True)[bottom:top])
            if len(keys) == top - bottom:
                return keys
        # every match, sorted by name (the names are unique: one order)
        sql, params = (queryset.order_by().values_list("pk", "organization__name")
                       .query.sql_with_params())
        with connection.cursor() as cursor:
            cursor.execute(f"WITH matches (pk, name) AS MATERIALIZED ({sql}) "  # noqa: S608 (the ORM's SQL; values are parameters)
                           "SELECT pk FROM matches ORDER BY name LIMIT %s OFFSET %s",
                           [*params, top - bottom, bottom])
            return [row[0] for row in cursor.fetchall()]


def _materializes(connection) -> bool:
    """PostgreSQL, and SQLite from 3.35 (``AS MATERIALIZED``; before, a CTE used once may be
    folded back into the query)."""
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version_info >= (3, 35)
    return connection.vendor == "postgresql"

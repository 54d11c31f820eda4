"""The registry list's pages when a filter or a search is given (PostgreSQL; SQLite from
3.35).

The list is ordered by name. A database has two ways to find the first 25 matches of a
filter: walk the name index testing each firm (cheap when matches are spread over the
alphabet: "针织" matches 44 % of the firms and the walk meets 25 of them within 60 rows), or
read every match and sort them (cost in proportion to the matches). Names are not spread
like the filters: they start with the place ("温州鹿城…"), so "鞋业 鹿城" (16 % of the firms)
had none among the first 77,000 names and PostgreSQL's walk took 300–400 ms; the size filter
of 石狮's statistician (8,345 firms) meets its first firm after 37,090 names. The planners
cannot know that.

So the page is found in as few readings of the filters as the case allows (a reading is
what costs: a search's full-text match list is built again by each statement):

- a filter on SQLite (``RegistryPaginator``): one statement reads the matches' keys up to
  the cap, as the count did, into a materialized common table expression (which no ordered
  index can turn into a walk again) and counts them; when there are at most ``cap`` of them
  (the tag, size and region + industry + search filters of the benchmark), the same
  statement joins their names and sorts them for the page: count and page in one reading,
  where the count and the page's keys read the filters twice before. Over the cap, the
  matches are many (10 % of the registry and more): the first ``WALK`` names, each firm
  probed against the filters, usually hold the page (the chain node's 25,603 firms: SQLite
  looked all of them up and sorted them for 25); where they do not, the planner pages.
  PostgreSQL counts and pages as before (the plain paginator): its planner walks the name
  order well where its estimates hold, and the matches joined to their names in one
  statement took longer than count and walk (tag 28 against 15 ms, region + industry +
  search 133 against 112 ms, EXPLAIN ANALYZE on the 100,000-firm base at load 3.5).
- a full-text search alone (``RegistrySearchPaginator``): first the walk bounded to the
  first ``WALK`` names (it holds the page when matches are spread: "针织"), then the count
  as before; when the walk does not hold the page ("鞋业 鹿城"), one statement reads every
  match with its name, counts them and sorts them (count, walk and sort were three
  readings before).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils.functional import cached_property

from jinxiu.apps.core.models import Organization
from jinxiu.apps.core.paginators import CappedPaginator, _queryset

NAME_ORDER = ("organization__name",)


class RegistryPaginator(CappedPaginator):
    WALK = 2000
    walk_first = False  # a search alone: the bounded walk of the name order first
    postgresql_reads_once = False  # count and page in one statement on PostgreSQL too

    def page(self, number):
        self._read = None
        queryset = _queryset(self.object_list)
        if queryset is not None and _name_ordered(queryset):
            try:
                wanted = max(1, int(number))
            except (TypeError, ValueError):
                wanted = None  # validate_number (below) says what is wrong
            if wanted is not None:
                bottom = (wanted - 1) * self.per_page
                top = bottom + self.per_page
                if self.walk_first:
                    keys = self._walk(queryset, bottom, top)
                    self._read = ({"found": None, "keys": keys, "bottom": bottom, "top": top}
                                  if keys is not None else
                                  self._read_all(queryset, bottom, top))
                elif connection.vendor == "sqlite" or self.postgresql_reads_once:
                    self._read = self._read_counted(queryset, bottom, top)
        return super().page(number)

    @cached_property
    def count(self) -> int:
        read = getattr(self, "_read", None)
        if read is None or read["found"] is None:
            return super().count
        if read["found"] > self.cap:
            self.capped = True
            return self.cap
        return read["found"]

    def page_keys(self, queryset, bottom: int, top: int) -> list:
        read = getattr(self, "_read", None)
        if (read is not None and read["keys"] is not None and read["bottom"] == bottom
                and read["top"] >= top):
            return read["keys"][:top - bottom]
        if self.walk_first and _name_ordered(queryset):
            keys = self._walk(queryset, bottom, top)
            return keys if keys is not None else self._read_all(queryset, bottom, top)["keys"]
        if read is not None and connection.vendor == "sqlite" and _name_ordered(queryset):
            # SQLite, over the cap: the first names are likely to hold the page
            keys = self._walk(queryset, bottom, top, probe=True)
            if keys is not None:
                return keys
        return super().page_keys(queryset, bottom, top)

    def _walk(self, queryset, bottom: int, top: int, probe: bool = False) -> list | None:
        """The page's keys when the first ``WALK`` names hold it, else None. ``probe``: each
        firm of the name order tested against the filters (a correlated EXISTS), so that
        SQLite walks the name index instead of driving the query from a key list (a chain
        node's 25,000 linked firms, all looked up and sorted for 25)."""
        boundary = (Organization.objects.order_by("name")
                    .values_list("name", flat=True)[self.WALK:self.WALK + 1].first())
        if boundary is None:
            return None
        if probe:
            walked = (queryset.model._base_manager
                      .filter(Exists(queryset.order_by().filter(pk=OuterRef("pk"))))
                      .order_by(*NAME_ORDER))
        else:
            walked = queryset
        keys = list(walked.filter(organization__name__lt=boundary)
                    .values_list("pk", flat=True)[bottom:top])
        return keys if len(keys) == top - bottom else None

    def _read_counted(self, queryset, bottom: int, top: int) -> dict:
        """Up to ``cap + 1`` matches' keys, read once: how many; when at most ``cap``, also
        the keys of rows ``bottom:top`` of them by name (the names joined to the matches
        only then: a list over the cap is paged by the planner, as before)."""
        if connection.vendor == "postgresql":
            # the names read with the matches, the join planned with the filters' estimates
            # (joined to the materialized matches, PostgreSQL merged all 100,000 names)
            sql, params = (queryset.order_by().values_list("pk", "organization__name")
                           [:self.cap + 1].query.sql_with_params())
            named = "SELECT pk, name FROM matches"
        else:
            # the owners' keys with the matches (what the count read), their names joined
            # only when the page is read from them: joined in the reading, SQLite walked all
            # organizations to reach the first 10,001 firms of a capped list
            sql, params = (queryset.order_by().values_list("pk", "organization_id")
                           [:self.cap + 1].query.sql_with_params())
            orgs = connection.ops.quote_name(Organization._meta.db_table)
            named = ("SELECT matches.pk AS pk, o.name AS name "  # noqa: S608 (a quoted table)
                     f"FROM matches JOIN {orgs} o ON o.id = matches.name")
        return self._counted_page(sql, [*params, self.cap], named, bottom, top,
                                  cap="WHERE (SELECT found FROM counted) <= %s ",
                                  complete=lambda found: found <= self.cap)

    def _read_all(self, queryset, bottom: int, top: int) -> dict:
        """Every match with its name (a materialized table: no ordered index turns it into a
        walk again), read once: how many, and the keys of rows ``bottom:top`` by name."""
        sql, params = (queryset.order_by().values_list("pk", "organization__name")
                       .query.sql_with_params())
        return self._counted_page(sql, params, "SELECT pk, name FROM matches", bottom, top,
                                  cap="", complete=lambda found: True)

    @staticmethod
    def _counted_page(sql: str, params: list, named: str, bottom: int, top: int, *, cap: str,
                      complete) -> dict:
        """The matches of ``sql`` (pk, name or owner) materialized and counted, and the keys
        of rows ``bottom:top`` of ``named`` (pk, name over ``matches``) by name, only where
        ``cap`` (a condition on the count) holds. SQL: the ORM's, table and column names
        quoted, this module's constants; every value is a parameter. One row when the page
        is empty (its key NULL): the count."""
        statement = (
            f"WITH matches (pk, name) AS MATERIALIZED ({sql}), "  # noqa: S608 (see above)
            "counted (found) AS MATERIALIZED (SELECT COUNT(*) FROM matches) "
            f"SELECT counted.found, page.pk FROM counted LEFT JOIN ({named} "
            f"{cap}ORDER BY name LIMIT %s OFFSET %s) page ON 1 = 1 ORDER BY page.name")
        with connection.cursor() as cursor:
            cursor.execute(statement, [*params, top - bottom, bottom])
            rows = cursor.fetchall()
        found = rows[0][0]
        keys = [row[1] for row in rows if row[1] is not None]
        return {"found": found, "keys": keys if complete(found) else None, "bottom": bottom,
                "top": top}


class RegistryAssessedPaginator(RegistryPaginator):
    """The size class and 规上 filters: count and page in one statement on PostgreSQL too.
    Their matches are the assessments the user may view, and for a bureau's statistician
    that test (its own firms, or owners whose region code starts with the bureau's) joins
    all 28,000 assessments of a class to their owners and regions: it was done twice a page
    (the count 72 ms, the planner's page 78 ms; read once and sorted, 100 ms: EXPLAIN
    ANALYZE on the 100,000-firm base, load 3.5)."""

    postgresql_reads_once = True


class RegistrySearchPaginator(RegistryPaginator):
    """A full-text search alone: the walk of the first ``WALK`` names, and when that does not
    hold the page, every match read once, counted and sorted (the planner's walk of the name
    order met 鞋业 鹿城's first match after 77,000 names)."""

    walk_first = True


def _name_ordered(queryset) -> bool:
    ordering = tuple(queryset.query.order_by) or tuple(queryset.model._meta.ordering)
    return ordering == NAME_ORDER and _materializes(connection)


def _materializes(connection) -> bool:
    """PostgreSQL, and SQLite from 3.35 (``AS MATERIALIZED``; before, a CTE used once may be
    folded back into the query)."""
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version_info >= (3, 35)
    return connection.vendor == "postgresql"


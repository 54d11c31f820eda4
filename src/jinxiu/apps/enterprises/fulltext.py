"""The full-text index over ``Enterprise.search_index`` (see ``search.py`` for what it holds).

``search_index`` is the raw text (name, short and former names, code, scope; lower case)
followed by its jieba search-mode tokens, separated by spaces. The database indexes it word
by word:

- **SQLite**: an FTS5 table ``enterprises_enterprise_fts`` (tokenizer ``unicode61``: words
  end at spaces and punctuation, so every jieba token is an index term) whose content is the
  registry table itself, kept in step by three triggers;
- **PostgreSQL**: a GIN index over ``to_tsvector('simple', search_index)`` (the ``simple``
  configuration only lower-cases: no stemming, no stop words).

A query term matches an indexed word it begins (prefix search): "针织" finds "针织", "针织品"
and "针织服饰", but a term inside a word ("织品" in "针织品") only where jieba's search mode
cut that word too.

:func:`install` creates what is missing; it runs from the migration and after every
``migrate`` (``apps.py``), because SQLite rebuilds a table (dropping its triggers) when a
later migration alters it: whenever the triggers had to be made again, the FTS table is
rebuilt from the registry.

SQL here is built from this module's constant table, trigger and index names only; what a
user typed is always a query parameter.
"""

from __future__ import annotations

from django.db.models import ExpressionWrapper, F, IntegerField, Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In

TABLE = "enterprises_enterprise"
FTS = "enterprises_enterprise_fts"
PG_INDEX = "enterprises_search_gin"

_SQLITE_TRIGGERS = {
    f"{FTS}_ai": f"""CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, search_index) VALUES (new.id, new.search_index); END""",  # noqa: S608
    f"{FTS}_ad": f"""CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_index)
        VALUES ('delete', old.id, old.search_index); END""",  # noqa: S608
    f"{FTS}_au": f"""CREATE TRIGGER {FTS}_au AFTER UPDATE OF search_index ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_index)
        VALUES ('delete', old.id, old.search_index);
        INSERT INTO {FTS}(rowid, search_index) VALUES (new.id, new.search_index); END""",  # noqa: S608
}


def install(connection) -> bool:
    """Create the index where it is missing; True when something was created."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
            present = {row[0] for row in cursor.fetchall()}
            if TABLE not in connection.introspection.table_names(cursor):
                return False
            if {FTS, *_SQLITE_TRIGGERS} <= present:
                return False
            if FTS not in present:
                cursor.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(search_index, "
                               f"content='{TABLE}', content_rowid='id', "
                               "tokenize='unicode61 remove_diacritics 0')")
            for name, sql in _SQLITE_TRIGGERS.items():
                if name not in present:
                    cursor.execute(sql)
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")  # noqa: S608
            return True
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [PG_INDEX])
            if cursor.fetchone():
                return False
            cursor.execute(f"CREATE INDEX {PG_INDEX} ON {TABLE} USING gin "
                           "(to_tsvector('simple'::regconfig, search_index))")
            return True
    return False


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")


def _clean(term: str) -> str:
    # quotes and backslashes are never part of an indexed word (tokens carry a word character)
    return term.replace('"', " ").replace("'", " ").replace("\\", " ").strip()


def match_q(whole: str, terms: list[str]) -> Q:
    """Rows whose index has a word starting with ``whole``, or, when ``terms`` are given, a
    word starting with each of them."""
    from django.db import connection

    whole = _clean(whole)
    terms = [t for t in (_clean(t) for t in terms) if t]
    if connection.vendor == "postgresql":
        def prefix(term):
            return "'" + term + "':*"

        query = prefix(whole) if whole else ""
        if terms:
            every = " & ".join(prefix(t) for t in terms)
            query = f"({query}) | ({every})" if query else every
        if not query:
            return Q(pk__in=[])
        # OFFSET 0 keeps the matches a subquery of their own, read once through the GIN
        # index: pulled up into a join, PostgreSQL computed to_tsvector row by row along
        # the name order (2 s for a two-word search once the tables had statistics)
        return Q(pk__in=RawSQL(  # noqa: S611 (constant SQL; the query is a parameter)
            f"SELECT id FROM {TABLE} WHERE to_tsvector('simple'::regconfig, search_index) "  # noqa: S608
            "@@ to_tsquery('simple'::regconfig, %s) OFFSET 0", [query]))

    def phrase(term):
        return '"' + term + '"*'

    query = phrase(whole) if whole else ""
    if terms:
        every = " AND ".join(phrase(t) for t in terms)
        query = f"({query}) OR ({every})" if query else every
    if not query:
        return Q(pk__in=[])
    return _id_in(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", query)  # noqa: S608


def _id_in(sql: str, query: str) -> Q:
    """``id + 0 IN (matches)`` (SQLite): the database reads the matches once and tests each
    row it considers against them. With a bare ``id IN (...)`` SQLite may take the matches as keys
    into the (organization, id) index and probe all 40,000 of them for every firm a region
    filter yields (minutes); ``+ 0`` keeps the id out of index lookups."""
    return Q(In(ExpressionWrapper(F("pk") + 0, output_field=IntegerField()),
                RawSQL(sql, [query])))  # noqa: S611 (constant SQL; the query is a parameter)

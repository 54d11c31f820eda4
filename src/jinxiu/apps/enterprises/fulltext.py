"""The full-text index over ``Enterprise.search_index`` (see ``search.py`` for what it holds).

``search_index`` is the raw text (name, short and former names, code, scope; lower case)
followed by its jieba search-mode tokens, separated by spaces. The database indexes it word
by word:

- **SQLite**: an FTS5 table ``enterprises_enterprise_fts`` (tokenizer ``unicode61``: words
  end at spaces and punctuation, so every jieba token is an index term) whose content is the
  registry table itself, kept in step by three triggers;
- **PostgreSQL**: a stored generated column ``search_vector`` =
  ``to_tsvector('simple', search_index)`` (the ``simple`` configuration only lower-cases: no
  stemming, no stop words) with a GIN index. The column is not a model field: PostgreSQL
  computes it on every insert and update, and the match is a condition on the registry table
  itself (:class:`VectorMatch`), so the planner can combine it with the other filters' indexes
  or walk the name order testing the stored vector row by row — with only an expression index,
  that walk had to compute ``to_tsvector`` for every row (2 s), so the matches were kept in a
  subquery of their own, read in full and joined against all 100,000 firms.

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

from django.db.models import BooleanField, Expression, ExpressionWrapper, F, IntegerField, Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In

TABLE = "enterprises_enterprise"
FTS = "enterprises_enterprise_fts"
PG_COLUMN = "search_vector"
PG_INDEX = "enterprises_search_vector_gin"
PG_OLD_INDEX = "enterprises_search_gin"  # the expression index before the stored column

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
            if TABLE not in connection.introspection.table_names(cursor):
                return False
            created = False
            cursor.execute("SELECT 1 FROM information_schema.columns WHERE table_name = %s "
                           "AND column_name = %s", [TABLE, PG_COLUMN])
            if not cursor.fetchone():
                cursor.execute(f"ALTER TABLE {TABLE} ADD COLUMN {PG_COLUMN} tsvector "
                               "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, "
                               "search_index)) STORED")
                created = True
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname IN (%s, %s)",
                           [PG_INDEX, PG_OLD_INDEX])
            indexes = {row[0] for row in cursor.fetchall()}
            if PG_OLD_INDEX in indexes:
                cursor.execute(f"DROP INDEX {PG_OLD_INDEX}")
            if PG_INDEX not in indexes:
                cursor.execute(f"CREATE INDEX {PG_INDEX} ON {TABLE} USING gin ({PG_COLUMN})")
                created = True
            return created
    return False


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
            cursor.execute(f"DROP INDEX IF EXISTS {PG_OLD_INDEX}")
            cursor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {PG_COLUMN}")


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
        return Q(VectorMatch(query))

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


class VectorMatch(Expression):
    """``<registry table>.search_vector @@ to_tsquery('simple', query)`` (PostgreSQL): the
    stored column is no model field, so its table alias is taken from the primary key's
    column as the query compiles it (``U0`` and the like inside a subquery)."""

    conditional = True

    def __init__(self, query: str, pk=None):
        super().__init__(output_field=BooleanField())
        self.query = query
        self.pk = F("pk") if pk is None else pk

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.pk)
        suffix = "." + connection.ops.quote_name("id")
        if not column.endswith(suffix):
            raise ValueError(f"unexpected primary key column {column}")
        vector = column[:-len(suffix)] + "." + connection.ops.quote_name(PG_COLUMN)
        return (f"{vector} @@ to_tsquery('simple'::regconfig, %s)", [*params, self.query])

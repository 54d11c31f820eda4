"""PostgreSQL: the full-text index moves from an expression index to a stored generated
``tsvector`` column with its own GIN index (``enterprises/fulltext.py``), so that a search is
a condition on the registry table itself. SQLite keeps its FTS5 table: nothing changes."""

from django.db import migrations


def forwards(apps, schema_editor):
    from jinxiu.apps.enterprises.fulltext import install

    install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0005_fulltext")]
    # backwards: install() (0005's and post_migrate's) keeps making the current index
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""The registry's full-text index (``enterprises/fulltext.py``): an FTS5 table with triggers
on SQLite, a GIN index on PostgreSQL."""

from django.db import migrations


def forwards(apps, schema_editor):
    from jinxiu.apps.enterprises.fulltext import install

    install(schema_editor.connection)


def backwards(apps, schema_editor):
    from jinxiu.apps.enterprises.fulltext import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0004_import_checked_rows")]
    operations = [migrations.RunPython(forwards, backwards)]

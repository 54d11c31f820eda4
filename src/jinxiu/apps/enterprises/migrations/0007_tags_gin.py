"""PostgreSQL: a GIN index on the registry's tags (``jsonb_path_ops``: containment only), for
the list's tag filter ``tags @> '["zjtx"]'``, which read every firm's tags as text before.
SQLite keeps the text match: nothing to do there."""

from django.db import migrations

INDEX = "enterprises_tags_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON enterprises_enterprise "
                              "USING gin (tags jsonb_path_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0006_search_vector")]
    operations = [migrations.RunPython(forwards, backwards)]

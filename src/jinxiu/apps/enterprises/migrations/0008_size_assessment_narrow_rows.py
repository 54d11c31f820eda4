"""PostgreSQL: keep the size assessments' reasons out of the table's own rows.

Each assessment carries the rules engine's reasons (``size_text``, ``above_scale_text``: about
3.7 kB together), which PostgreSQL compressed into the row: 7 rows a page, 112 MB for 100,000
firms. The list's size filter reads the class and the owner of every assessment of one class
(28,000 of them), so it read the whole 112 MB twice a page (the count and the rows; the
copy the benchmark measures on has no visibility map, so the class index alone cannot
answer). With ``toast_tuple_target = 128`` the reasons move to the TOAST table and the rows
keep the class, the flags and the owner: 10 MB. The reasons read as before.

Rows written before this migration are rewritten once (an update that makes their reasons
fresh values, then ``VACUUM FULL`` to drop the old versions: outside a transaction). SQLite
keeps what it has."""

from django.db import migrations

TABLE = "enterprises_sizeassessment"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} SET (toast_tuple_target = 128)")
    # a concatenation is a new, uncompressed value: the row goes through the toaster again
    schema_editor.execute(f"UPDATE {TABLE} SET size_text = size_text || '', "  # noqa: S608
                          "above_scale_text = above_scale_text || ''")
    schema_editor.execute(f"VACUUM FULL {TABLE}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    atomic = False  # VACUUM runs outside a transaction
    dependencies = [("enterprises", "0007_tags_gin")]
    operations = [migrations.RunPython(forwards, backwards, atomic=False)]

"""Building spreadsheets and running imports in tests."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jinxiu.apps.core.models import JobRun
from jinxiu.apps.enterprises.models import ImportBatch
from jinxiu.apps.enterprises.services import (
    import_batch_check,
    import_batch_create,
    import_batch_start,
)


def xlsx(rows: list[list], title: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                      for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(rows, name="名录.xlsx", title=None) -> SimpleUploadedFile:
    if name.endswith(".csv"):
        import csv

        text = io.StringIO()
        csv.writer(text).writerows(rows)
        return SimpleUploadedFile(name, text.getvalue().encode("utf-8-sig"))
    return SimpleUploadedFile(name, xlsx(rows, title))


def checked(user, kind, rows, *, organization=None, title=None, name="名录.xlsx",
            mapping=None) -> ImportBatch:
    batch = import_batch_create(user=user, organization=organization, kind=kind,
                                uploaded=upload(rows, name, title))
    return import_batch_check(batch=batch, user=user, mapping=mapping or batch.mapping)


def run_import(batch, user, capture) -> JobRun:
    with capture(execute=True):
        import_batch_start(batch=batch, user=user)
    batch.refresh_from_db()
    job = JobRun.objects.get(pk=batch.job_id)
    return job

"""Writes for the registry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jinxiu.apps.enterprises.models import (
    Enterprise,
    ImportBatch,
    ImportKind,
    ImportMapping,
    YearlyIndicator,
)


def enterprise_save(*, enterprise: Enterprise, user) -> Enterprise:
    enterprise.full_clean()
    enterprise.save()
    return enterprise


def indicator_save(*, indicator: YearlyIndicator, user) -> YearlyIndicator:
    """Save a yearly indicator; whoever creates it is recorded as having entered it."""
    if indicator.pk is None and user is not None and user.is_authenticated:
        indicator.entered_by = user
    indicator.full_clean()
    indicator.save()
    return indicator


def enterprise_tags_update(*, enterprise: Enterprise, add=(), remove=(), user=None) -> Enterprise:
    """Add and remove registry tags (the cultivation app keeps the tier tags in step with the
    valid tier records); saves only when the tags change."""
    tags = [t for t in enterprise.tags or [] if t not in remove]
    tags += [t for t in add if t not in tags]
    if tags != list(enterprise.tags or []):
        enterprise.tags = tags
        enterprise_save(enterprise=enterprise, user=user)
    return enterprise


# --- import -------------------------------------------------------------------------------

def import_batch_create(*, user, organization, kind: str, uploaded) -> ImportBatch:
    """Store an uploaded spreadsheet and propose a column mapping (remembered ones first).
    Raises ValidationError naming why a file cannot be taken."""
    from django.core.files.base import ContentFile

    from jinxiu.apps.core.uploads import validate_upload
    from jinxiu.apps.enterprises.imports import ImportRefused, read_table, suggest_mapping

    if kind not in ImportKind.values:
        raise ValidationError(_("Unknown kind of import."))
    validate_upload(uploaded, allowed={".xlsx": (b"PK\x03\x04",), ".csv": None})
    data = uploaded.read()
    try:
        table = read_table(data, uploaded.name)
    except ImportRefused as exc:
        raise ValidationError(str(exc)) from exc
    remembered = ImportMapping.objects.filter(organization=organization, kind=kind).first()
    batch = ImportBatch(kind=kind, owner=user, organization=organization,
                        filename=uploaded.name[:200], headers=table.headers,
                        row_count=len(table.rows),
                        mapping=suggest_mapping(kind, table.headers,
                                                remembered.columns if remembered else None))
    batch.file.save(uploaded.name, ContentFile(data), save=False)
    batch.save()
    return batch


def import_batch_check(*, batch: ImportBatch, user, mapping: dict | None = None,
                       decisions: dict | None = None) -> ImportBatch:
    """Check every row with ``mapping`` (remembered for the organization) and the person's
    ``decisions`` on proposed matches; the batch records errors and proposals."""
    from jinxiu.apps.enterprises.import_check import check_rows
    from jinxiu.apps.enterprises.imports import remembered_columns
    from jinxiu.apps.enterprises.jobs import batch_table

    if batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.DONE):
        raise ValidationError(_("This import has already been started."))
    if mapping is not None:
        batch.mapping = mapping
        stored, _created = ImportMapping.objects.get_or_create(
            organization=batch.organization, kind=batch.kind)
        stored.columns = {**stored.columns, **remembered_columns(batch.headers, mapping)}
        stored.save()
    if decisions is not None:
        batch.decisions = {**batch.decisions, **decisions}
    result = check_rows(batch.kind, batch_table(batch), batch.mapping, user=user,
                        decisions=batch.decisions)
    batch.errors = [e.as_dict() for e in result.errors]
    batch.proposals = result.proposals
    batch.status = ImportBatch.Status.REJECTED if result.errors else ImportBatch.Status.READY
    batch.summary = {"rows": len(result.records),
                     "new": sum(1 for r in result.records if r.get("org_id", 0) is None),
                     "matched": sum(1 for r in result.records if r.get("org_id"))}
    batch.save()
    return batch


def import_batch_start(*, batch: ImportBatch, user) -> ImportBatch:
    """Hand a checked import to the background job (all rows or none are written)."""
    from jinxiu.apps.core.jobs.services import job_enqueue

    if batch.status != ImportBatch.Status.READY or batch.errors:
        raise ValidationError(_("Only a checked file without errors can be imported."))
    if batch.undecided:
        raise ValidationError(_("Confirm or reject every proposed match first."))
    batch.job = job_enqueue(kind="enterprises.import", user=user,
                            organization=batch.organization, params={"batch_id": batch.pk})
    batch.status = ImportBatch.Status.QUEUED
    batch.save(update_fields=["job", "status"])
    return batch

"""Writes for the registry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinxiu.apps.enterprises.models import (
    Enterprise,
    ImportBatch,
    ImportKind,
    ImportMapping,
    SizeAssessment,
    YearlyIndicator,
)

SIZE_CHUNK = 2000


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


def size_assessments_refresh(*, organization_ids, progress=None) -> dict:
    """Recompute the size class and 规上 status of these enterprises from all their yearly
    indicators (``adapter.size_verdict``) and store what changed; an enterprise without a usable
    indicator has no assessment. Called when indicators or the main industry change, and by
    ``jinxiu registry_sizes`` to backfill; safe to run again."""
    from collections import defaultdict

    from jinxiu.apps.enterprises.adapter import size_verdict
    from jinxiu.apps.enterprises.bulk import bulk_create_logged

    ids = sorted(set(organization_ids))
    stats = {"enterprises": len(ids), "created": 0, "updated": 0, "removed": 0,
             "unchanged": 0}
    for start in range(0, len(ids), SIZE_CHUNK):
        chunk = ids[start:start + SIZE_CHUNK]
        indicators = defaultdict(list)
        for item in YearlyIndicator._base_manager.filter(organization_id__in=chunk):
            indicators[item.organization_id].append(item)
        # only firms with indicators can have a size (an import's new firms have none)
        enterprises = {e.organization_id: e for e in Enterprise._base_manager.filter(
            organization_id__in=list(indicators)).select_related("organization")}
        existing = {a.organization_id: a for a in
                    SizeAssessment._base_manager.filter(organization_id__in=chunk)}
        create = []
        for org_id in chunk:
            enterprise, row = enterprises.get(org_id), existing.get(org_id)
            verdict = size_verdict(enterprise, indicators[org_id]) \
                if enterprise is not None and indicators[org_id] else None
            if verdict is None:
                if row is not None:
                    row.delete()
                    stats["removed"] += 1
                continue
            values = {"year": verdict.year, "size_class": verdict.size_class or "",
                      "above_scale": verdict.above_scale, "size_text": verdict.size_text,
                      "above_scale_text": verdict.above_scale_text}
            if row is None:
                create.append(SizeAssessment(organization=enterprise.organization, **values))
            elif any(getattr(row, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                row.save()
                stats["updated"] += 1
            else:
                stats["unchanged"] += 1
        stats["created"] += len(bulk_create_logged(SizeAssessment, create))
        if progress is not None:
            progress(min(start + SIZE_CHUNK, len(ids)), len(ids))
    return stats


# --- import -------------------------------------------------------------------------------

def import_batch_create(*, user, organization, kind: str, uploaded) -> ImportBatch:
    """Store an uploaded spreadsheet and propose a column mapping (remembered ones first).
    Raises ValidationError naming why a file cannot be taken."""
    from django.core.files.base import ContentFile

    from jinxiu.apps.core.uploads import validate_upload
    from jinxiu.apps.enterprises.imports import (
        ImportRefused,
        read_table_cached,
        suggest_mapping,
    )

    if kind not in ImportKind.values:
        raise ValidationError(_("Unknown kind of import."))
    validate_upload(uploaded, allowed={".xlsx": (b"PK\x03\x04",), ".csv": None})
    data = uploaded.read()
    try:
        table = read_table_cached(data, uploaded.name)
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
    from jinxiu.apps.enterprises.import_store import store as store_checked
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
    store_checked(batch, None if result.errors else result.records)
    batch.status = ImportBatch.Status.REJECTED if result.errors else ImportBatch.Status.READY
    batch.summary = {"rows": len(result.records),
                     "new": sum(1 for r in result.records if r.get("org_id", 0) is None),
                     "matched": sum(1 for r in result.records if r.get("org_id"))}
    batch.save()
    return batch


@transaction.atomic  # job_enqueue sends the job on commit: after this function's writes
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

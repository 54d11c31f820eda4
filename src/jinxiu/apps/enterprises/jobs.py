"""The import job: writes the rows the check kept (``import_store.py``) — every row or none —
after making sure the registry has not moved under them since.

It runs inside one transaction (``core.jobs``); every created or changed record is in the
change log as the uploader's, with source "import"; a bad row, a refused permission or a
cancel leaves nothing written.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.jobs.registry import job_kind
from jinxiu.apps.core.models import Organization
from jinxiu.apps.core.models.changelog import ChangeSource
from jinxiu.apps.enterprises.bulk import bulk_create_logged
from jinxiu.apps.enterprises.import_check import _chunks, _region_from_code, check_rows
from jinxiu.apps.enterprises.import_store import GONE, changed_since
from jinxiu.apps.enterprises.import_store import load as checked_records
from jinxiu.apps.enterprises.imports import read_table_cached
from jinxiu.apps.enterprises.models import Enterprise, ImportBatch, YearlyIndicator
from jinxiu.apps.enterprises.services import size_assessments_refresh
from jinxiu.apps.enterprises.signals import linking_inputs_changed

PROGRESS_EVERY = 250
ENTERPRISE_VALUES = ("former_names", "legal_representative", "registered_capital",
                     "established_on", "status", "address", "business_scope", "main_industry",
                     "secondary_industries", "tags", "latitude", "longitude")
INDICATOR_VALUES = ("operating_revenue", "industrial_output", "profit", "tax", "rd_expense",
                    "exports", "employees", "invention_patents", "utility_model_patents",
                    "design_patents", "software_copyrights")


class ImportRejected(Exception):
    """Something found while writing; the transaction rolls back and nothing is kept."""


def batch_table(batch: ImportBatch):
    with batch.file.open("rb") as handle:
        return read_table_cached(handle.read(), batch.filename)


@job_kind("enterprises.import", label=gettext_lazy("Import into the registry"))
def enterprise_import_job(ctx) -> dict:
    batch = ImportBatch.objects.select_related("owner").get(pk=ctx.params["batch_id"])
    user = batch.owner
    records = checked_records(batch)
    if records is None:  # checked before the rows were kept: check the file again
        ctx.progress(1, _("checking the file"))
        result = check_rows(batch.kind, batch_table(batch), batch.mapping, user=user,
                            decisions=batch.decisions)
        if result.errors:
            first = result.errors[0]
            raise ImportRejected(_("%(n)d problems, first: row %(row)d, %(column)s: %(reason)s")
                                 % {"n": len(result.errors), "row": first.row,
                                    "column": first.column, "reason": first.reason})
        records = result.records
    else:
        ctx.progress(1, _("reading the checked rows"))
        _reject_if_changed(changed_since(records))
    missing = [r["row"] for r in records if "org_id" not in r]
    if missing:
        raise ImportRejected(_("confirm the proposed matches first (rows %(rows)s)")
                             % {"rows": ", ".join(map(str, missing[:10]))})
    write = _write_enterprises if batch.kind == "enterprises" else _write_indicators
    with change_context(user=user, source=ChangeSource.IMPORT):
        summary = write(ctx, records, user)
    batch.status = ImportBatch.Status.DONE
    batch.summary = summary
    batch.save(update_fields=["status", "summary"])
    return summary


def _reject_if_changed(problems) -> None:
    """The registry changed under some rows since the check: nothing is written."""
    if not problems:
        return
    texts = []
    for row, what, code in problems[:10]:
        if what == GONE:
            texts.append(_("row %(row)d: the matched organization no longer exists")
                         % {"row": row})
        else:
            texts.append(_("row %(row)d: %(code)s has been registered since the check")
                         % {"row": row, "code": code})
    raise ImportRejected(_("the registry changed since the check; check the file again (%(list)s)")
                         % {"list": "; ".join(texts)})


def _progress(ctx, index: int, total: int) -> None:
    if index % PROGRESS_EVERY == 0:
        ctx.progress(5 + 90 * index / max(total, 1),
                     _("row %(n)d of %(total)d") % {"n": index, "total": total})


def _existing_orgs(records) -> dict[int, Organization]:
    found = {}
    for chunk in _chunks({r["org_id"] for r in records if r["org_id"]}):
        for org in Organization.objects.filter(pk__in=chunk).select_related("region"):
            found[org.pk] = org
    return found


def _write_enterprises(ctx, records, user) -> dict:
    """New organizations and registry records are written in bulk (with their change-log
    records, ``bulk.py``); registered ones are updated one by one, so each change is logged
    with its values before and after."""
    orgs = _existing_orgs(records)
    enterprises = {}
    for chunk in _chunks(list(orgs)):
        for ent in Enterprise.objects.filter(organization_id__in=chunk):
            enterprises[ent.organization_id] = ent
    fresh = [r for r in records if not r["org_id"]]
    created_orgs = bulk_create_logged(Organization, [
        Organization(kind=Organization.Kind.ENTERPRISE, name=r["name"],
                     credit_code=r["code"] or None,
                     region=r["values"].get("region") or _region_from_code(r["code"]),
                     short_name=r["values"].get("short_name") or "")
        for r in fresh])
    new_org_for = {r["row"]: org for r, org in zip(fresh, created_orgs, strict=True)}
    created = updated = unchanged = 0
    touched: dict[bool, list] = {True: [], False: []}
    new_records, relink = [], []
    for index, record in enumerate(records):
        _progress(ctx, index, len(records))
        values = record["values"]
        org = orgs[record["org_id"]] if record["org_id"] else new_org_for[record["row"]]
        former = list(enterprises[org.pk].former_names or []) if org.pk in enterprises else []
        if record["org_id"]:
            changed = False
            if record["name"] and record["name"] != org.name:
                former.append(org.name)  # a renamed enterprise keeps its old name
                org.name, changed = record["name"], True
            if values.get("short_name") and values["short_name"] != org.short_name:
                org.short_name, changed = values["short_name"], True
            if values.get("region") is not None and values["region"].pk != org.region_id:
                org.region, changed = values["region"], True  # superusers only (checked)
            if changed:
                org.save()
        ent = enterprises.get(org.pk) or Enterprise(organization=org)
        is_new = ent.pk is None
        before = None if is_new else _snapshot(ent)
        for key in ENTERPRISE_VALUES:
            value = values.get(key)
            if value is not None and value != []:
                setattr(ent, key, value)
        if former:
            ent.former_names = list(dict.fromkeys(
                [*former, *(values.get("former_names") or [])]))
        ent.organization = org
        try:
            ent.clean_fields(exclude=["organization", "search_index"])
            ent.clean()
        except Exception as exc:
            raise ImportRejected(_("row %(row)d: %(error)s")
                                 % {"row": record["row"], "error": exc}) from exc
        if is_new:
            ent.search_index = ent.build_search_index()
            new_records.append(ent)
            created += 1
        elif _snapshot(ent) != before:
            ent.defer_linking = True  # re-linked together below
            if ent.linking_inputs() != ent._linking_loaded:
                relink.append(ent.pk)
            ent.save()
            updated += 1
            touched[False].append(ent.pk)
        else:
            unchanged += 1
            touched[False].append(ent.pk)
    ctx.progress(96, _("writing new records"))
    touched[True] = [e.pk for e in bulk_create_logged(Enterprise, new_records)]
    _check_allowed(Organization, [o.pk for o in created_orgs], user, "add",
                   _("new organizations"))
    _check_allowed(Enterprise, touched[True], user, "add", _("enterprise records"))
    _check_allowed(Enterprise, touched[False], user, "change", _("enterprise records"))
    ctx.progress(97, _("size classes"))
    # ``by``: the chain app links these firms in a follow-up job that starts when this
    # transaction commits (a refused import starts none and leaves no links behind)
    answers = linking_inputs_changed.send(sender=Enterprise, by=user,
                                          enterprise_ids=[*touched[True], *relink])
    summary = {"created": created, "updated": updated, "unchanged": unchanged,
               "rows": len(records)}
    follow_up = [a for _r, a in answers if getattr(a, "kind", None) == "chain.relink"]
    if follow_up:
        summary["link_job"] = follow_up[0].pk
    return summary


def _snapshot(obj) -> dict:
    return {f.attname: f.value_from_object(obj) for f in obj._meta.concrete_fields
            if f.name not in ("last_updated", "search_index")}


def _write_indicators(ctx, records, user) -> dict:
    existing = {}
    for chunk in _chunks({r["org_id"] for r in records}):
        for item in YearlyIndicator.objects.filter(organization_id__in=chunk):
            existing[(item.organization_id, item.year)] = item
    created = updated = unchanged = 0
    touched: dict[bool, list] = {True: [], False: []}
    new_items = []
    for index, record in enumerate(records):
        _progress(ctx, index, len(records))
        values = record["values"]
        item = existing.get((record["org_id"], values["year"]))
        if item is None:
            item = YearlyIndicator(organization_id=record["org_id"], year=values["year"],
                                   source=YearlyIndicator.Source.IMPORTED, entered_by=user)
            for key in INDICATOR_VALUES:
                if values.get(key) is not None:
                    setattr(item, key, values[key])
            new_items.append(item)
            created += 1
            continue
        before = _snapshot(item)
        for key in INDICATOR_VALUES:
            if values.get(key) is not None:
                setattr(item, key, values[key])
        if _snapshot(item) != before:
            item.source = YearlyIndicator.Source.IMPORTED
            item.defer_size = True  # sizes are refreshed together below
            item.save()
            updated += 1
        else:
            unchanged += 1
        # unchanged rows too: "unchanged" must not tell anyone else what the figures are
        touched[False].append(item.pk)
    ctx.progress(96, _("writing new records"))
    touched[True] = [i.pk for i in bulk_create_logged(YearlyIndicator, new_items)]
    _check_allowed(YearlyIndicator, touched[True], user, "add", _("yearly indicators"))
    _check_allowed(YearlyIndicator, touched[False], user, "change", _("yearly indicators"))
    ctx.progress(97, _("size classes"))
    size_assessments_refresh(organization_ids={r["org_id"] for r in records})
    return {"created": created, "updated": updated, "unchanged": unchanged,
            "rows": len(records)}


def _check_allowed(model, pks, user, action, what) -> None:
    """Every written row must be one the uploader may ``action``; else nothing is kept."""
    if not pks or user.is_superuser:
        return
    allowed = 0
    for chunk in _chunks(pks):
        allowed += model.objects.restrict(user, action).filter(pk__in=chunk).count()
    if allowed != len(pks):
        raise ImportRejected(_("you may not write %(n)d of the %(what)s in this file")
                             % {"n": len(pks) - allowed, "what": what})

"""Writes for tiered cultivation."""

from __future__ import annotations

import datetime as dt

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.jobs.services import job_enqueue
from jinxiu.apps.core.permissions import user_can
from jinxiu.apps.cultivation.adapter import (
    NoVersionInForce,
    facts_document,
    judge,
    merge_facts,
    parse_revision,
)
from jinxiu.apps.cultivation.models import (
    Application,
    EvaluationRun,
    RuleSetRevision,
    TierRecord,
)
from jinxiu.apps.cultivation.tiers import expiry_for, tier, tiers
from jinxiu.engines.rules import RuleSetError


# --- rule sets ----------------------------------------------------------------------------
def ruleset_sync_shipped() -> list[RuleSetRevision]:
    """Copy the engine's shipped rule-set files in as revisions without an owner: a new
    revision whenever a file's text differs from the newest shipped revision."""
    from jinxiu.engines.rules.loader import DATA_DIR, shipped_ids

    created = []
    with change_context(user=None, source="system"):
        for code in shipped_ids():
            text = (DATA_DIR / f"{code}.yaml").read_text(encoding="utf-8")
            latest = (RuleSetRevision._base_manager.filter(code=code, organization__isnull=True)
                      .order_by("-revision").first())
            if latest is not None and latest.text == text:
                continue
            revision = RuleSetRevision(code=code, text=text,
                                       revision=(latest.revision + 1) if latest else 1,
                                       note=_("Shipped with the platform."))
            revision.full_clean()
            revision.save()
            created.append(revision)
    return created


def ruleset_next_revision(organization, code: str) -> int:
    top = RuleSetRevision._base_manager.filter(organization=organization, code=code).aggregate(
        top=Max("revision"))["top"]
    return (top or 0) + 1


def ruleset_copy(*, source: RuleSetRevision, organization, user,
                 effective_from: dt.date | None = None, version_id: str = "") -> RuleSetRevision:
    """A copy of ``source`` kept by ``organization`` (a bureau or association). With
    ``effective_from``, the copy gets a new version from that date: the newest version is
    duplicated under ``version_id`` and the version before it ends the day before."""
    text = source.text
    if effective_from is not None:
        text = _with_new_version(text, effective_from, version_id or f"{effective_from:%Y%m%d}")
    revision = RuleSetRevision(organization=organization, code=source.code, text=text,
                               revision=ruleset_next_revision(organization, source.code),
                               based_on=source, note=_("Copied from %(src)s.") % {"src": source})
    revision.full_clean()
    revision.save()
    if not user_can(user, revision, "add"):
        raise PermissionDenied(_("You may not keep rule sets for this organization."))
    return revision


def _with_new_version(text: str, start: dt.date, version_id: str) -> str:
    raw = yaml.safe_load(text)
    versions = raw.get("versions") or []
    if not versions:
        raise ValidationError({"text": _("The rule set has no version to copy.")})
    newest = max(versions, key=lambda v: str(v.get("effective_from", "")))
    if any(str(v.get("id")) == version_id for v in versions):
        raise ValidationError({"version_id": _("There is already a version %(id)s.")
                               % {"id": version_id}})
    if str(newest.get("effective_from", "")) >= start.isoformat():
        raise ValidationError({"effective_from": _(
            "The new version must start after the newest one (%(date)s).")
            % {"date": newest.get("effective_from")}})
    for v in versions:
        end = v.get("effective_to")
        if end is None or str(end) >= start.isoformat():
            v["effective_to"] = start - dt.timedelta(days=1)
    copy = {**newest, "id": version_id, "effective_from": start}
    copy.pop("effective_to", None)
    versions.append(copy)
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=100)


def ruleset_save(*, revision: RuleSetRevision, user) -> RuleSetRevision:
    """Validate (the engine's loader) and save; a new revision gets the next number."""
    if revision.pk is None:
        revision.revision = ruleset_next_revision(revision.organization, revision.code)
    revision.full_clean()
    revision.save()
    return revision


# --- tier records -------------------------------------------------------------------------
def tier_tags_sync(*, organization, on: dt.date | None = None, user=None) -> None:
    """Set the registry tags of the tiers the enterprise holds on ``on`` and remove the tags of
    the tiers it no longer holds (only tiers the platform keeps records of)."""
    from jinxiu.apps.enterprises.models import Enterprise
    from jinxiu.apps.enterprises.services import enterprise_tags_update

    on = on or timezone.localdate()
    enterprise = Enterprise.objects.filter(organization=organization).first()
    if enterprise is None:
        return
    held = {tier(r.tier).tag for r in TierRecord._base_manager.filter(organization=organization)
            if r.is_valid(on)}
    managed = {t.tag for t in tiers().values()}
    enterprise_tags_update(enterprise=enterprise, add=sorted(held),
                           remove=managed - held, user=user)


def tierrecord_save(*, record: TierRecord, user) -> TierRecord:
    record.full_clean()
    record.save()
    tier_tags_sync(organization=record.organization, user=user)
    return record


def tierrecord_delete(*, record: TierRecord, user) -> None:
    organization = record.organization
    record.delete()
    tier_tags_sync(organization=organization, user=user)


def tierrecord_remind(*, on: dt.date, within_days: int) -> list[TierRecord]:
    """Mark the valid records expiring within ``within_days`` as reminded (once per record and
    expiry date), so the enterprise and the bureau see that the review is due."""
    limit = on + dt.timedelta(days=within_days)
    due = (TierRecord._base_manager.filter(granted_on__lte=on, expires_on__gte=on,
                                           expires_on__lte=limit, revoked_on__isnull=True,
                                           reminded_on__isnull=True)
           .select_related("organization").order_by("expires_on"))
    reminded = []
    with change_context(user=None, source="system"):
        for record in due:
            record.reminded_on = on
            record.save()
            reminded.append(record)
    return reminded


# --- batch evaluation ---------------------------------------------------------------------
@transaction.atomic  # job_enqueue sends the job on commit: after this function's writes
def evaluation_run_start(*, user, organization, ruleset: RuleSetRevision,
                         assessed_on: dt.date, filters: dict, note: str = "") -> EvaluationRun:
    try:
        parse_revision(ruleset).version_on(assessed_on)
    except RuleSetError as exc:
        raise ValidationError({"ruleset": [str(p) for p in exc.problems]}) from exc
    except NoVersionInForce as exc:
        raise ValidationError({"assessed_on": str(exc)}) from exc
    run = EvaluationRun(organization=organization, ruleset=ruleset, assessed_on=assessed_on,
                        filters=filters, note=note)
    run.full_clean()
    run.save()
    if not user_can(user, run, "run"):
        raise PermissionDenied(_("You may not run evaluations for this organization."))
    run.job = job_enqueue(kind="cultivation.evaluate", user=user, organization=organization,
                          params={"run": run.pk})
    run.save()
    return run


# --- applications -------------------------------------------------------------------------
def application_precheck(*, application: Application, base_facts: dict) -> Application:
    """Run the engine on the registry's facts with the application's facts on top; store the
    verdict on the application (not saved here)."""
    ruleset = parse_revision(application.ruleset)
    facts = merge_facts(base_facts, facts_document(
        application.facts, source=_("application"),
        enterprise=application.organization.name if application.organization_id else ""))
    try:
        outcome = judge(ruleset, facts, on=application.assessed_on)
    except NoVersionInForce as exc:
        raise ValidationError({"assessed_on": str(exc)}) from exc
    application.precheck = outcome.verdict
    application.precheck_status = outcome.status
    return application


def application_save(*, application: Application, user, base_facts: dict) -> Application:
    if application.pk is not None and not application.editable:
        raise ValidationError(_("Only a draft or a returned application can be changed."))
    application.full_clean()
    application_precheck(application=application, base_facts=base_facts)
    application.save()
    return application


def _transition(application: Application, allowed: tuple, status: str) -> None:
    if application.status not in allowed:
        raise ValidationError(_("An application that is “%(status)s” cannot be moved to "
                                "“%(to)s”.") % {"status": application.get_status_display(),
                                                "to": Application.Status(status).label})
    application.status = status


def application_submit(*, application: Application, user, base_facts: dict) -> Application:
    if not user_can(user, application, "change"):
        raise PermissionDenied(_("You may not submit this application."))
    _transition(application, Application.EDITABLE, Application.Status.SUBMITTED)
    application_precheck(application=application, base_facts=base_facts)
    application.submitted_at = timezone.now()
    application.reasons = ""
    application.save()
    return application


def _reviewing(application: Application, user) -> None:
    if not user_can(user, application, "review"):
        raise PermissionDenied(_("You may not review this application."))


def application_start_review(*, application: Application, user) -> Application:
    _reviewing(application, user)
    _transition(application, (Application.Status.SUBMITTED,), Application.Status.UNDER_REVIEW)
    application.reviewer = user
    application.save()
    return application


def application_return(*, application: Application, user, reasons: str) -> Application:
    _reviewing(application, user)
    if not reasons.strip():
        raise ValidationError({"reasons": _("Say why the application is returned.")})
    _transition(application, (Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW),
                Application.Status.RETURNED)
    application.reasons = reasons.strip()
    application.reviewer = user
    application.decided_at = timezone.now()
    application.save()
    return application


@transaction.atomic
def application_approve(*, application: Application, user, granted_on: dt.date,
                        certificate_no: str = "", reasons: str = "") -> Application:
    """Approve: the tier record is created (valid for the tier's period) and the registry's
    tags follow."""
    _reviewing(application, user)
    _transition(application, (Application.Status.UNDER_REVIEW,), Application.Status.APPROVED)
    record = TierRecord(
        organization=application.organization, tier=application.tier,
        ruleset=application.ruleset,
        version=(application.precheck.get("version") or {}).get("id", ""),
        granted_on=granted_on, expires_on=expiry_for(granted_on, application.tier),
        certificate_no=certificate_no, source=TierRecord.Source.REVIEW,
        granted_by=", ".join(m.organization.name for m in user.memberships.all()
                             .select_related("organization")
                             if m.organization.kind in ("bureau", "association"))[:200])
    tierrecord_save(record=record, user=user)
    application.record = record
    application.reasons = reasons.strip()
    application.reviewer = user
    application.decided_at = timezone.now()
    application.save()
    return application

"""Background jobs: batch evaluation of the registry, and the expiry reminders."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.jobs.registry import job_kind


def _enterprises(run, user):
    """The registry records the run covers, as its owner may see them."""
    from jinxiu.apps.cultivation.selectors import reviewable_organizations
    from jinxiu.apps.enterprises.filtersets import EnterpriseFilterSet
    from jinxiu.apps.enterprises.selectors import enterprise_list

    # a bureau evaluates the enterprises of its own region
    qs = enterprise_list(user=user).select_related("organization").filter(
        organization__in=reviewable_organizations(user=user))
    filters = {k: v for k, v in (run.filters or {}).items() if v not in (None, "", [])}
    if filters:
        filterset = EnterpriseFilterSet(filters, queryset=qs)
        qs = filterset.qs if filterset.is_valid() else qs.none()
    return list(qs.order_by("organization__name"))


@job_kind("cultivation.evaluate", label=_("Evaluate the registry against a rule set"),
          atomic=False)
def evaluate_job(ctx):
    """Reads and computes outside any transaction; writes all verdicts in one at the end, so
    a failed or cancelled run leaves no half-written results and can be retried."""
    from jinxiu.apps.cultivation.adapter import judge, merge_facts, parse_revision, title_facts
    from jinxiu.apps.cultivation.models import Evaluation, EvaluationRun, TierRecord
    from jinxiu.apps.cultivation.tiers import previous_tier, tiers
    from jinxiu.apps.enterprises.models import YearlyIndicator
    from jinxiu.apps.enterprises.qualification import facts_from_indicators

    run = EvaluationRun.objects.select_related("ruleset").get(pk=ctx.params["run"])
    decided = [t for t in tiers().values() if t.ruleset == run.ruleset.code]
    rung = previous_tier(decided[0].id) if decided else None
    below = rung.id if rung else None
    user = ctx.user
    ruleset = parse_revision(run.ruleset)
    enterprises = _enterprises(run, user)
    org_ids = [e.organization_id for e in enterprises]
    indicators: dict[int, list] = {}
    for indicator in (YearlyIndicator.objects.restrict(user, "view")
                      .filter(organization_id__in=org_ids).order_by("year")):
        indicators.setdefault(indicator.organization_id, []).append(indicator)
    records: dict[int, list] = {}
    for record in TierRecord.objects.restrict(user, "view").filter(organization_id__in=org_ids):
        records.setdefault(record.organization_id, []).append(record)
    results = []
    total = max(len(enterprises), 1)
    for i, enterprise in enumerate(enterprises):
        if i % 25 == 0:
            ctx.progress(90 * i / total, _("%(i)d of %(n)d enterprises")
                         % {"i": i, "n": len(enterprises)})
        held = records.get(enterprise.organization_id, [])
        facts = facts_from_indicators(enterprise, indicators.get(enterprise.organization_id, []))
        facts = merge_facts(facts, {"facts": title_facts(held, run.assessed_on)})
        # gap lists are what ranks the candidates for a tier: on a rung of the ladder only
        # the holders of the rung below are candidates, so only they need one
        with_gaps = below is None or any(
            r.tier == below and r.is_valid(run.assessed_on) for r in held)
        results.append((enterprise, judge(ruleset, facts, on=run.assessed_on,
                                          with_gaps=with_gaps)))
    ctx.progress(95, _("Saving the verdicts"))
    counts: dict[str, int] = {}
    with transaction.atomic():
        Evaluation.objects.filter(run=run).delete()  # a retried run starts afresh
        for enterprise, outcome in results:
            Evaluation.objects.create(
                organization_id=enterprise.organization_id, run=run, ruleset=run.ruleset,
                version=outcome.version, content_hash=outcome.content_hash,
                assessed_on=run.assessed_on, status=outcome.status,
                classification=outcome.classification, missing=outcome.missing,
                changes=outcome.changes, change_count=outcome.change_count,
                effort=outcome.effort, feasible=outcome.feasible, verdict=outcome.verdict)
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        run.counts = {**counts, "total": len(results)}
        run.finished = timezone.now()
        run.save()
    return {**run.counts, "url": run.get_absolute_url()}


@job_kind("cultivation.remind", label=_("Tier review reminders"), superuser_only=True)
def remind_job(ctx):
    from jinxiu.apps.cultivation.services import tierrecord_remind

    on = dt.date.fromisoformat(ctx.params["on"]) if ctx.params.get("on") \
        else timezone.localdate()
    reminded = tierrecord_remind(on=on, within_days=int(ctx.params.get("within_days", 90)))
    return {"reminded": len(reminded)}

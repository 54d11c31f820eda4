"""Reads for tiered cultivation. Every query starts from ``restrict(user, action)``."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from jinxiu.apps.core.models import Organization
from jinxiu.apps.core.permissions import user_permissions
from jinxiu.apps.cultivation.adapter import merge_facts, title_facts
from jinxiu.apps.cultivation.models import (
    REVIEWER_KINDS,
    Evaluation,
    EvaluationRun,
    RuleSetRevision,
    Status,
    TierRecord,
)
from jinxiu.apps.cultivation.tiers import ladder, previous_tier, tier, tiers


def ruleset_current(*, user, code: str) -> RuleSetRevision | None:
    """The revision ``user`` evaluates with: the newest copy kept by one of its organizations,
    else the newest shipped revision."""
    visible = RuleSetRevision.objects.restrict(user, "view").filter(code=code)
    own_orgs = [m.organization_id for m in user_permissions(user).memberships] \
        if user.is_authenticated else []
    own = visible.filter(organization_id__in=own_orgs).order_by("-revision", "-pk").first()
    return own or visible.filter(organization__isnull=True).order_by("-revision").first()


def reviewable_organizations(*, user):
    """Enterprises in the regions where ``user`` reviews (admin/officer of a bureau or an
    association); every enterprise for a superuser."""
    qs = Organization.objects.filter(kind=Organization.Kind.ENTERPRISE)
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    q = Q(pk__in=[])
    for m in user_permissions(user).memberships:
        org = m.organization
        if org.kind in REVIEWER_KINDS and org.region and m.role in ("admin", "officer"):
            q |= Q(region__code__startswith=org.region.prefix)
    return qs.filter(q)


def is_reviewer(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(m.organization.kind in REVIEWER_KINDS for m in user_permissions(user).memberships)


def enterprise_facts(*, user, enterprise, on: dt.date) -> dict:
    """The engine's facts for ``enterprise`` as ``user`` may see them: the registry's figures
    (only indicators the user may view) and the titles it holds on ``on``."""
    from jinxiu.apps.enterprises.qualification import facts_from_indicators
    from jinxiu.apps.enterprises.selectors import indicators_for

    base = facts_from_indicators(enterprise, indicators_for(user=user, enterprise=enterprise))
    records = TierRecord.objects.restrict(user, "view").filter(
        organization_id=enterprise.organization_id)
    return merge_facts(base, {"facts": title_facts(records, on)})


def tierrecord_valid(*, user, on: dt.date):
    return (TierRecord.objects.restrict(user, "view")
            .filter(granted_on__lte=on, expires_on__gte=on)
            .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)))


def tierrecord_expiring(*, user, on: dt.date, within_days: int):
    """Valid records whose expiry/review date falls within ``within_days`` of ``on``."""
    return (tierrecord_valid(user=user, on=on)
            .filter(expires_on__lte=on + dt.timedelta(days=within_days))
            .select_related("organization__region").order_by("expires_on"))


def pipeline_counts(*, user, on: dt.date) -> dict:
    """Valid titles per tier, and per tier and region (city level), of what ``user`` may see."""
    rows = tierrecord_valid(user=user, on=on).values_list(
        "tier", "organization_id", "organization__region__code", "organization__region__name")
    per_tier: dict[str, set] = defaultdict(set)
    per_region: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for tier_id, org_id, code, name in rows:
        if org_id in per_tier[tier_id]:
            continue
        per_tier[tier_id].add(org_id)
        per_region[(code or "", name or "")][tier_id] += 1
    return {"tiers": {t: len(per_tier.get(t, ())) for t in tiers()},
            "regions": sorted(((code, name, dict(c)) for (code, name), c in per_region.items()),
                              key=lambda r: r[0])}


def funnel_option(counts: dict, registry_total: int) -> dict:
    """An ECharts funnel: the registry, then each rung of the ladder."""
    data = [{"name": str(_("Registry")), "value": registry_total}]
    data += [{"name": t.label, "value": counts["tiers"].get(t.id, 0)} for t in ladder()]
    return {"tooltip": {"trigger": "item"},
            "series": [{"type": "funnel", "sort": "descending", "left": "10%", "width": "80%",
                        "label": {"show": True, "position": "inside",
                                  "formatter": "{b}: {c}"},
                        "data": data}]}


def latest_run(*, user, code: str) -> EvaluationRun | None:
    return (EvaluationRun.objects.restrict(user, "view")
            .filter(ruleset__code=code, finished__isnull=False)
            .select_related("ruleset").order_by("-finished", "-pk").first())


def candidates(*, user, tier_id: str, on: dt.date, limit: int = 200) -> list[Evaluation]:
    """Candidates for ``tier_id`` from the latest finished run of its rule set: firms that
    qualify first, then those that fail ranked by how little is missing (complete gap lists
    first, fewer changes, smaller changes), then those the engine cannot tell. Firms that
    already hold the tier are left out; for a rung of the ladder, only firms holding the rung
    below (when one exists) are candidates."""
    target = tier(tier_id)
    run = latest_run(user=user, code=target.ruleset)
    if run is None:
        return []
    valid = tierrecord_valid(user=user, on=on)
    holders = set(valid.filter(tier=tier_id).values_list("organization_id", flat=True))
    below = previous_tier(tier_id)
    evaluations = (Evaluation.objects.restrict(user, "view").filter(run=run)
                   .exclude(organization_id__in=holders)
                   .select_related("organization__region", "run"))
    if below is not None:
        rung = set(valid.filter(tier=below.id).values_list("organization_id", flat=True))
        evaluations = evaluations.filter(organization_id__in=rung)
    order = {Status.QUALIFIES: 0, Status.FAILS: 1, Status.UNKNOWN: 2}
    ranked = sorted(evaluations, key=lambda e: (
        order.get(e.status, 3), 0 if e.feasible else 1,
        e.change_count if e.change_count is not None else 99, e.effort or 0.0,
        e.organization.name))
    return ranked[:limit]


def run_changes(*, user, run: EvaluationRun) -> dict:
    """Compared with the previous finished run of the same rule set by the same organization:
    who newly qualifies and who no longer qualifies."""
    previous = (EvaluationRun.objects.restrict(user, "view")
                .filter(organization_id=run.organization_id, ruleset__code=run.ruleset.code,
                        finished__isnull=False, created__lt=run.created)
                .exclude(pk=run.pk).order_by("-created").first())
    result = {"previous": previous, "newly": [], "no_longer": []}
    if previous is None:
        return result
    visible = Evaluation.objects.restrict(user, "view").select_related("organization")
    before = {e.organization_id: e for e in visible.filter(run=previous)}
    for now in visible.filter(run=run).order_by("organization__name"):
        old = before.get(now.organization_id)
        was = old is not None and old.status == Status.QUALIFIES
        if now.status == Status.QUALIFIES and not was:
            result["newly"].append((now, old))
        elif was and now.status != Status.QUALIFIES:
            result["no_longer"].append((now, old))
    return result

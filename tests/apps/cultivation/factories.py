import datetime as dt

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.cultivation.models import (
    Application,
    Evaluation,
    EvaluationRun,
    RuleSetRevision,
    TierRecord,
)
from jinxiu.apps.cultivation.services import ruleset_sync_shipped
from tests.apps.enterprises.factories import make_enterprise


def shipped(code: str) -> RuleSetRevision:
    if not RuleSetRevision.objects.filter(code=code, organization__isnull=True).exists():
        ruleset_sync_shipped()
    return RuleSetRevision.objects.filter(code=code, organization__isnull=True) \
        .order_by("-revision").first()


def make_record(org, tier="zjtx", granted=dt.date(2024, 1, 1), expires=None, **extra):
    with change_context(user=None, source="system"):
        record = TierRecord(organization=org, tier=tier, granted_on=granted,
                            expires_on=expires or granted.replace(year=granted.year + 3)
                            - dt.timedelta(days=1), **extra)
        record.full_clean()
        record.save()
        return record


def make_run(owner_org, code="above_scale", on=dt.date(2026, 6, 30), **extra):
    with change_context(user=None, source="system"):
        return EvaluationRun.objects.create(organization=owner_org, ruleset=shipped(code),
                                            assessed_on=on, **extra)


def make_evaluation(org, run, status="qualifies", **extra):
    with change_context(user=None, source="system"):
        return Evaluation.objects.create(
            organization=org, run=run, ruleset=run.ruleset, version="2017",
            content_hash="abc", assessed_on=run.assessed_on, status=status, **extra)


def make_application(org, tier="innovative_sme", **extra):
    with change_context(user=None, source="system"):
        defaults = {"assessed_on": dt.date(2026, 6, 30), "note": "申请说明"}
        return Application.objects.create(organization=org, tier=tier,
                                          ruleset=shipped("innovative_sme" if tier ==
                                                          "innovative_sme" else tier),
                                          **{**defaults, **extra})


def enterprise_for(org, **extra):
    return make_enterprise(org, **extra)

"""Read-side queries of the core app. Every one starts from what ``user`` may see."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from jinxiu.apps.core.models import JobRun, ObjectChange, Organization


def organization_list(*, user):
    return Organization.objects.restrict(user, "view").select_related("region")


def organization_kind_chart(*, user) -> dict:
    """An ECharts option: how many organizations of each kind the user can see."""
    labels = dict(Organization.Kind.choices)
    rows = (
        organization_list(user=user).order_by().values("kind").annotate(n=Count("pk"))
        .order_by("kind")
    )
    data = [(str(labels.get(r["kind"], r["kind"])), r["n"]) for r in rows]
    return {
        "tooltip": {},
        "grid": {"left": 40, "right": 16, "top": 24, "bottom": 32, "containLabel": True},
        "xAxis": {"type": "category", "data": [d[0] for d in data], "axisLabel": {"interval": 0}},
        "yAxis": {"type": "value", "minInterval": 1, "name": _("organizations")},
        "series": [{"type": "bar", "data": [d[1] for d in data], "barMaxWidth": 48}],
    }


def job_list(*, user):
    return JobRun.objects.restrict(user, "view").select_related("owner", "organization")


def objectchange_list(*, user):
    return ObjectChange.objects.restrict(user, "view").select_related(
        "user", "changed_object_type"
    )

"""“Re-balance now”: the line-balancing engine run on the line as it really works today.

The style is the one the line scanned most recently; the operators are the line's active ones
with the machine types they can run (their skills), each at the performance observed over
their last shifts (earned / on-standard minutes, relative to the line's average) instead of
the efficiency on their record.
The result is a new balancing plan of the production app (SALBP-2: highest output with these
operators), which the supervisor compares with the plan in use and applies by moving people.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinxiu.apps.core.jobs.registry import job_kind
from jinxiu.apps.core.jobs.services import job_enqueue
from jinxiu.apps.production.models import BalancePlan, Line, Operation
from jinxiu.apps.tracking.models import Attendance, FloorEvent
from jinxiu.apps.tracking.selectors import operator_figures_for_day

LOOKBACK_DAYS = 5


def observed_performance(*, user, line: Line, today: dt.date) -> dict[int, float]:
    """Operator id → their speed relative to the line: earned / on-standard minutes over their
    shifts of the last days, divided by the line's average of it, within 0.5–2.

    Relative, because a balance moves work between people by how fast each is compared with
    the others; the line's absolute level (lost time, learning a new style) is no reason to
    move work and would only scale every time alike."""
    days = sorted(set(Attendance.objects.restrict(user, "view").filter(
        operator__line=line, date__gt=today - dt.timedelta(days=LOOKBACK_DAYS),
        date__lte=today).values_list("date", flat=True)))
    earned: dict[int, float] = {}
    standard: dict[int, float] = {}
    for day in days:
        for operator, figures in operator_figures_for_day(user=user, day=day, line=line):
            earned[operator.pk] = earned.get(operator.pk, 0) + float(figures.earned)
            standard[operator.pk] = standard.get(operator.pk, 0) + float(figures.on_standard)
    raw = {pk: earned[pk] / standard[pk] for pk in earned
           if standard.get(pk) and earned[pk] > 0}
    if not raw:
        return {}
    mean = sum(raw.values()) / len(raw)
    return {pk: round(min(2.0, max(0.5, value / mean)), 2) for pk, value in raw.items()}


def observed_skills(operators, performance: dict[int, float]) -> dict[str, dict[str, float]]:
    """Operator name → machine type → efficiency: the observed performance on every machine
    type the operator can run; the recorded skills where nothing was observed."""
    return {str(p): ({m: performance[p.pk] for m in p.skills} if p.pk in performance
                     else dict(p.skills)) for p in operators}


@transaction.atomic
def line_rebalance(*, line: Line, user, today: dt.date | None = None) -> BalancePlan:
    """Create the re-balancing plan for ``line`` and queue its job (performance observed over
    the days up to ``today``)."""
    last = FloorEvent.objects.restrict(user, "view").filter(
        line=line, kind=FloorEvent.Kind.SCAN).order_by("-occurred_at").values_list(
        "operation_id", flat=True).first()
    if last is None:
        raise ValidationError(_("The line has no scans yet: nothing to re-balance."))
    style = Operation.objects.get(pk=last).style
    operators = list(line.operators.filter(active=True).order_by("name"))
    if not operators:
        raise ValidationError(_("The line “%(line)s” has no active operators.")
                              % {"line": line})
    today = today or timezone.localdate()
    skills = observed_skills(operators, observed_performance(user=user, line=line,
                                                             today=today))
    now = timezone.localtime()
    plan = BalancePlan(organization=line.organization, style=style, line=line,
                       name=_("Re-balance %(line)s %(time)s")
                       % {"line": line, "time": now.strftime("%m-%d %H:%M")},
                       mode=BalancePlan.Mode.MAX_OUTPUT, use_operator_skills=True,
                       time_limit_s=10)
    plan.full_clean()
    plan.save()
    job = job_enqueue(kind="tracking.rebalance", user=user, organization=line.organization,
                      params={"plan": plan.pk, "skills": skills})
    plan.job = job
    plan.status = BalancePlan.Status.RUNNING
    plan.save()
    return plan


@job_kind("tracking.rebalance", label=gettext_lazy("Re-balance a line on observed figures"),
          atomic=False)
def rebalance_job(ctx):
    from jinxiu.apps.production.adapter import plan_problem, result_to_json, solve_params
    from jinxiu.engines.common import MaxRuntime
    from jinxiu.engines.linebal import solve
    from jinxiu.engines.linebal.problem import Operator as EngineOperator

    plan = BalancePlan.objects.select_related("style", "line").get(pk=ctx.params["plan"])
    ctx.progress(5, gettext_lazy("Reading the bulletin"))
    data, ops = plan_problem(plan)
    skills = ctx.params["skills"]
    data = dataclasses.replace(data, operators=tuple(
        EngineOperator(name=op.name, efficiency=skills.get(op.name, dict(op.efficiency)))
        for op in data.operators))
    ctx.progress(10, gettext_lazy("Balancing"))
    result = solve(data, stop=MaxRuntime(plan.time_limit_s), seed=0, params=solve_params())
    if not result.assignment:
        raise ValueError(_("No balance found (%(reason)s).") % {"reason": result.stop_reason})
    with transaction.atomic():
        plan.result = {**result_to_json(result, ops), "observed_skills": skills}
        plan.status = BalancePlan.Status.DONE
        plan.edited = False
        plan.save()
    return {"stations": result.stations, "cycle_seconds": result.cycle_time / 100,
            "url": plan.get_absolute_url()}

"""The balancing job: build the engine's input, solve, store the plan."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.jobs.registry import job_kind


@job_kind("production.balance", label=_("Balance a sewing line"), atomic=False)
def balance_job(ctx):
    from jinxiu.apps.production.adapter import plan_problem, result_to_json, solve_params
    from jinxiu.apps.production.models import BalancePlan
    from jinxiu.engines.common import MaxRuntime
    from jinxiu.engines.linebal import solve

    plan = BalancePlan.objects.select_related("style", "line").get(pk=ctx.params["plan"])
    ctx.progress(5, _("Reading the bulletin"))
    data, ops = plan_problem(plan)
    ctx.progress(10, _("Balancing %(n)d operations") % {"n": len(ops)})
    result = solve(data, stop=MaxRuntime(plan.time_limit_s), seed=0, params=solve_params())
    ctx.progress(95, _("Saving the plan"))
    if not result.assignment:
        raise ValueError(_("No balance found (%(reason)s).") % {"reason": result.stop_reason})
    with transaction.atomic():  # the only write: short, after the engine has finished
        plan.result = result_to_json(result, ops)
        plan.status = BalancePlan.Status.DONE
        plan.edited = False
        plan.save()
    return {"stations": result.stations, "cycle_seconds": result.cycle_time / 100,
            "proven_optimal": result.proven_optimal,
            "url": plan.get_absolute_url()}

"""The balancing job: build the engine's input, solve, store the plan."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.jobs.registry import job_kind


def _load_engine() -> float:
    from jinxiu.engines.linebal.cbfs import warm_up

    return warm_up()


@job_kind("production.balance", label=_("Balance a sewing line"), atomic=False,
          warm_up=_load_engine)
def balance_job(ctx):
    from jinxiu.apps.production.adapter import (
        bulletin_signature,
        plan_operations,
        plan_problem,
        result_to_json,
        solve_params,
    )
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
        # what was balanced must still be what the plan stands for: the plan may have been
        # reset (its style changed) or its bulletin edited or re-imported during the search
        current = BalancePlan.objects.select_for_update().select_related("style").get(
            pk=plan.pk)
        if current.job_id != ctx.job.pk or current.style_id != plan.style_id:
            raise ValueError(_("The plan was changed while it was being balanced; this "
                               "result was not saved."))
        if bulletin_signature(plan_operations(current)) != bulletin_signature(ops):
            raise ValueError(_("The bulletin of %(style)s was changed while the plan was "
                               "being balanced; balance it again.") % {"style": current.style})
        current.result = result_to_json(result, ops)
        current.status = BalancePlan.Status.DONE
        current.edited = False
        current.save()
    return {"stations": result.stations, "cycle_seconds": result.cycle_time / 100,
            "proven_optimal": result.proven_optimal,
            "url": current.get_absolute_url()}

"""The balancing job: build the engine's input, solve, store the plan."""

import threading
import time

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.jobs.registry import job_kind
from jinxiu.apps.core.jobs.services import JobCancelled
from jinxiu.engines.common import MaxRuntime

REPORT_EVERY_S = 1.0  # progress reports during the search, at most this often


class _Reporting(MaxRuntime):
    """The plan's time limit as the engine's stop criterion, which also reports how far
    the search is (the engine asks it often: between the search's slices) and stops the
    search when the job is cancelled. Reports come only from the job's own thread (the
    engine may search in a second one)."""

    def __init__(self, ctx, seconds: float, operations: int) -> None:
        super().__init__(seconds)
        self.ctx, self.operations = ctx, operations
        self.thread = threading.get_ident()
        self.next_report = 0.0
        self.cancelled = False

    def __call__(self, best_objective: float) -> bool:
        if self.cancelled or super().__call__(best_objective):
            return True
        now = time.perf_counter()
        if threading.get_ident() == self.thread and now >= self.next_report:
            self.next_report = now + REPORT_EVERY_S
            spent = self.seconds - self.remaining()
            try:
                self.ctx.progress(10 + 85 * spent / self.seconds, _(
                    "Balancing %(n)d operations: %(s)d of at most %(limit)d s")
                    % {"n": self.operations, "s": spent, "limit": self.seconds})
            except JobCancelled:  # raised here it would unwind the engine's threads
                self.cancelled = True
                return True
        return False


def _mark_failed(plan_pk: int, job_pk: int) -> None:
    """The plan's stored status follows its job's failure (lists, filters and the API read
    the field), unless another run has taken the plan over since."""
    from jinxiu.apps.production.models import BalancePlan

    with transaction.atomic():
        plan = BalancePlan.objects.select_for_update().filter(pk=plan_pk, job_id=job_pk).first()
        if plan is not None and plan.status == BalancePlan.Status.RUNNING:
            plan.status = BalancePlan.Status.FAILED
            plan.save()


def _load_engine() -> float:
    from jinxiu.engines.linebal.cbfs import warm_up

    return warm_up()


@job_kind("production.balance", label=_("Balance a sewing line"), atomic=False,
          warm_up=_load_engine)
def balance_job(ctx):
    try:
        return _balance(ctx)
    except JobCancelled:
        from jinxiu.apps.production.models import BalancePlan

        # back to what the plan was before this run: balanced, or not run yet
        with transaction.atomic():
            plan = BalancePlan.objects.select_for_update().filter(
                pk=ctx.params["plan"], job_id=ctx.job.pk).first()
            if plan is not None and plan.status == BalancePlan.Status.RUNNING:
                plan.status = BalancePlan.Status.DONE if plan.result else BalancePlan.Status.DRAFT
                plan.save()
        raise
    except Exception:
        _mark_failed(ctx.params["plan"], ctx.job.pk)
        raise


def _balance(ctx):
    from jinxiu.apps.production.adapter import (
        bulletin_signature,
        fewest_workplaces,
        plan_input_parts,
        plan_inputs,
        plan_operations,
        plan_operators,
        plan_problem,
        result_to_json,
        solve_params,
    )
    from jinxiu.apps.production.models import BalancePlan
    from jinxiu.apps.production.routing import routes_freely
    from jinxiu.engines.linebal import solve

    plan = BalancePlan.objects.select_related("style", "line").get(pk=ctx.params["plan"])
    ctx.progress(5, _("Reading the bulletin"))
    data, ops = plan_problem(plan)
    people = plan_operators(plan)
    inputs = plan_inputs(plan, ops, people)  # what this run balances, kept with its result
    parts = plan_input_parts(plan, ops, people)  # and per part, to say what changed later
    ctx.progress(10, _("Balancing %(n)d operations") % {"n": len(ops)})
    stop = _Reporting(ctx, plan.time_limit_s, len(ops))
    result = solve(data, stop=stop, seed=0, params=solve_params())
    if stop.cancelled:
        raise JobCancelled
    # the highest output with as few of the operators as it needs (a few seconds more)
    result = fewest_workplaces(data, result, seconds=min(3.0, max(0.5, plan.time_limit_s / 5)))
    ctx.progress(95, _("Saving the plan"))
    if not result.assignment:
        if str(result.stop_reason) == "infeasible":
            if not data.precedences and routes_freely(plan):  # no order to keep there
                raise ValueError(_(
                    "No plan keeps every rule (machine types, zones, the line's machines and "
                    "operators' skills) at this cycle time or number of operators. Raise the "
                    "cycle time or the operators, or relax a rule."))
            raise ValueError(_(
                "No plan keeps every rule (precedence, machine types, zones, the line's "
                "machines and operators' skills) at this cycle time or number of operators. "
                "Raise the cycle time or the operators, or relax a rule."))
        raise ValueError(_("No plan was found within the time limit of %(s)d s; raise the "
                           "plan's time limit.") % {"s": plan.time_limit_s})
    with transaction.atomic():  # the only write: short, after the engine has finished
        # what was balanced must still be what the plan stands for: the plan may have been
        # reset (its style changed) or its bulletin edited or re-imported during the search
        current = BalancePlan.objects.select_for_update().select_related("style").get(
            pk=plan.pk)
        if current.job_id != ctx.job.pk or current.style_id != plan.style_id:
            raise ValueError(_("The plan was changed while it was being balanced; this "
                               "result was not saved."))
        if current.status != BalancePlan.Status.RUNNING:
            # a retried job of a run that failed or was cancelled: the plan may have been
            # edited by hand since, which a result saved now would silently replace
            raise ValueError(_("This run is no longer the plan's current one; balance the "
                               "plan again."))
        if bulletin_signature(plan_operations(current)) != bulletin_signature(ops):
            raise ValueError(_("The bulletin of %(style)s was changed while the plan was "
                               "being balanced; balance it again.") % {"style": current.style})
        current.result = {**result_to_json(result, ops, people), "inputs": inputs,
                          "input_parts": parts}
        current.status = BalancePlan.Status.DONE
        current.edited = False
        current.save()
    return {"stations": result.stations, "cycle_seconds": result.cycle_time / 100,
            "proven_optimal": result.proven_optimal,
            "url": current.get_absolute_url()}

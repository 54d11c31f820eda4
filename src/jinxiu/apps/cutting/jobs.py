"""The planning job: plan the cut order and nest its markers, then store them (分床 + 排料)."""

import time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinxiu.apps.core.jobs.registry import job_kind


@job_kind("cutting.plan", label=gettext_lazy("Plan a cut order and its markers"), atomic=False)
def plan_job(ctx):
    """Computes outside any transaction (nesting takes seconds to minutes per marker) and
    writes the plan and its markers in one short transaction at the end."""
    from jinxiu.apps.cutting.adapter import plan_with_markers
    from jinxiu.apps.cutting.models import CutOrder
    from jinxiu.apps.cutting.services import order_store_plan

    order = CutOrder.objects.select_related("pattern__style", "organization").get(
        pk=ctx.params["order"])
    ctx.progress(2, _("Reading the pattern"))
    started = time.monotonic()
    # a rough share of the work: the markers of the first plan take most of the time
    expected = max(1, order.max_garments) * order.seconds_per_marker * 2
    last = [0.0, None]  # time and best utilization of the last report

    def report(message: str, best: float | None) -> None:
        now = time.monotonic()
        if now - last[0] < 0.3 and best == last[1]:
            return  # throttle repeated reports; a better marker is always shown
        last[0], last[1] = now, best
        percent = 5 + 90 * min(1.0, (now - started) / expected)
        text = message
        if best is not None:
            text = _("best utilization so far %(u).1f %% · %(msg)s") % {
                "u": 100 * best, "msg": message}
        ctx.progress(percent, text)

    run = plan_with_markers(order, seconds=order.seconds_per_marker, seed=1, report=report)
    ctx.progress(97, _("Saving the plan"))
    markers = order_store_plan(order=order, run=run)
    return {"markers": len(markers), "fabric_mm": round(order.fabric_length or 0, 1),
            "utilization": round(order.plan.get("piece_area", 0)
                                 / max(order.width * (order.fabric_length or 1), 1e-9), 4),
            "url": order.get_absolute_url()}

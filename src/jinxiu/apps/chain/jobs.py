"""Re-link the whole registry to the chain (a background job with progress)."""

from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.jobs.registry import job_kind


@job_kind("chain.relink", label=_("Re-link the registry to the chain"), atomic=False)
def relink_job(ctx):
    from jinxiu.apps.chain.services import links_rebuild
    from jinxiu.apps.enterprises.models import Enterprise

    enterprises = Enterprise.objects.select_related("organization__region")
    if ctx.params.get("region"):
        enterprises = enterprises.filter(
            organization__region__code__startswith=ctx.params["region"])
    ctx.progress(2, _("Reading the registry"))

    def progress(done, total):
        ctx.progress(5 + 85 * done / max(total, 1),
                     _("%(done)d of %(total)d enterprises") % {"done": done, "total": total})

    # reads and links outside any transaction; writes in one short transaction at the end
    stats = links_rebuild(enterprises=enterprises, progress=progress)
    ctx.progress(95, _("Saved"))
    return stats

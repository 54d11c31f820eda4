"""Re-link the registry, a region of it or a list of firms to the chain (a background job
with progress)."""

from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.jobs.registry import job_kind
from jinxiu.apps.core.models.changelog import ChangeSource


@job_kind("chain.relink", label=_("Re-link the registry to the chain"), atomic=False)
def relink_job(ctx):
    from jinxiu.apps.chain.services import ids_from_ranges
    from jinxiu.apps.enterprises.models import Enterprise

    enterprises = Enterprise.objects.select_related("organization__region")
    if ctx.params.get("region"):
        enterprises = enterprises.filter(
            organization__region__code__startswith=ctx.params["region"])
    if "enterprise_ranges" in ctx.params:  # the firms an import wrote (``relink_enqueue``)
        ids = ids_from_ranges(ctx.params["enterprise_ranges"])
        chunks = [ids[i:i + 5000] for i in range(0, len(ids), 5000)]  # SQLite's parameters
    else:
        chunks = [None]
    total = sum(len(c) for c in chunks) if chunks != [None] else None
    ctx.progress(2, _("Reading the registry"))
    if ctx.params.get("after") == "import":  # the links are logged as the import's
        with change_context(user=ctx.user, source=ChangeSource.IMPORT):
            return _relink(ctx, enterprises, chunks, total)
    return _relink(ctx, enterprises, chunks, total)


def _relink(ctx, enterprises, chunks, total) -> dict:
    from jinxiu.apps.chain.services import links_rebuild

    stats: dict[str, int] = {}
    done = 0
    for chunk in chunks:
        def progress(i, n, done=done):
            whole = total or n
            ctx.progress(5 + 85 * (done + i) / max(whole, 1),
                         _("%(done)d of %(total)d enterprises")
                         % {"done": done + i, "total": whole})

        part = enterprises if chunk is None else enterprises.filter(pk__in=chunk)
        # reads and links outside any transaction; writes in one short transaction per chunk
        for key, value in links_rebuild(enterprises=part, progress=progress).items():
            stats[key] = stats.get(key, 0) + value
        done += len(chunk or ())
    ctx.progress(95, _("Saved"))
    return stats

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
            stats = _relink(ctx, enterprises, chunks, total)
    else:
        stats = _relink(ctx, enterprises, chunks, total)
    return {**stats, "atlas_warmed": _warm(ctx, enterprises, chunks)}


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


def _warm(ctx, enterprises, chunks) -> list[str]:
    """The atlases of the relinked firms' cities and provinces, computed into the cache now
    that the links are written (the first view after an import finds them)."""
    from jinxiu.apps.chain.selectors import atlas_warm

    ctx.progress(96, _("Preparing the atlas"))
    region_ids: set = set()
    for chunk in chunks:
        part = enterprises if chunk is None else enterprises.filter(pk__in=chunk)
        region_ids.update(part.order_by().values_list("organization__region_id", flat=True)
                          .distinct())
    return atlas_warm(region_ids=region_ids - {None})

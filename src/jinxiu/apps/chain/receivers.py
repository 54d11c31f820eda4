"""The atlas follows the registry: a firm whose industry codes or business scope change (a
form, the API) is re-linked at once, keeping people's decisions. An import (``by``: its
uploader) hands its firms to a follow-up job instead, enqueued when the import commits: links
are derived data, and linking 50,000 firms inside the import's transaction doubled its time."""

from __future__ import annotations

from django.dispatch import receiver

from jinxiu.apps.enterprises.signals import linking_inputs_changed


@receiver(linking_inputs_changed, dispatch_uid="chain_relink_changed_enterprises")
def _relink(sender, enterprise_ids, by=None, **kwargs):
    from jinxiu.apps.chain.services import enterprise_links_refresh, relink_enqueue

    if by is not None:
        return relink_enqueue(enterprise_ids=enterprise_ids, user=by)
    enterprise_links_refresh(enterprise_ids=enterprise_ids)
    return None

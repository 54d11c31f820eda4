"""The atlas follows the registry: a firm whose industry codes or business scope change (a
form, the API, an import) is re-linked at once, keeping people's decisions."""

from __future__ import annotations

from django.dispatch import receiver

from jinxiu.apps.enterprises.signals import linking_inputs_changed


@receiver(linking_inputs_changed, dispatch_uid="chain_relink_changed_enterprises")
def _relink(sender, enterprise_ids, **kwargs):
    from jinxiu.apps.chain.services import enterprise_links_refresh

    enterprise_links_refresh(enterprise_ids=enterprise_ids)

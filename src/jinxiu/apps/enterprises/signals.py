"""The search index follows the organization's name, short name and credit code; other apps
hear when an enterprise's linking inputs (industry codes, business scope) change."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from jinxiu.apps.core.models import Organization

# sent with ``enterprise_ids`` (a list of Enterprise pks) after new registry records are
# written or the industry codes / business scope of existing ones change, inside the writing
# transaction (the chain app re-links them there, so a rolled-back import leaves no links)
linking_inputs_changed = Signal()


@receiver(post_save, sender=Organization, dispatch_uid="enterprises_search_index_org")
def _reindex_enterprise(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:
        return
    from jinxiu.apps.enterprises.models import Enterprise

    enterprise = Enterprise._base_manager.filter(organization_id=instance.pk).first()
    if enterprise is None:
        return
    enterprise.organization = instance
    index = enterprise.build_search_index()
    if index != enterprise.search_index:
        # the index is derived data, left out of the change log
        Enterprise._base_manager.filter(pk=enterprise.pk).update(search_index=index)

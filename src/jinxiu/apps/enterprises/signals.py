"""The search index follows the organization's name, short name and credit code; other apps
hear when an enterprise's linking inputs (industry codes, business scope) change."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from jinxiu.apps.core.models import Organization

# sent with ``enterprise_ids`` (a list of Enterprise pks) after new registry records are
# written or the industry codes / business scope of existing ones change, inside the writing
# transaction. The chain app re-links them there; with ``by`` (the import's uploader) it
# starts a follow-up job when the transaction commits instead (a rolled-back import leaves
# no links and starts nothing). A receiver may answer with the job it started.
linking_inputs_changed = Signal()

# sent by ``bulk.bulk_create_logged`` (sender: the model) after rows were written in bulk,
# which sends no post_save: caches of registry data (the chain atlas) hear of them here.
rows_bulk_created = Signal()


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


def _refresh_sizes(organization_ids) -> None:
    from jinxiu.apps.enterprises.services import size_assessments_refresh

    size_assessments_refresh(organization_ids=organization_ids)


def _indicator_changed(sender, instance, raw=False, **kwargs):
    # the import job sets ``defer_size`` and refreshes the whole file's firms at the end
    if raw or getattr(instance, "defer_size", False):
        return
    _refresh_sizes([instance.organization_id])


@receiver(linking_inputs_changed, dispatch_uid="enterprises_size_on_industry")
def _industry_changed(sender, enterprise_ids, **kwargs):
    """The main industry decides which size thresholds apply."""
    from jinxiu.apps.enterprises.models import Enterprise

    ids = list(enterprise_ids)
    orgs = []
    for start in range(0, len(ids), 5000):  # SQLite's limit on query parameters
        orgs += Enterprise._base_manager.filter(pk__in=ids[start:start + 5000]).values_list(
            "organization_id", flat=True)
    _refresh_sizes(orgs)


def connect_indicator_signals() -> None:
    from jinxiu.apps.enterprises.models import YearlyIndicator

    post_save.connect(_indicator_changed, sender=YearlyIndicator,
                      dispatch_uid="enterprises_size_on_indicator_save")
    post_delete.connect(_indicator_changed, sender=YearlyIndicator,
                        dispatch_uid="enterprises_size_on_indicator_delete")

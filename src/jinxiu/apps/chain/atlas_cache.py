"""The atlas's inputs per (region, years, thresholds), kept in Django's cache between views.

What is cached is what every viewer reads alike: the groups of the region's linked firms with
their sums (``atlas_sums``: about a thousand rows for a city, one query of 0.5–0.7 s for
泉州) and the firms the atlas names (anchors, tagged firms). What a viewer may see is never
cached: ``selectors.atlas`` asks it of the database on each view, so a cached entry cannot
carry one user's visibility to another. (Until round three the entries were the region's
30,000 firms, 55,000 links and 60,000 figures, read into Python: bench/results/registry.md.)

Invalidation is by generation: every entry's key holds the current generation, and any write
of an input (an enterprise, an organization, a yearly indicator, a chain link or node, a
region) sets a new one, at once and again when the writing transaction commits (a view that
read the old rows between the two stores them under a generation no view asks for any
more). Bulk writes of the registry (``bulk_create_logged``: imports, the demo, relinking)
send ``enterprises.signals.rows_bulk_created``, heard here too. Two layers: the shared cache
(plain rows, every process) and each process's last few entries as built objects, both under
the same keys, so a new generation retires both. A new generation is a random
token, not a counter: two writers bumping at once can never leave the same value behind.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from jinxiu.apps.chain.models import ChainNode, EnterpriseLink
from jinxiu.apps.core.models import Organization, Region
from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator
from jinxiu.apps.enterprises.signals import rows_bulk_created

GENERATION_KEY = "chain:atlas:generation"
FORMAT = 3  # of the cached rows: a deploy that changes them changes this
TIMEOUT = 6 * 3600  # seconds; an entry also dies with its generation
INPUTS = (Enterprise, Organization, YearlyIndicator, EnterpriseLink, ChainNode, Region)


def generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        value = cache.get(GENERATION_KEY)
    return value


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def invalidate() -> None:
    """Forget every cached atlas input, now and when the current transaction commits."""
    _new_generation()
    transaction.on_commit(_new_generation)


def key(region_id: int, parts: tuple) -> str:
    """``parts``: what else the entry depends on (years, thresholds)."""
    return f"chain:atlas:inputs:{FORMAT}:{generation()}:{region_id}:{','.join(map(str, parts))}"


# this process's last few entries as built objects (the named firms); the shared cache holds
# plain rows
_LOCAL: OrderedDict[str, object] = OrderedDict()
LOCAL_ENTRIES = 4


def local_get(cache_key: str):
    value = _LOCAL.get(cache_key)
    if value is not None:
        _LOCAL.move_to_end(cache_key)
    return value


def local_put(cache_key: str, value) -> None:
    _LOCAL[cache_key] = value
    _LOCAL.move_to_end(cache_key)
    while len(_LOCAL) > LOCAL_ENTRIES:
        _LOCAL.popitem(last=False)


def get(cache_key: str):
    return cache.get(cache_key)


def put(cache_key: str, value) -> None:
    cache.set(cache_key, value, TIMEOUT)


@receiver(post_save, dispatch_uid="chain_atlas_cache_saved")
@receiver(post_delete, dispatch_uid="chain_atlas_cache_deleted")
def _input_written(sender, raw=False, **kwargs):
    if sender in INPUTS:
        invalidate()


@receiver(rows_bulk_created, dispatch_uid="chain_atlas_cache_bulk")
def _inputs_bulk_written(sender, **kwargs):
    if sender in INPUTS:
        invalidate()

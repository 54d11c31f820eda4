"""Writes of the chain atlas: the taxonomy, links and their decisions, reference figures."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from jinxiu.apps.chain.adapter import firm_from_enterprise, reasons_to_json, taxonomy_from_nodes
from jinxiu.apps.chain.models import (
    ChainBenchmark,
    ChainNode,
    EnterpriseLink,
    KeyProject,
    Platform,
)
from jinxiu.apps.enterprises.bulk import bulk_create_logged
from jinxiu.engines.chain import Linker, Taxonomy, read_taxonomy


def taxonomy_load(*, taxonomy: Taxonomy | None = None) -> dict:
    """Create or update the shipped nodes from the taxonomy file; idempotent. A region's own
    nodes are left alone; a shipped node that left the file stays (links may refer to it)."""
    taxonomy = taxonomy or read_taxonomy()
    created = updated = 0
    with transaction.atomic():
        for order, node in enumerate(taxonomy.nodes):
            values = {
                "name": node.name, "name_en": node.en, "sort_order": order,
                "industry_codes": list(node.industry_codes), "keywords": list(node.keywords),
                "products": list(node.products), "technologies": list(node.technologies),
                "applications": list(node.applications), "source": node.source,
                "parent": ChainNode.objects.get(code=node.parent) if node.parent else None,
            }
            row = ChainNode.objects.filter(code=node.code).first()
            if row is None:
                row = ChainNode(code=node.code, **values)
                row.full_clean()
                row.save()
                created += 1
                continue
            if any(getattr(row, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                row.full_clean()
                row.save()
                updated += 1
    return {"created": created, "updated": updated, "nodes": len(taxonomy.nodes)}


def node_save(*, node: ChainNode, user) -> ChainNode:
    node.full_clean()
    node.save()
    return node


def benchmark_save(*, benchmark: ChainBenchmark, user) -> ChainBenchmark:
    benchmark.full_clean()
    benchmark.save()
    return benchmark


def link_save(*, link: EnterpriseLink, user) -> EnterpriseLink:
    """A link saved by a person is that person's decision (a manual link is confirmed)."""
    if link.pk is None and link.decision == EnterpriseLink.Decision.AUTO:
        link.decision = EnterpriseLink.Decision.CONFIRMED
        link.reasons = [{"kind": "manual", "value": ""}]
    if link.pk is None or link.decision != EnterpriseLink.Decision.AUTO:
        link.decided_by = user if user is not None and user.is_authenticated else None
        link.decided_at = timezone.now()
    link.full_clean()
    link.save()
    return link


def link_decide(*, link: EnterpriseLink, decision: str, user, note: str = "") -> EnterpriseLink:
    if decision not in EnterpriseLink.Decision.values:
        raise ValueError(decision)
    link.decision = decision
    link.decided_by = user if user is not None and user.is_authenticated else None
    link.decided_at = timezone.now()
    if note:
        link.note = note[:200]
    link.full_clean()
    link.save()
    return link


_LINKER: tuple[Taxonomy, Linker] | None = None


def _linker_for(nodes: list[ChainNode]) -> Linker:
    """A linker for the taxonomy the rows make now; built once per distinct taxonomy (jieba's
    dictionary takes a second to load), so a single firm's re-link on save stays cheap."""
    global _LINKER
    taxonomy = taxonomy_from_nodes(nodes)
    if _LINKER is None or _LINKER[0] != taxonomy:
        _LINKER = (taxonomy, Linker(taxonomy))
    return _LINKER[1]


def enterprise_links_refresh(*, enterprise_ids) -> dict:
    """Re-link these enterprises after their industry codes or business scope changed (or
    they were imported); people's decisions are kept. Nothing to do before the taxonomy is
    loaded."""
    from jinxiu.apps.enterprises.models import Enterprise

    ids = sorted(set(enterprise_ids))
    if not ids or not ChainNode.objects.exists():
        return {"enterprises": 0, "created": 0, "updated": 0, "removed": 0,
                "kept_decisions": 0}
    total: dict[str, int] = {}
    for start in range(0, len(ids), 5000):  # SQLite's limit on query parameters
        chunk = Enterprise.objects.filter(pk__in=ids[start:start + 5000]).select_related(
            "organization__region")
        for key, value in links_rebuild(enterprises=chunk).items():
            total[key] = total.get(key, 0) + value
    return total


def ids_to_ranges(ids) -> list[list[int]]:
    """Sorted ids as [first, last] runs: an import's new firms have consecutive ids, so a
    job's parameters stay small."""
    ranges: list[list[int]] = []
    for pk in sorted(set(ids)):
        if ranges and pk == ranges[-1][1] + 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return ranges


def ids_from_ranges(ranges) -> list[int]:
    return [pk for first, last in ranges for pk in range(int(first), int(last) + 1)]


def relink_enqueue(*, enterprise_ids, user):
    """A ``chain.relink`` job for these firms, started when the current transaction commits
    (nothing is started if it rolls back). None when there is nothing to link."""
    from jinxiu.apps.core.jobs.services import job_enqueue

    ids = list(enterprise_ids)
    if not ids or not ChainNode.objects.exists():
        return None
    return job_enqueue(kind="chain.relink", user=user,
                       params={"enterprise_ranges": ids_to_ranges(ids), "after": "import"})


def links_rebuild(*, enterprises, progress=None, every: int = 200) -> dict:
    """Re-run the linker over ``enterprises`` and store the result.

    A link someone confirmed or rejected keeps its decision (its evidence is refreshed); an
    automatic link the linker no longer finds is removed; new ones are added. A region's own
    node links only enterprises of that region. Safe to run again.
    """
    nodes = list(ChainNode.objects.select_related("region"))
    linker = _linker_for(nodes)
    by_code = {n.code: n for n in nodes}
    if hasattr(enterprises, "values"):  # a queryset: read the links through a subquery
        scope = EnterpriseLink.objects.filter(enterprise__in=enterprises.values("pk"))
    else:
        scope = EnterpriseLink.objects.filter(enterprise__in=[e.pk for e in enterprises])
    enterprises = list(enterprises)
    existing: dict[tuple[int, int], EnterpriseLink] = {
        (link.enterprise_id, link.node_id): link for link in scope}
    stats = {"enterprises": len(enterprises), "created": 0, "updated": 0, "removed": 0,
             "kept_decisions": 0}
    seen: set[tuple[int, int]] = set()
    create, update = [], []
    for i, enterprise in enumerate(enterprises):
        region = enterprise.organization.region
        for found in linker.link(firm_from_enterprise(enterprise)):
            node = by_code[found.node]
            if node.region_id and (region is None
                                   or not region.code.startswith(node.region.prefix)):
                continue
            key = (enterprise.pk, node.pk)
            seen.add(key)
            reasons = reasons_to_json(found.reasons)
            link = existing.get(key)
            if link is None:
                create.append(EnterpriseLink(enterprise=enterprise, node=node,
                                             grade=found.grade, reasons=reasons))
            elif link.grade != found.grade or link.reasons != reasons:
                link.grade, link.reasons = found.grade, reasons
                update.append(link)
        if progress is not None and i % every == 0:
            progress(i, len(enterprises))
    stale = [link for key, link in existing.items() if key not in seen]
    with transaction.atomic():
        # links are registry facts: every write is in the change log (new ones in bulk)
        bulk_create_logged(EnterpriseLink, create)
        for link in update:
            link.save(update_fields=["grade", "reasons", "last_updated"])
        for link in stale:
            if link.decision == EnterpriseLink.Decision.AUTO:
                link.delete()
                stats["removed"] += 1
    stats["created"], stats["updated"] = len(create), len(update)
    stats["kept_decisions"] = sum(1 for link in existing.values()
                                  if link.decision != EnterpriseLink.Decision.AUTO)
    return stats


def project_save(*, project: KeyProject, user) -> KeyProject:
    project.full_clean()
    project.save()
    return project


def milestones_save(*, formset, user) -> None:
    """Save a project's milestone formset (new, changed and deleted rows) in one go."""
    with transaction.atomic():
        formset.save()


def platform_save(*, platform: Platform, user) -> Platform:
    platform.full_clean()
    platform.save()
    return platform

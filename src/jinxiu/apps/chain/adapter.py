"""Rows ↔ the chain engine's plain data (one adapter module per engine)."""

from __future__ import annotations

from collections.abc import Iterable

from jinxiu.engines.chain import Firm, FirmFigures, Node, Reference, Taxonomy


def taxonomy_from_nodes(nodes: Iterable) -> Taxonomy:
    """The engine's taxonomy from ChainNode rows (parents first: rows ordered by path)."""
    items = sorted(nodes, key=lambda n: (n.level, n.sort_order, n.path))
    by_pk = {n.pk: n for n in items}
    return Taxonomy(tuple(
        Node(code=n.code, name=n.name, en=n.name_en,
             parent=by_pk[n.parent_id].code if n.parent_id in by_pk else None,
             industry_codes=tuple(n.industry_codes or ()), keywords=tuple(n.keywords or ()),
             products=tuple(n.products or ()), technologies=tuple(n.technologies or ()),
             applications=tuple(n.applications or ()), source=n.source)
        for n in items if n.parent_id is None or n.parent_id in by_pk))


def firm_from_enterprise(enterprise) -> Firm:
    return Firm(id=enterprise.pk, main_industry=enterprise.main_industry or "",
                secondary_industries=tuple(enterprise.secondary_industries or ()),
                business_scope=enterprise.business_scope or "")


def figures_for(enterprises: Iterable, indicators: Iterable) -> list[FirmFigures]:
    """Engine figures: ``indicators`` are (organization id, year, industrial output) rows."""
    outputs: dict[int, dict[int, float]] = {}
    for org_id, year, output in indicators:
        if output is not None:
            outputs.setdefault(org_id, {})[year] = float(output)
    return [FirmFigures(id=e.pk, name=e.organization.name,
                        outputs=outputs.get(e.organization_id, {}), tags=tuple(e.tags or ()),
                        region=e.organization.region.code if e.organization.region else "")
            for e in enterprises]


def reference_from_benchmark(benchmark) -> Reference | None:
    if benchmark is None:
        return None
    return Reference(name=benchmark.reference_name,
                     local_total=float(benchmark.local_total_output),
                     reference_total=float(benchmark.reference_total_output),
                     node_outputs={k: float(v) for k, v in (benchmark.node_outputs or {}).items()})


def reasons_to_json(reasons) -> list[dict]:
    return [{"kind": r.kind, "value": r.value} for r in reasons]

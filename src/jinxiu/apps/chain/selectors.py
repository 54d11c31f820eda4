"""Reads of the chain atlas: nodes, links, the gap analysis and the 招商 candidates.

Privacy: registry facts (who is linked where) are public. Figures come from yearly
indicators: the atlas aggregates all of them, but a figure resting on fewer than three firms
is shown only to whom may see each of those firms' indicators (the engine's ``visible``);
candidate figures are only those the user may see one by one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    FloatField,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.urls import reverse

from jinxiu.apps.chain import atlas_cache
from jinxiu.apps.chain.adapter import (
    figures_for,
    reference_from_benchmark,
    taxonomy_from_nodes,
)
from jinxiu.apps.chain.models import ChainBenchmark, ChainNode, EnterpriseLink, KeyProject, Platform
from jinxiu.apps.core.models import Region
from jinxiu.apps.core.permissions import ALL, permission_q
from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator
from jinxiu.engines.chain import FirmFigures, GapParams, analyse, rank_candidates

ENDED = (Enterprise.Status.REVOKED, Enterprise.Status.CANCELLED, Enterprise.Status.MOVED_OUT)


def node_list(*, user):
    return ChainNode.objects.select_related("parent", "region", "organization") \
        .restrict(user, "view")


def link_list(*, user):
    return EnterpriseLink.objects.select_related(
        "enterprise__organization__region", "node", "decided_by").restrict(user, "view")


def benchmark_list(*, user):
    return ChainBenchmark.objects.select_related("region", "organization").restrict(user,
                                                                                    "view")


ATLAS_LIST_LIMIT = 50


def _node_q(node_code: str | None) -> Q:
    """The node and everything below it; the whole chain (every row) for the root or none."""
    node = ChainNode.objects.filter(code=node_code).only("path", "parent").first() \
        if node_code else None
    if node is None or node.parent_id is None:
        return Q()
    return Q(node__path=node.path) | Q(node__path__startswith=f"{node.path}/")


def atlas_projects(*, user, region: Region, node_code: str | None = None,
                   limit: int = ATLAS_LIST_LIMIT) -> list[KeyProject]:
    """重点项目清单: the key projects of the region (and below) that the user may see (the
    ledger is its keeper's financial data), by node; at most ``limit``."""
    return list(KeyProject.objects.restrict(user, "view")
                .filter(Q(region__code__startswith=region.prefix) & _node_q(node_code))
                .select_related("owner_enterprise__organization", "node", "region")
                .order_by("node__path", "code", "pk")[:limit])


def atlas_platforms(*, user, region: Region, node_code: str | None = None,
                    limit: int = ATLAS_LIST_LIMIT) -> list[Platform]:
    """重点平台清单: the key platforms of the region (and below), national ones first."""
    rank = Case(*[When(level=value, then=Value(i))
                  for i, (value, _label) in enumerate(Platform.Level.choices)],
                default=Value(99), output_field=IntegerField())
    return list(Platform.objects.restrict(user, "view")
                .filter(Q(region__code__startswith=region.prefix) & _node_q(node_code))
                .select_related("owner_enterprise__organization", "node", "region")
                .annotate(level_rank=rank).order_by("level_rank", "node__path", "name")[:limit])


def nodes_for_region(region: Region | None) -> list[ChainNode]:
    """The shipped nodes and the region's own nodes (its own, its parents' and its
    children's extensions)."""
    nodes = list(ChainNode.objects.select_related("region").order_by("path"))
    if region is None:
        return [n for n in nodes if n.region_id is None]
    return [n for n in nodes if n.region_id is None
            or n.region.code.startswith(region.prefix) or region.code.startswith(n.region.prefix)]


def _in_region(region: Region) -> Q:
    # the region's own ids (a city has a dozen counties): the organizations' region index
    # serves them, where a LIKE on the region code made SQLite scan every enterprise
    return Q(organization__region_id__in=list(Region.objects.filter(
        code__startswith=region.prefix).values_list("pk", flat=True)))


@dataclass
class Atlas:
    region: Region
    year: int
    taxonomy: object
    nodes: dict  # code -> ChainNode
    gaps: dict  # code -> NodeGap
    firms: dict  # enterprise pk -> Enterprise
    visible: set | None
    benchmark: ChainBenchmark | None
    params: GapParams
    links: dict = field(default_factory=dict)  # enterprise pk -> set of node codes
    figures: dict = field(default_factory=dict)  # enterprise pk -> FirmFigures

    def rows(self):
        """(node, gap, depth) in tree order."""
        out = []

        def walk(code, depth):
            out.append((self.nodes[code], self.gaps[code], depth))
            for child in self.taxonomy.children.get(code, []):
                walk(child, depth + 1)

        for root in self.taxonomy.children.get(None, []):
            walk(root, 0)
        return out

    def may_see(self, firm_id) -> bool:
        return self.visible is None or firm_id in self.visible


class _AtlasOrg:
    __slots__ = ("name", "pk", "region", "region_id")

    def __init__(self, pk, name, region):
        self.pk, self.name, self.region = pk, name, region
        self.region_id = region.pk if region is not None else None

    def __str__(self) -> str:
        return self.name


class AtlasFirm:
    """What the atlas reads of a firm: id, organization (name, region), tags. A full
    Enterprise row with its organization and region for each of 45,000 firms took 5.7 s of a
    city's 8.6 s atlas (bench/results/registry.md); these are read as plain values."""

    __slots__ = ("organization", "organization_id", "pk", "tags")

    def __init__(self, pk, organization, tags):
        self.pk, self.organization, self.tags = pk, organization, tags
        self.organization_id = organization.pk

    @property
    def id(self) -> int:
        return self.pk

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    def __str__(self) -> str:
        return self.organization.name


def _atlas_firm_rows(enterprises) -> list[tuple]:
    # tags as text, parsed only when there are any: most firms have none, and decoding
    # 45,000 JSON values took a fifth of a city's atlas
    return [(pk, org_id, name, region_id, json.loads(tags) if tags and tags != "[]" else [])
            for pk, org_id, name, region_id, tags in enterprises.order_by("pk").annotate(
                tags_text=Cast("tags", TextField())).values_list(
                "pk", "organization_id", "organization__name", "organization__region_id",
                "tags_text")]


def _atlas_firms(rows: list[tuple]) -> list[AtlasFirm]:
    regions = Region.objects.in_bulk({r[3] for r in rows if r[3] is not None})
    return [AtlasFirm(pk, _AtlasOrg(org_id, name, regions.get(region_id)), tags)
            for pk, org_id, name, region_id, tags in rows]


def _atlas_links(in_region, nodes) -> dict[int, set[str]]:
    """Firm id -> the codes of the region's nodes it is counted on (node ids mapped here:
    no join to the node table for 140,000 rows)."""
    code_of = {n.pk: n.code for n in nodes}
    links: dict[int, set[str]] = {}
    for firm_id, node_id in EnterpriseLink.objects.filter(
            EnterpriseLink.COUNTED, enterprise__in=in_region.values("pk")).order_by(
            ).values_list("enterprise_id", "node_id"):
        code = code_of.get(node_id)
        if code is not None:
            links.setdefault(firm_id, set()).add(code)
    return links


def _atlas_outputs(in_region, years: list[int]) -> dict[int, dict[int, float]]:
    """Organization id -> year -> industrial output, of every firm of the region
    (aggregation reads every figure)."""
    rows = YearlyIndicator.objects.filter(
        organization_id__in=in_region.values("organization_id"), year__in=years).order_by(
        ).annotate(output=Cast("industrial_output", FloatField())).values_list(
        "organization_id", "year", "output")
    outputs: dict[int, dict[int, float]] = {}
    for org_id, year, output in rows:
        if output is not None:
            outputs.setdefault(org_id, {})[year] = output
    return outputs


def _atlas_figures(firms: list[AtlasFirm], outputs) -> list[FirmFigures]:
    return [FirmFigures(id=f.pk, name=f.organization.name,
                        outputs=outputs.get(f.organization_id, {}), tags=tuple(f.tags),
                        region=f.organization.region.code if f.organization.region else "")
            for f in firms]


def _atlas_visible(user, firms: list[AtlasFirm], in_region, years: list[int]) -> set | None:
    """The firms whose indicators ``user`` may see (None: all): a firm counts as visible when
    the user may see one of its indicators of these years. Asked on every view, never cached."""
    seen_q = permission_q(user, YearlyIndicator, "view")
    if seen_q is ALL:
        return None
    if seen_q is None:
        return set()
    seen_orgs = set(YearlyIndicator.objects.filter(
        seen_q, organization_id__in=in_region.values("organization_id"),
        year__in=years).order_by().values_list("organization_id", flat=True).distinct())
    return {f.pk for f in firms if f.organization_id in seen_orgs}


def _atlas_inputs(region: Region, nodes, in_region, years: list[int]):
    """(firms, links, figures) of the region: the same for every viewer, so kept in the
    cache (``atlas_cache``) until a write of any of them. Callers only read them."""
    cache_key = atlas_cache.key(region.pk, tuple(years))
    built = atlas_cache.local_get(cache_key)
    if built is not None:
        return built
    rows = atlas_cache.get(cache_key)
    if rows is None:
        rows = (_atlas_firm_rows(in_region), _atlas_links(in_region, nodes),
                _atlas_outputs(in_region, years))
        atlas_cache.put(cache_key, rows)
    firm_rows, links, outputs = rows
    firms = _atlas_firms(firm_rows)
    built = (firms, links, _atlas_figures(firms, outputs))
    atlas_cache.local_put(cache_key, built)
    return built


def atlas(*, user, region: Region, year: int, benchmark: ChainBenchmark | None = None,
          params: GapParams | None = None) -> Atlas:
    params = params or GapParams()
    nodes = nodes_for_region(region)
    taxonomy = taxonomy_from_nodes(nodes)
    # subqueries, not lists of ids: a province holds more firms than SQLite takes parameters
    in_region = Enterprise.objects.filter(_in_region(region)).exclude(status__in=ENDED)
    years = [year, year - params.growth_years]
    enterprises, links, figures = _atlas_inputs(region, nodes, in_region, years)
    visible = _atlas_visible(user, enterprises, in_region, years)
    gaps = analyse(taxonomy, figures, links, year=year,
                   reference=reference_from_benchmark(benchmark), params=params,
                   visible=visible)
    return Atlas(region, year, taxonomy, {n.code: n for n in nodes}, gaps,
                 {e.pk: e for e in enterprises}, visible, benchmark, params, links,
                 {f.id: f for f in figures})


def drill_url(node_code: str | None, region: Region | None) -> str:
    params = []
    if node_code:
        params.append(f"chain_node={node_code}")
    if region is not None:
        params.append(f"region={region.code}")
    return reverse("enterprises:enterprise_list") + ("?" + "&".join(params) if params else "")


def distribution(atlas: Atlas, node_code: str) -> list[dict]:
    """Firms (and output, where allowed) of a node per sub-region: counties of a city, cities
    of a province; a county shows itself."""
    region = atlas.region
    if region.level == Region.Level.COUNTY:
        parts = [region]
    else:
        parts = list(Region.objects.filter(parent=region).order_by("code"))
    gap = atlas.gaps[node_code]
    year = atlas.year
    rows = []
    by_region: dict[str, list[int]] = {}
    for firm_id in gap.firms:
        firm = atlas.firms[firm_id]
        code = firm.organization.region.code if firm.organization.region else ""
        for part in parts:
            if code.startswith(part.prefix):
                by_region.setdefault(part.code, []).append(firm_id)
                break
    outputs = {i: f.outputs.get(year) for i, f in atlas.figures.items()}
    for part in parts:
        ids = by_region.get(part.code, [])
        reported = [i for i in ids if outputs.get(i) is not None]
        shown = bool(reported) and (len(reported) >= atlas.params.min_reported
                                    or all(atlas.may_see(i) for i in reported))
        output = sum(outputs[i] for i in reported) if shown else None
        rows.append({"region": part, "firms": len(ids), "output": output,
                     "share": output / gap.output
                     if output is not None and gap.output and not gap.suppressed else None,
                     "withheld": bool(reported) and not shown,
                     "url": drill_url(node_code, part)})
    return rows


@dataclass
class CandidateRow:
    node: ChainNode
    verdict: str
    enterprise: Enterprise
    score: float
    reasons: tuple
    output: float | None


def candidates(*, user, atlas: Atlas, limit: int = 10) -> list[CandidateRow]:
    """For each missing or weak node of the atlas, the best firms outside the region.

    The pool is every registry enterprise outside the region linked to the node (the same
    import path fills it); its figures are those ``user`` may see, one by one.
    """
    region, year, params = atlas.region, atlas.year, atlas.params
    wanted = {c for c, g in atlas.gaps.items() if g.verdict in ("missing", "weak")}
    if not wanted:
        return []
    taxonomy = atlas.taxonomy
    pool_links: dict[int, set[str]] = {}
    grades: dict[tuple[int, str], str] = {}
    outside = Enterprise.objects.exclude(_in_region(region)).exclude(status__in=ENDED)
    rows = EnterpriseLink.objects.filter(
        EnterpriseLink.COUNTED, enterprise__in=outside.values("pk"),
        node__code__in=list(atlas.nodes)).values_list("enterprise_id", "node__code", "grade")
    for firm_id, code, grade in rows:
        for on_path in taxonomy.path(code):
            if on_path in wanted:
                pool_links.setdefault(firm_id, set()).add(on_path)
        grades[(firm_id, code)] = grade
    if not pool_links:
        return []
    linked = outside.filter(pk__in=EnterpriseLink.objects.filter(
        EnterpriseLink.COUNTED, node__code__in=list(wanted)).values("enterprise_id"))
    pool = [e for e in linked.select_related("organization__region") if e.pk in pool_links]
    indicators = YearlyIndicator.objects.restrict(user, "view").filter(
        organization_id__in=linked.values("organization_id"),
        year__in=[year, year - params.growth_years],
    ).values_list("organization_id", "year", "industrial_output")
    figures = figures_for(pool, indicators)
    ranked = rank_candidates(atlas.gaps, figures, pool_links, year=year, gap_params=params,
                             grades=grades)
    by_pk = {e.pk: e for e in pool}
    outputs = {f.id: f.outputs.get(year) for f in figures}
    out = []
    for row_node, _gap, _depth in atlas.rows():
        for cand in ranked.get(row_node.code, [])[:limit]:
            out.append(CandidateRow(row_node, atlas.gaps[row_node.code].verdict,
                                    by_pk[cand.firm], cand.score, cand.reasons,
                                    outputs.get(cand.firm)))
    return out

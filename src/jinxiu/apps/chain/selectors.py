"""Reads of the chain atlas: nodes, links, the gap analysis and the 招商 candidates.

Privacy: registry facts (who is linked where) are public. Figures come from yearly
indicators: the atlas aggregates all of them, but a figure resting on fewer than three firms
is shown only to whom may see each of those firms' indicators (the engine's ``visible``);
candidate figures are only those the user may see one by one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.urls import reverse

from jinxiu.apps.chain import atlas_cache, atlas_sums
from jinxiu.apps.chain.adapter import (
    figures_for,
    reference_from_benchmark,
    taxonomy_from_nodes,
)
from jinxiu.apps.chain.models import ChainBenchmark, ChainNode, EnterpriseLink, KeyProject, Platform
from jinxiu.apps.core.models import Region
from jinxiu.apps.core.permissions import ALL, permission_q
from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator
from jinxiu.engines.chain import GapParams, node_gap, rank_candidates

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
    firms: AtlasFirms  # enterprise pk -> AtlasFirm, read when asked
    visible: set | None  # of the firms asked about (``may_see``), those the user may see
    benchmark: ChainBenchmark | None
    params: GapParams
    groups: list = field(default_factory=list)  # atlas_sums.Group
    reached: dict = field(default_factory=dict)  # a group's node set -> the codes it counts on
    asked: set = field(default_factory=set)
    ask: object = None  # ids -> the visible ones among them

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

    def see(self, firm_ids) -> None:
        """Ask once which of these firms' figures the user may see."""
        if self.visible is None:
            return
        new = set(firm_ids) - self.asked
        if new:
            self.visible |= self.ask(new)
            self.asked |= new

    def may_see(self, firm_id) -> bool:
        if self.visible is None:
            return True
        self.see([firm_id])
        return firm_id in self.visible

    def groups_on(self, code: str) -> list:
        return [g for g in self.groups if code in self.reached.get(g.nodes, ())]

    def tagged_on(self, code: str) -> list:
        """The firms with any registry tag counted on the node, ids in text order."""
        return sorted({i for g in self.groups_on(code) for i in g.tagged}, key=str)


class _AtlasOrg:
    __slots__ = ("name", "pk", "region", "region_id")

    def __init__(self, pk, name, region):
        self.pk, self.name, self.region = pk, name, region
        self.region_id = region.pk if region is not None else None

    def __str__(self) -> str:
        return self.name


class AtlasFirm:
    """What the atlas reads of a firm: id, organization (name, region), tags, as plain
    values (a full Enterprise row with its organization and region for each of 45,000 firms
    took 5.7 s of a city's 8.6 s atlas, bench/results/registry.md)."""

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


def _atlas_firm_rows(enterprises, *, with_status: bool = False) -> list[tuple]:
    """(pk, organization id, name, region id, [status,] tags). Tags as text, parsed only when
    there are any: most firms have none, and decoding 45,000 JSON values took a fifth of a
    city's atlas."""
    extra = ("status",) if with_status else ()
    return [(*row[:-1], json.loads(row[-1]) if row[-1] and row[-1] != "[]" else [])
            for row in enterprises.order_by("pk").annotate(
                tags_text=Cast("tags", TextField())).values_list(
                "pk", "organization_id", "organization__name", "organization__region_id",
                *extra, "tags_text")]


def _atlas_firms(rows: list[tuple]) -> list[AtlasFirm]:
    regions = Region.objects.in_bulk({r[3] for r in rows if r[3] is not None})
    return [AtlasFirm(pk, _AtlasOrg(org_id, name, regions.get(region_id)), tags)
            for pk, org_id, name, region_id, tags in rows]


class AtlasFirms(Mapping):
    """The region's firms by id, read when asked: the atlas names only its anchors and
    tagged firms (read with the sums), so the other thousands are read only by whoever
    looks them up or goes through them all."""

    CHUNK = 500  # ids per query (SQLite's parameters)

    def __init__(self, region_ids, known=()):
        self._region_ids = set(region_ids)
        self._firms = {f.pk: f for f in known}
        self._absent: set = set()
        self._complete = False

    def _in_region(self):
        return Enterprise.objects.filter(organization__region_id__in=self._region_ids) \
            .exclude(status__in=ENDED)

    def load(self, ids) -> None:
        wanted = sorted(set(ids) - self._firms.keys() - self._absent)
        if self._complete or not wanted:
            return
        for firm in _firms_by_id(wanted, self._region_ids):
            self._firms[firm.pk] = firm
        self._absent.update(i for i in wanted if i not in self._firms)

    def _all(self) -> dict:
        if not self._complete:
            self._firms = {f.pk: f for f in _atlas_firms(_atlas_firm_rows(self._in_region()))}
            self._complete = True
        return self._firms

    def __getitem__(self, pk):
        self.load([pk])
        return self._firms[pk]

    def __contains__(self, pk) -> bool:
        self.load([pk])
        return pk in self._firms

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _firm_rows_by_id(ids, region_ids) -> list[tuple]:
    """The atlas rows of these firms that are in the region and not ended. By id alone, the
    region and status tested here: with the region's join, SQLite walked the region's
    30,000 firms for each chunk of ids (3.7 s for 2,000 firms of 泉州)."""
    ids, rows = sorted(ids), []
    region_ids = set(region_ids)
    for start in range(0, len(ids), AtlasFirms.CHUNK):
        rows += [r[:4] + r[5:] for r in _atlas_firm_rows(
            Enterprise.objects.filter(pk__in=ids[start:start + AtlasFirms.CHUNK]),
            with_status=True) if r[3] in region_ids and r[4] not in ENDED]
    return rows


def _firms_by_id(ids, region_ids) -> list[AtlasFirm]:
    return _atlas_firms(_firm_rows_by_id(ids, region_ids))


def _asker(user, years: list[int]):
    """ids -> those whose indicators ``user`` may see (a firm counts as visible when the user
    may see one of its indicators of these years); None when the user sees every figure.
    Asked on every view for the few firms that need it, never cached."""
    seen_q = permission_q(user, YearlyIndicator, "view")
    if seen_q is ALL:
        return None
    if seen_q is None:
        return lambda ids: set()

    def ask(ids) -> set:
        ids, seen = sorted(ids), set()
        for start in range(0, len(ids), AtlasFirms.CHUNK):
            org_of = dict(Enterprise._base_manager.filter(
                pk__in=ids[start:start + AtlasFirms.CHUNK]).values_list("organization_id",
                                                                       "pk"))
            seen.update(org_of[o] for o in YearlyIndicator.objects.filter(
                seen_q, organization_id__in=list(org_of), year__in=years).order_by()
                .values_list("organization_id", flat=True).distinct())
        return seen

    return ask


def _atlas_inputs(region: Region, region_ids: list[int], years: list[int],
                  params: GapParams):
    """(groups, named firms) of the region: the same for every viewer, so kept in the cache
    (``atlas_cache``) until a write of an input. Callers only read them."""
    cache_key = atlas_cache.key(region.pk, (*years, params.anchor_output,
                                            params.min_reported))
    built = atlas_cache.local_get(cache_key)
    if built is not None:
        return built
    rows = atlas_cache.get(cache_key)
    if rows is None:
        found = atlas_sums.groups(region_ids=region_ids, year=years[0], before=years[1],
                                  ended=ENDED, anchor_output=params.anchor_output,
                                  min_reported=params.min_reported)
        named = {i for g in found for i in (*g.big, *g.tagged)}
        rows = (found, _firm_rows_by_id(named, region_ids))
        atlas_cache.put(cache_key, rows)
    found, firm_rows = rows
    built = (found, _atlas_firms(firm_rows))
    atlas_cache.local_put(cache_key, built)
    return built


def atlas(*, user, region: Region, year: int, benchmark: ChainBenchmark | None = None,
          params: GapParams | None = None) -> Atlas:
    params = params or GapParams()
    nodes = nodes_for_region(region)
    taxonomy = taxonomy_from_nodes(nodes)
    region_ids = list(Region.objects.filter(code__startswith=region.prefix)
                      .values_list("pk", flat=True))
    years = [year, year - params.growth_years]
    groups, named = _atlas_inputs(region, region_ids, years, params)
    anchor_tags = set(params.anchor_tags)
    tagged = {f.pk for f in named if not anchor_tags.isdisjoint(f.tags)}
    code_of = {n.pk: n.code for n in nodes}
    totals, chain_total = atlas_sums.node_totals(groups, taxonomy, code_of, tagged)
    ask = _asker(user, years)
    data = Atlas(region, year, taxonomy, {n.code: n for n in nodes}, {},
                 AtlasFirms(region_ids, named), None if ask is None else set(), benchmark,
                 params, groups, atlas_sums.reach(groups, taxonomy, code_of), ask=ask)
    # a node's figures resting on fewer than min_reported firms: may the user see them all?
    data.see(i for t in totals.values() if t.reporting for i in t.reporting)
    reference = reference_from_benchmark(benchmark)
    data.gaps = {code: node_gap(code, t, chain_total=chain_total, reference=reference,
                                params=params, visible=data.visible, tagged=tagged)
                 for code, t in totals.items()}
    return data


def atlas_warm(*, region_ids) -> list[str]:
    """Compute and cache the atlas inputs of the cities and provinces of these (county)
    regions, for the year and thresholds a page opens with (the latest year of figures, the
    default GapParams), so that the first view after a relinking job finds them. Returns the
    codes warmed. Nothing of any viewer is computed or kept."""
    from django.db.models import Max

    year = YearlyIndicator.objects.aggregate(y=Max("year"))["y"]
    if year is None:
        return []
    params = GapParams()
    codes = set(Region.objects.filter(pk__in=list(region_ids)).values_list("code", flat=True))
    wanted = {p for c in codes for p in (c[:4] + "00", c[:2] + "0000")}
    done = []
    for region in Region.objects.filter(code__in=wanted).order_by("code"):
        ids = list(Region.objects.filter(code__startswith=region.prefix)
                   .values_list("pk", flat=True))
        _atlas_inputs(region, ids, [year, year - params.growth_years], params)
        done.append(region.code)
    return done


def drill_url(node_code: str | None, region: Region | None) -> str:
    params = []
    if node_code:
        params.append(f"chain_node={node_code}")
    if region is not None:
        params.append(f"region={region.code}")
    return reverse("enterprises:enterprise_list") + ("?" + "&".join(params) if params else "")


def distribution(atlas: Atlas, node_code: str) -> list[dict]:
    """Firms (and output, where allowed) of a node per sub-region: counties of a city, cities
    of a province; a county shows itself. From the atlas's groups: no firm is read."""
    region = atlas.region
    if region.level == Region.Level.COUNTY:
        parts = [region]
    else:
        parts = list(Region.objects.filter(parent=region).order_by("code"))
    gap = atlas.gaps[node_code]
    on_node = atlas.groups_on(node_code)
    codes = dict(Region.objects.filter(pk__in={g.region_id for g in on_node})
                 .values_list("pk", "code"))
    sums: dict[str, list] = {}  # part code -> [firms, reported, output, reporting ids]
    for group in on_node:
        code = codes.get(group.region_id, "")
        for part in parts:
            if code.startswith(part.prefix):
                acc = sums.setdefault(part.code, [0, 0, 0.0, []])
                acc[0] += len(group.firms)
                acc[1] += group.reported
                acc[2] += group.output
                acc[3] = None if acc[3] is None or group.reporting is None \
                    else acc[3] + list(group.reporting)
                break
    rows = []
    for part in parts:
        firms, reported, total, reporting = sums.get(part.code, (0, 0, 0.0, []))
        shown = bool(reported) and (reported >= atlas.params.min_reported
                                    or all(atlas.may_see(i) for i in reporting or ()))
        output = total if shown else None
        rows.append({"region": part, "firms": firms, "output": output,
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

"""The atlas's figures summed in the database.

A city's atlas used to read every firm of the region, its counted links and two years of
figures into Python (30,000 firms, 55,000 links and 60,000 figures for 泉州) and add them up
node by node: 1.3–2.5 s on a cache miss (bench/results/registry.md). Here one query does the
reading and the adding. It groups the region's linked firms by the set of nodes their
counted links name (a city has about a hundred such sets) and by county, and returns per group
the firm ids, how many reported an output, the sums the gap analysis needs and the few ids
it must name (anchors by output, firms with tags, and the reporting firms of a group too small
for its figures to be shown to everyone). :func:`node_totals` then gives each node the groups
whose sets reach it (a firm once per node, however many of the node's descendants it is
linked to) as the engine's ``NodeTotals``; ``engines.chain.node_gap`` turns them into the
verdicts, exactly as ``analyse`` does firm by firm.

What a viewer may see is not decided here: the groups are the same for everyone (and cached,
``atlas_cache``); ``selectors.atlas`` asks the database about the few firms whose figures
would otherwise show alone.

The SQL is built from model table names and this module's constants only; every value
(regions, years, statuses, thresholds) is a query parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from jinxiu.apps.chain.models import EnterpriseLink
from jinxiu.apps.core.models import Organization
from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator
from jinxiu.engines.chain import NodeTotals


@dataclass(frozen=True)
class Group:
    """The firms of one region (county) whose counted links name the same set of nodes."""

    nodes: tuple[int, ...]  # ChainNode ids
    region_id: int | None
    firms: tuple[int, ...]  # Enterprise ids
    reported: int  # firms with an output in the year
    output: float
    both: int  # firms with an output in the year and in the growth base year
    both_before: float
    both_now: float
    big: tuple[int, ...]  # output at least the anchor threshold
    tagged: tuple[int, ...]  # any registry tag
    reporting: tuple[int, ...] | None  # the reporting firms, when fewer than min_reported


def _ids(text) -> tuple[int, ...]:
    return tuple(int(i) for i in text.split(",")) if text else ()


def _sql(vendor: str, regions: int, ended: int) -> str:
    if vendor == "postgresql":
        def agg(x):
            return f"string_agg(({x})::text, ',')"

        def total(x):
            return f"CAST(COALESCE(SUM({x}), 0) AS DOUBLE PRECISION)"

        node_set = "string_agg(l.node_id::text, ',' ORDER BY l.node_id)"
        tags = "e.tags::text"
    else:
        def agg(x):
            return f"group_concat({x})"

        def total(x):
            return f"total({x})"

        node_set = "group_concat(l.node_id)"  # the order does not matter, only the set
        tags = "e.tags"
    both = "f.now IS NOT NULL AND f.before IS NOT NULL"
    enterprise, organization = Enterprise._meta.db_table, Organization._meta.db_table
    indicator, link = YearlyIndicator._meta.db_table, EnterpriseLink._meta.db_table
    # MATERIALIZED: each firm's figures are read once, not once per link; CROSS JOIN keeps
    # SQLite reading the links through the firms (an index on the firm), not the other way
    return f"""
WITH firm AS MATERIALIZED (
  SELECT e.id AS id, o.region_id AS region_id, y1.industrial_output AS now,
         y0.industrial_output AS before, ({tags} <> '[]') AS tagged
  FROM {enterprise} e
  JOIN {organization} o ON o.id = e.organization_id
  LEFT JOIN {indicator} y1 ON y1.organization_id = o.id AND y1.year = %s
  LEFT JOIN {indicator} y0 ON y0.organization_id = o.id AND y0.year = %s
  WHERE o.region_id IN ({", ".join(["%s"] * regions)})
    AND e.status NOT IN ({", ".join(["%s"] * ended)})
),
linked AS MATERIALIZED (
  SELECT f.id AS id, {node_set} AS nodes
  FROM firm f CROSS JOIN {link} l
  WHERE l.enterprise_id = f.id
    AND (l.decision = %s OR (l.decision = %s AND l.grade IN (%s, %s)))
  GROUP BY f.id
)
SELECT k.nodes, f.region_id, COUNT(*), COUNT(f.now), {total("f.now")},
       COUNT(CASE WHEN {both} THEN 1 END),
       {total(f"CASE WHEN {both} THEN f.before END")},
       {total(f"CASE WHEN {both} THEN f.now END")},
       {agg("k.id")},
       {agg("CASE WHEN f.now >= %s THEN k.id END")},
       {agg("CASE WHEN f.tagged THEN k.id END")},
       CASE WHEN COUNT(f.now) < %s THEN {agg("CASE WHEN f.now IS NOT NULL THEN k.id END")} END
FROM linked k JOIN firm f ON f.id = k.id
GROUP BY k.nodes, f.region_id
"""  # noqa: S608 (table names from the models; every value is a parameter)


def groups(*, region_ids: list[int], year: int, before: int, ended, anchor_output: float,
           min_reported: int) -> list[Group]:
    """The region's linked firms in groups (one query). ``region_ids``: the region and every
    region under it; ``ended``: the statuses of firms that no longer count."""
    if not region_ids:
        return []
    ended = list(ended)
    params = [year, before, *region_ids, *ended,
              EnterpriseLink.Decision.CONFIRMED, EnterpriseLink.Decision.AUTO,
              EnterpriseLink.Grade.STRONG, EnterpriseLink.Grade.MEDIUM,
              anchor_output, min_reported]
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor, len(region_ids), len(ended)), params)
        rows = cursor.fetchall()
    return [Group(nodes=_ids(nodes), region_id=region_id, firms=_ids(firms),
                  reported=reported, output=float(output), both=both,
                  both_before=float(both_before), both_now=float(both_now), big=_ids(big),
                  tagged=_ids(tagged), reporting=_ids(reporting) if reported < min_reported
                  else None)
            for (nodes, region_id, _count, reported, output, both, both_before, both_now,
                 firms, big, tagged, reporting) in rows]


def reach(groups: list[Group], taxonomy, code_of: dict[int, str]) -> dict[tuple, frozenset]:
    """Each group's node set → the codes it counts on: its nodes and all their ancestors in
    the region's taxonomy (nodes outside it are not counted)."""
    out: dict[tuple, frozenset] = {}
    for group in groups:
        if group.nodes in out:
            continue
        codes: set[str] = set()
        for node_id in group.nodes:
            code = code_of.get(node_id)
            if code is not None and code in taxonomy:
                codes.update(taxonomy.path(code))
        out[group.nodes] = frozenset(codes)
    return out


def node_totals(groups: list[Group], taxonomy, code_of: dict[int, str],
                anchor_tagged: set) -> tuple[dict[str, NodeTotals], float]:
    """Every node's totals and the chain's total output (of the firms counted anywhere).
    ``anchor_tagged``: the firms with an anchor tag (anchors whatever their output)."""
    reached = reach(groups, taxonomy, code_of)
    totals = {n.code: NodeTotals(reporting=[]) for n in taxonomy.nodes}
    chain_total = 0.0
    for group in groups:
        codes = reached[group.nodes]
        if not codes:
            continue
        chain_total += group.output
        big = set(group.big) | {i for i in group.tagged if i in anchor_tagged}
        for code in codes:
            t = totals[code]
            t.firms.extend(group.firms)
            t.reported += group.reported
            t.output += group.output
            if group.reporting is not None and t.reporting is not None:
                t.reporting.extend(group.reporting)
            else:
                t.reporting = None  # enough firms reported: no one's figure stands alone
            t.both += group.both
            t.both_before += group.both_before
            t.both_now += group.both_now
            t.big.extend(big)
    for t in totals.values():
        t.firms.sort(key=str)  # the engine's order: ids as text
        t.big.sort(key=str)
    return totals, chain_total

"""What the atlas pages show, built from an ``Atlas`` (selectors.atlas): ECharts options
(drawn by static/jinxiu/app.js from a data attribute) and rows for the lists."""

from __future__ import annotations

from django.utils.translation import gettext as _

from jinxiu.apps.chain.geo import city_map
from jinxiu.apps.chain.labels import reason_text, verdict_label
from jinxiu.apps.chain.selectors import (
    atlas_platforms,
    atlas_projects,
    candidates,
    distribution,
    drill_url,
)
from jinxiu.apps.core.models import Region
from jinxiu.apps.enterprises.tags import tag_label

COLOURS = {"missing": "#d9534f", "weak": "#f0ad4e", "strong": "#3c9a5f"}


def _yi(value: float | None) -> str:
    """10,000 yuan → a short text in 亿元 / 万元."""
    if value is None:
        return "—"
    return f"{value / 10000:,.2f} 亿元" if value >= 10000 else f"{value:,.0f} 万元"


def gap_rows(atlas) -> list[dict]:
    rows = []
    for node, gap, depth in atlas.rows():
        rows.append({
            "node": node, "depth": depth, "indent": "　" * depth, "gap": gap,
            "firms": len(gap.firms), "output": gap.output if gap.firms else None,
            "output_text": _yi(gap.output if gap.firms else None),
            "share": gap.share, "lq": gap.lq, "growth": gap.growth,
            "anchors": len(gap.anchors), "verdict": gap.verdict,
            "verdict_label": verdict_label(gap.verdict), "suppressed": gap.suppressed,
            "reasons": [reason_text(r) for r in gap.reasons],
            "url": drill_url(node.code, atlas.region),
        })
    return rows


def chain_tree(atlas) -> dict:
    def build(code):
        node, gap = atlas.nodes[code], atlas.gaps[code]
        label = _("%(name)s · %(n)d firms") % {"name": node.name, "n": len(gap.firms)}
        if gap.output and not gap.suppressed:
            label += f" · {_yi(gap.output)}"
        item = {"name": label, "value": len(gap.firms),
                "url": drill_url(code, atlas.region),
                "itemStyle": {"color": COLOURS[gap.verdict]},
                "children": [build(c) for c in atlas.taxonomy.children.get(code, [])]}
        return item

    roots = atlas.taxonomy.children.get(None, [])
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}"},
        "series": [{"type": "tree", "data": [build(r) for r in roots], "orient": "LR",
                    "top": "2%", "bottom": "2%", "left": "12%", "right": "22%",
                    "initialTreeDepth": 3, "expandAndCollapse": False,
                    "symbolSize": 9, "label": {"position": "left", "fontSize": 11},
                    "leaves": {"label": {"position": "right"}}}],
    }


def region_map(atlas, node_code: str) -> dict:
    rows = distribution(atlas, node_code)
    node = atlas.nodes[node_code]
    region = atlas.region
    out = {"rows": rows, "node": node}
    city = region if region.level == Region.Level.CITY else region.parent \
        if region.level == Region.Level.COUNTY else None
    found = city_map(city) if city is not None else None
    if found:
        script, name = found
        data = [{"name": r["region"].name, "value": r["firms"], "url": r["url"],
                 "output": r["output"]} for r in rows]
        out.update({"map_script": script, "chart": {
            "tooltip": {"trigger": "item", "formatter": "{b}: {c}"},
            "visualMap": {"min": 0, "max": max([r["firms"] for r in rows] + [1]),
                          "left": "left", "bottom": 10, "calculable": True,
                          "text": [_("firms"), "0"],
                          "inRange": {"color": ["#e8f1fb", "#1f5fa8"]}},
            "series": [{"type": "map", "map": name, "roam": True, "data": data,
                        "label": {"show": True, "fontSize": 10},
                        "name": node.name}],
        }})
    else:
        out["chart"] = {
            "tooltip": {"trigger": "axis"},
            "xAxis": {"type": "category", "data": [r["region"].name for r in rows],
                      "axisLabel": {"rotate": 30}},
            "yAxis": {"type": "value", "name": _("firms")},
            "series": [{"type": "bar", "name": node.name,
                        "data": [{"value": r["firms"], "url": r["url"]} for r in rows]}],
        }
        out["no_geometry"] = city is not None
    return out


def technology_rows(atlas) -> list[dict]:
    rows = []
    for code in atlas.taxonomy.children.get(atlas.taxonomy.nodes[0].code, []):
        segment = atlas.nodes[code]
        techs = list(segment.technologies or [])
        for sub in atlas.taxonomy.descendants(code):
            for tech in atlas.nodes[sub].technologies or []:
                if tech not in techs:
                    techs.append(tech)
        if techs:
            rows.append({"node": segment, "technologies": techs,
                         "verdict": atlas.gaps[code].verdict,
                         "verdict_label": verdict_label(atlas.gaps[code].verdict)})
    return rows


def technology_tree(atlas) -> dict:
    rows = technology_rows(atlas)
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}"},
        "series": [{"type": "tree", "orient": "LR", "left": "12%", "right": "20%",
                    "expandAndCollapse": False, "symbolSize": 8,
                    "label": {"position": "left"}, "leaves": {"label": {"position": "right"}},
                    "data": [{"name": atlas.taxonomy.nodes[0].name, "children": [
                        {"name": r["node"].name,
                         "itemStyle": {"color": COLOURS[r["verdict"]]},
                         "children": [{"name": t} for t in r["technologies"]]}
                        for r in rows]}]}],
    }


def application_sankey(atlas) -> dict:
    nodes, links, names = [], [], set()
    for node, gap, _depth in atlas.rows():
        for application in node.applications or []:
            for name in (node.name, application):
                if name not in names:
                    names.add(name)
                    nodes.append({"name": name})
            links.append({"source": node.name, "target": application,
                          "value": max(len(gap.firms), 1)})
    return {"tooltip": {"trigger": "item"},
            "series": [{"type": "sankey", "data": nodes, "links": links,
                        "emphasis": {"focus": "adjacency"}}]}


def key_enterprises(atlas) -> list[dict]:
    """Anchor and tagged firms of the region with their nodes (names are public; an anchor
    by output is named only to whom may see the firm's figures)."""
    rows: dict[int, dict] = {}
    for node, gap, _depth in atlas.rows():
        if node.parent_id is None:
            continue
        # the node's firms that may be named: its anchors and its firms with tags (the atlas
        # read these with its sums; the others are not looked at)
        for firm_id in sorted({*gap.anchors, *atlas.tagged_on(node.code)}, key=str):
            firm = atlas.firms[firm_id]
            tagged = bool(set(firm.tags or []) & set(atlas.params.anchor_tags))
            anchor = firm_id in gap.anchors and (tagged or atlas.may_see(firm_id))
            if not (anchor or firm.tags):
                continue
            row = rows.setdefault(firm_id, {"enterprise": firm, "nodes": [], "anchor": False,
                                            "tags": [tag_label(t) for t in firm.tags or []]})
            if node.name not in row["nodes"] and not atlas.taxonomy.children.get(node.code):
                row["nodes"].append(node.name)
            row["anchor"] = row["anchor"] or anchor
    return sorted(rows.values(), key=lambda r: (not r["anchor"], r["enterprise"].organization.name))


def bottlenecks(atlas) -> list[dict]:
    return [r for r in gap_rows(atlas) if r["verdict"] in ("missing", "weak")
            and r["node"].parent_id is not None]


def candidate_rows(rows) -> list[dict]:
    return [{"node": r.node, "verdict_label": verdict_label(r.verdict),
             "enterprise": r.enterprise, "score": r.score, "output_text": _yi(r.output),
             "reasons": [reason_text(x) for x in r.reasons]} for r in rows]


def section(kind: str, atlas, node_code: str, *, user) -> dict:
    if kind == "chain_graph":
        return {"chart": chain_tree(atlas), "height": "720px"}
    if kind == "region_map":
        return region_map(atlas, node_code)
    if kind == "technology_roadmap":
        return {"chart": technology_tree(atlas), "height": "480px"}
    if kind == "application_map":
        return {"chart": application_sankey(atlas), "height": "420px"}
    if kind == "gap_table":
        return {"rows": gap_rows(atlas)}
    if kind == "key_enterprises":
        return {"rows": key_enterprises(atlas)}
    if kind == "technologies":
        return {"rows": technology_rows(atlas)}
    if kind == "bottlenecks":
        return {"rows": bottlenecks(atlas)}
    if kind == "candidate_map":
        return {"rows": candidate_rows(candidates(user=user, atlas=atlas, limit=5))}
    if kind == "key_projects":
        return {"rows": atlas_projects(user=user, region=atlas.region, node_code=node_code)}
    if kind == "key_platforms":
        return {"rows": atlas_platforms(user=user, region=atlas.region, node_code=node_code)}
    raise ValueError(kind)

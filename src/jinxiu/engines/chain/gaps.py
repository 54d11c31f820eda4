"""Gap analysis (缺链/弱链/强链) per node of a region, and 招商 candidate ranking.

Inputs are plain data: the taxonomy, the region's firms with their outputs by year, the links
that count (the caller decides: confirmed, or automatic at medium grade or better; never a
rejected one), and optionally a reference region's figures for the location quotient.

Per node (its whole subtree counted, each firm once):

- ``firms``: local firms linked to the node or below it;
- ``output``: their industrial output in the year (firms without a figure add nothing;
  ``reported`` says how many had one); ``share``: output / the output of every firm of the
  region linked anywhere in the chain;
- ``lq`` (location quotient, 区位熵): (output / region total) / (reference node output /
  reference total), when the reference gives the node's figure and both totals;
- ``anchor``: a firm whose output reaches ``anchor_output`` or that carries an anchor tag
  (龙头/链主 by default);
- ``growth``: compound yearly growth of the output of the firms that reported both in the year
  and ``growth_years`` before.

Privacy: ``visible`` names the firms whose figures the caller may see (None: all). A node whose
figures come from fewer than ``min_reported`` firms, one of which the caller may not see, has
its figures withheld (output, share, lq, growth are None, ``suppressed`` is set) and its anchor
judged by tags alone, so that neither a figure nor a verdict reveals one firm's numbers.

Verdict: no local firm → **missing** (缺链). Otherwise **weak** (弱链) for any of: fewer than
``min_firms`` firms, no anchor, ``lq`` below ``lq_strong``, negative growth; else **strong**
(强链). Every verdict carries its reasons as codes with the figure that triggered them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jinxiu.engines.chain.taxonomy import Taxonomy

MISSING, WEAK, STRONG = "missing", "weak", "strong"


@dataclass(frozen=True)
class FirmFigures:
    id: int | str
    name: str = ""
    outputs: dict[int, float] = field(default_factory=dict)  # year -> industrial output
    tags: tuple[str, ...] = ()
    region: str = ""  # GB/T 2260 code


@dataclass(frozen=True)
class Reference:
    """A reference region's figures (e.g. the province or the nation from a yearbook)."""

    name: str
    local_total: float  # the analysed region's total industrial output, same year and unit
    reference_total: float
    node_outputs: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class GapParams:
    anchor_output: float = 50000.0  # 10,000 yuan: 5亿元
    anchor_tags: tuple[str, ...] = ("leader", "chain_master")
    min_firms: int = 3
    lq_strong: float = 1.0
    growth_years: int = 2
    min_reported: int = 3  # privacy: fewest firms behind a figure shown to others


@dataclass(frozen=True)
class VerdictReason:
    code: str  # no_firm | few_firms | no_anchor | low_lq | declining | anchor | high_lq | growing
    value: float | int | str | None = None


@dataclass(frozen=True)
class NodeGap:
    node: str
    firms: tuple  # firm ids
    output: float | None
    reported: int
    share: float | None
    lq: float | None
    anchors: tuple  # firm ids
    growth: float | None
    verdict: str
    reasons: tuple[VerdictReason, ...]
    suppressed: bool = False


def _cagr(before: float, after: float, years: int) -> float | None:
    if before <= 0 or years <= 0:
        return None
    return (after / before) ** (1 / years) - 1


@dataclass
class NodeTotals:
    """What a node's verdict is computed from: its firms (each once) and the sums of their
    figures. ``analyse`` adds them up firm by firm; a caller that sums in the database (the
    chain app's atlas) fills them per node and calls :func:`node_gap` the same way."""

    firms: list = field(default_factory=list)  # firm ids, in id order as text
    reported: int = 0  # firms with an output in the year
    output: float = 0.0  # their output
    reporting: list | None = None  # their ids (needed only below ``min_reported``)
    both: int = 0  # firms with an output in the year and ``growth_years`` before
    both_before: float = 0.0
    both_now: float = 0.0
    big: list = field(default_factory=list)  # anchors by output or tag, in id order as text


def analyse(taxonomy: Taxonomy, firms: list[FirmFigures], links: dict, *, year: int,
            reference: Reference | None = None, params: GapParams = GapParams(),
            visible: set | None = None) -> dict[str, NodeGap]:
    """``links``: firm id -> node codes it is linked to (only the links that count)."""
    by_id = {f.id: f for f in firms}
    # every firm's nodes: the paths from the root to each node it is linked to, each once
    paths: dict[str, tuple] = {}  # code -> its path from the root (() for an unknown code)
    on_nodes: dict = {}
    for firm_id, nodes in links.items():
        if firm_id not in by_id:
            continue
        mine: set = set()
        for code in nodes:
            on_path = paths.get(code)
            if on_path is None:
                on_path = paths[code] = tuple(taxonomy.path(code)) if code in taxonomy else ()
            mine.update(on_path)
        if mine:
            on_nodes[firm_id] = mine
    # one pass over the linked firms in id order (as text) fills every node's lists in that
    # order: a city has tens of thousands of firms, each counted on several nodes
    before = year - params.growth_years
    anchor_tags = set(params.anchor_tags)
    ids_of: dict[str, list] = {n.code: [] for n in taxonomy.nodes}
    now_of: dict[str, list] = {n.code: [] for n in taxonomy.nodes}  # outputs reported
    both_of: dict[str, list] = {n.code: [] for n in taxonomy.nodes}  # (before, now) pairs
    big_of: dict[str, list] = {n.code: [] for n in taxonomy.nodes}  # anchor by output or tag
    tagged = set()
    chain_outputs = []
    for firm_id in sorted(on_nodes, key=str):
        firm = by_id[firm_id]
        now = firm.outputs.get(year)
        then = firm.outputs.get(before)
        chain_outputs.append(now or 0.0)
        is_tagged = bool(firm.tags) and not anchor_tags.isdisjoint(firm.tags)
        if is_tagged:
            tagged.add(firm_id)
        big = is_tagged or (now or 0) >= params.anchor_output
        for code in on_nodes[firm_id]:
            ids_of[code].append(firm_id)
            if now is not None:
                now_of[code].append((firm_id, now))
                if then is not None:
                    both_of[code].append((then, now))
            if big:
                big_of[code].append(firm_id)
    chain_total = sum(chain_outputs)
    visible_set = set(visible) if visible is not None else None
    result = {}
    for node in taxonomy.nodes:
        reporting, both = now_of[node.code], both_of[node.code]
        totals = NodeTotals(
            firms=ids_of[node.code], reported=len(reporting),
            output=float(sum(v for _i, v in reporting)),
            reporting=[i for i, _v in reporting], both=len(both),
            both_before=sum(b for b, _n in both), both_now=sum(n for _b, n in both),
            big=big_of[node.code])
        result[node.code] = node_gap(node.code, totals, chain_total=chain_total,
                                     reference=reference, params=params,
                                     visible=visible_set, tagged=tagged)
    return result


def node_gap(code: str, totals: NodeTotals, *, chain_total: float,
             reference: Reference | None = None, params: GapParams = GapParams(),
             visible: set | None = None, tagged: set = frozenset()) -> NodeGap:
    """One node's figures, privacy and verdict from its totals. ``chain_total``: the output
    of every firm of the region linked anywhere in the chain; ``tagged``: the firms carrying
    an anchor tag (anchors by tag stay named when the figures are withheld)."""
    ids, reported = totals.firms, totals.reported
    output = float(totals.output)
    share = output / chain_total if chain_total and reported else None
    lq = None
    ref_node = reference.node_outputs.get(code) if reference else None
    if reference and ref_node and reference.local_total and reference.reference_total \
            and reported:
        lq = (output / reference.local_total) / (ref_node / reference.reference_total)
    growth = _cagr(totals.both_before, totals.both_now, params.growth_years) \
        if totals.both else None
    # the firms whose figures make this node's (each one in ``both`` reported this year)
    suppressed = (visible is not None and 0 < reported < params.min_reported
                  and not set(totals.reporting or ()) <= visible)
    if suppressed:
        output, share, lq, growth = None, None, None, None
    anchors = tuple(i for i in totals.big if not suppressed or i in tagged)
    reasons: list[VerdictReason] = []
    if suppressed:
        reasons.append(VerdictReason("withheld", reported))
    if not ids:
        verdict = MISSING
        reasons.append(VerdictReason("no_firm", 0))
    else:
        if len(ids) < params.min_firms:
            reasons.append(VerdictReason("few_firms", len(ids)))
        if not anchors:
            reasons.append(VerdictReason("no_anchor", params.anchor_output))
        if lq is not None and lq < params.lq_strong:
            reasons.append(VerdictReason("low_lq", round(lq, 4)))
        if growth is not None and growth < 0:
            reasons.append(VerdictReason("declining", round(growth, 4)))
        verdict = WEAK if [r for r in reasons if r.code != "withheld"] else STRONG
        if anchors:
            reasons.append(VerdictReason("anchor", len(anchors)))
        if lq is not None and lq >= params.lq_strong:
            reasons.append(VerdictReason("high_lq", round(lq, 4)))
        if growth is not None and growth >= 0:
            reasons.append(VerdictReason("growing", round(growth, 4)))
    return NodeGap(code, tuple(ids), output, reported, share, lq, anchors, growth, verdict,
                   tuple(reasons), suppressed)


@dataclass(frozen=True)
class RankParams:
    fills_missing: float = 40.0
    supplies_anchor: float = 25.0
    size_max: float = 15.0  # reached at anchor_output
    growth_max: float = 10.0  # reached at growth_full
    growth_full: float = 0.10
    tier_each: float = 5.0
    tier_max: float = 10.0
    tier_tags: tuple[str, ...] = ("leader", "chain_master", "little_giant", "zjtx",
                                  "high_tech")
    strong_link: float = 5.0


@dataclass(frozen=True)
class Candidate:
    firm: int | str
    node: str
    score: float
    reasons: tuple[VerdictReason, ...]


def rank_candidates(gaps: dict[str, NodeGap], pool: list[FirmFigures], links: dict, *,
                    year: int, gap_params: GapParams = GapParams(),
                    params: RankParams = RankParams(),
                    grades: dict | None = None) -> dict[str, list[Candidate]]:
    """For each missing or weak node, the pool's firms linked to it, best first.

    ``links``: firm id -> node codes (the pool's links that count); ``grades``: optional
    (firm id, node) -> grade, a strong link adding ``strong_link``. Figures a firm lacks
    simply add nothing (the caller passes only the figures its user may see).
    """
    by_id = {f.id: f for f in pool}
    out: dict[str, list[Candidate]] = {}
    for code, gap in gaps.items():
        if gap.verdict not in (MISSING, WEAK):
            continue
        ranked = []
        for firm_id, nodes in links.items():
            if code not in nodes or firm_id not in by_id:
                continue
            firm = by_id[firm_id]
            score, reasons = 0.0, []
            output = firm.outputs.get(year)
            if gap.verdict == MISSING:
                score += params.fills_missing
                reasons.append(VerdictReason("fills_missing"))
            is_anchor = (output or 0) >= gap_params.anchor_output or bool(
                set(firm.tags) & set(gap_params.anchor_tags))
            if not gap.anchors and is_anchor:
                score += params.supplies_anchor
                reasons.append(VerdictReason("supplies_anchor"))
            if output:
                points = min(params.size_max,
                             params.size_max * output / gap_params.anchor_output)
                score += points
                reasons.append(VerdictReason("size", round(points, 2)))
            before = firm.outputs.get(year - gap_params.growth_years)
            growth = _cagr(before or 0.0, output or 0.0, gap_params.growth_years) \
                if output is not None and before is not None else None
            if growth is not None and growth > 0:
                points = min(params.growth_max,
                             params.growth_max * growth / params.growth_full)
                score += points
                reasons.append(VerdictReason("growth", round(growth, 4)))
            tiers = [t for t in params.tier_tags if t in firm.tags]
            if tiers:
                score += min(params.tier_max, params.tier_each * len(tiers))
                reasons.append(VerdictReason("tier", ",".join(tiers)))
            if grades and grades.get((firm_id, code)) == "strong":
                score += params.strong_link
                reasons.append(VerdictReason("strong_link"))
            ranked.append(Candidate(firm_id, code, round(score, 2), tuple(reasons)))
        ranked.sort(key=lambda c: (-c.score, by_id[c.firm].name, str(c.firm)))
        out[code] = ranked
    return out

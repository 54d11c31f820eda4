"""Chain metrics: taxonomy, auto-linking with evidence, gap analysis, candidate ranking.

Public API::

    from jinxiu.engines.chain import read_taxonomy, Linker, Firm, analyse, rank_candidates
    taxonomy = read_taxonomy()                      # the shipped textile–apparel–footwear chain
    links = Linker(taxonomy).link(Firm(1, "1761", ("1821",), "针织服装制造"))
    gaps = analyse(taxonomy, firms, {1: {"knit_fabric"}}, year=2025)
    ranked = rank_candidates(gaps, pool, pool_links, year=2025)

Pure Python: no Django. See docs/engines/chain.md.
"""

from jinxiu.engines.chain.gaps import (
    MISSING,
    STRONG,
    WEAK,
    Candidate,
    FirmFigures,
    GapParams,
    NodeGap,
    NodeTotals,
    RankParams,
    Reference,
    VerdictReason,
    analyse,
    node_gap,
    rank_candidates,
)
from jinxiu.engines.chain.linking import GRADE_ORDER, Firm, Link, Linker, Reason
from jinxiu.engines.chain.taxonomy import (
    DEFAULT_TAXONOMY,
    Node,
    Taxonomy,
    TaxonomyError,
    read_taxonomy,
    taxonomy_from_dict,
)

__all__ = [
    "DEFAULT_TAXONOMY", "GRADE_ORDER", "MISSING", "STRONG", "WEAK", "Candidate", "Firm",
    "FirmFigures", "GapParams", "Link", "Linker", "Node", "NodeGap", "NodeTotals", "RankParams",
    "Reason", "Reference", "Taxonomy", "TaxonomyError", "VerdictReason", "analyse", "node_gap",
    "rank_candidates",
    "read_taxonomy", "taxonomy_from_dict",
]

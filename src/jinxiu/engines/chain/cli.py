"""Command line: ``python -m jinxiu.engines.chain link firms.csv`` and ``... gaps case.json``.

``link`` reads a CSV with columns id, main_industry, secondary_industries (separated by
spaces or ;), business_scope and writes id, node, grade, reasons as CSV.
``gaps`` reads a JSON case::

    {"year": 2025, "firms": [{"id": "f1", "name": "一厂", "outputs": {"2025": 100},
     "tags": ["leader"]}], "links": {"f1": ["knit_fabric"]},
     "reference": {"name": "省", "local_total": 1000, "reference_total": 100000,
                   "node_outputs": {"knit_fabric": 5000}},
     "params": {"anchor_output": 50000}, "pool": [...], "pool_links": {...}}

and prints each node's verdict with its reasons (and ranked candidates when a pool is given).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

from jinxiu.engines.chain.gaps import (
    FirmFigures,
    GapParams,
    Reference,
    analyse,
    rank_candidates,
)
from jinxiu.engines.chain.linking import Firm, Linker
from jinxiu.engines.chain.taxonomy import DEFAULT_TAXONOMY, read_taxonomy


def _figures(items) -> list[FirmFigures]:
    return [FirmFigures(id=f["id"], name=f.get("name", ""),
                        outputs={int(y): float(v) for y, v in (f.get("outputs") or {}).items()
                                 if v is not None},
                        tags=tuple(f.get("tags") or ())) for f in items]


def _link(args) -> int:
    linker = Linker(read_taxonomy(args.taxonomy))
    writer = csv.writer(sys.stdout)
    writer.writerow(["id", "node", "grade", "reasons"])
    with Path(args.file).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            firm = Firm(row["id"], row.get("main_industry", ""),
                        tuple(c for c in re.split(r"[\s;；,，]+",
                                                  row.get("secondary_industries", "")) if c),
                        row.get("business_scope", ""))
            for link in linker.link(firm):
                writer.writerow([link.firm, link.node, link.grade,
                                 "; ".join(f"{r.kind}:{r.value}" for r in link.reasons)])
    return 0


def _gaps(args) -> int:
    taxonomy = read_taxonomy(args.taxonomy)
    case = json.loads(Path(args.file).read_text(encoding="utf-8"))
    year = int(case["year"])
    params = GapParams(**(case.get("params") or {}))
    ref = case.get("reference")
    reference = Reference(ref["name"], float(ref["local_total"]), float(ref["reference_total"]),
                          {k: float(v) for k, v in (ref.get("node_outputs") or {}).items()}) \
        if ref else None
    links = {k: set(v) for k, v in (case.get("links") or {}).items()}
    gaps = analyse(taxonomy, _figures(case.get("firms") or []), links, year=year,
                   reference=reference, params=params)
    for node in taxonomy.nodes:
        gap = gaps[node.code]
        reasons = ", ".join(f"{r.code}={r.value}" if r.value is not None else r.code
                            for r in gap.reasons)
        print(f"{'  ' * (taxonomy.level(node.code) - 1)}{node.name} [{node.code}] "
              f"{gap.verdict}: {len(gap.firms)} firms, output {gap.output} ({reasons})")
    if case.get("pool"):
        pool_links = {k: set(v) for k, v in (case.get("pool_links") or {}).items()}
        for code, ranked in rank_candidates(gaps, _figures(case["pool"]), pool_links,
                                            year=year, gap_params=params).items():
            for cand in ranked:
                print(f"candidate {code}: {cand.firm} {cand.score} "
                      f"({', '.join(r.code for r in cand.reasons)})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jinxiu.engines.chain",
                                     description="Chain atlas metrics on plain files.")
    parser.add_argument("--taxonomy", default=str(DEFAULT_TAXONOMY),
                        help="taxonomy YAML (default: the shipped textile–apparel–footwear)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("link", help="link firms from a CSV").add_argument("file")
    sub.add_parser("gaps", help="gap verdicts (and candidates) from a JSON case") \
        .add_argument("file")
    args = parser.parse_args(argv)
    return _link(args) if args.command == "link" else _gaps(args)


if __name__ == "__main__":
    raise SystemExit(main())

"""Chain engine benchmark: auto-linking throughput and a full gap analysis + candidate ranking
on synthetic firms (deterministic seed; no database). The figures are for the engine only; the
database side (100,000 registry firms) is bench/registry's, with the registry import.

    .venv/bin/python bench/chain/bench_chain.py [N_FIRMS] [SEED]
"""

from __future__ import annotations

import json
import platform
import random
import sys
import time

from jinxiu.engines.chain import Firm, FirmFigures, Linker, analyse, rank_candidates, read_taxonomy

CODES = ["1711", "1712", "1713", "1751", "1752", "1761", "1762", "1763", "1771", "1781",
         "1811", "1819", "1821", "1829", "1830", "1910", "1951", "1952", "1953", "1954",
         "2822", "2925", "3551", "3553", "5132", "7491"]
SCOPES = ["针织面料织造", "服装制造", "运动鞋、鞋底制造", "棉纱销售", "印染精加工", "鞋材销售",
          "工业缝纫机制造", "服装设计", "床上用品制造", "无纺布生产", "涤纶长丝", "货物进出口",
          "电子商务", "纺织品检测", "休闲夹克加工"]


def main(n: int = 20000, seed: int = 0) -> dict:
    rng = random.Random(seed)
    taxonomy = read_taxonomy()
    t0 = time.perf_counter()
    linker = Linker(taxonomy)
    setup = time.perf_counter() - t0
    firms = [Firm(i, rng.choice(CODES), tuple(rng.sample(CODES, rng.randint(0, 2))),
                  "；".join(rng.sample(SCOPES, rng.randint(1, 4)))) for i in range(n)]
    t0 = time.perf_counter()
    links = {}
    count = 0
    for firm in firms:
        found = linker.link(firm)
        count += len(found)
        links[firm.id] = {x.node for x in found if x.grade in ("strong", "medium")}
    link_s = time.perf_counter() - t0
    figures = [FirmFigures(i, f"f{i}", {2025: rng.lognormvariate(8, 1.5),
                                        2023: rng.lognormvariate(8, 1.5)},
                           tags=("leader",) if rng.random() < 0.01 else ())
               for i in range(n)]
    local = figures[: n // 2]
    pool = figures[n // 2:]
    local_links = {f.id: links[f.id] for f in local}
    pool_links = {f.id: links[f.id] for f in pool}
    t0 = time.perf_counter()
    gaps = analyse(taxonomy, local, local_links, year=2025)
    ranked = rank_candidates(gaps, pool, pool_links, year=2025)
    atlas_s = time.perf_counter() - t0
    return {
        "engine": "chain", "firms": n, "seed": seed, "nodes": len(taxonomy.nodes),
        "links": count, "linker_setup_s": round(setup, 3),
        "link_firms_per_s": round(n / link_s, 1), "link_s": round(link_s, 3),
        "gaps_and_ranking_s": round(atlas_s, 3),
        "ranked_candidates": sum(len(v) for v in ranked.values()),
        "python": platform.python_version(), "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
    }


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print(json.dumps(main(*args), ensure_ascii=False, indent=2))

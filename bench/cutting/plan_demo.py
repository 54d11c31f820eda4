"""Cut-order planning with nested markers (分床 + 排料) on the demo order: what the refinement
of estimated marker lengths gains over planning once on area estimates.

    .venv/bin/python bench/cutting/plan_demo.py --seconds 5 \
        --out bench/results/cutting-plan-demo-5s.json

The demo style T2601 (a synthetic T-shirt: front, back, a sleeve pair and a neck rib in S, M,
L; ``jinxiu.apps.cutting.sample``) and the demo order (红 S40 M80 L60, 白 M30 L20; usable
width 1500 mm, max 60 plies, table 6000 mm, ≤ 4 garments per marker, over-cut ≤ 2, spacing
2 mm). Runs against a throw-away test database. Reports the first plan (area estimates at
80 % utilization, as round 1 makes it) with the real lengths of its markers, and the final
plan after the refinement rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(HERE / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinxiu.config.settings.test")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5, help="search time per marker")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0)
    try:
        return run(args)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


def run(args) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    import jinxiu
    from jinxiu.apps.core.changelog import change_context
    from jinxiu.apps.core.models import Organization
    from jinxiu.apps.cutting.adapter import engine_order, order_problem, plan_with_markers
    from jinxiu.apps.cutting.models import CutOrder
    from jinxiu.apps.cutting.sample import demo_pattern_dxf
    from jinxiu.apps.cutting.services import pattern_import
    from jinxiu.apps.production.models import Style
    from jinxiu.engines.nesting.cutorder import area_estimate, plan_cut_order

    with change_context(user=None, source="system"):
        org = Organization.objects.create(name="基准测试企业", kind="enterprise")
        style = Style.objects.create(organization=org, code="T2601", name="T 恤")
        pattern = pattern_import(organization=org, style=style, uploaded=SimpleUploadedFile(
            "T2601.dxf", demo_pattern_dxf()))
        order = CutOrder.objects.create(
            organization=org, name="demo", pattern=pattern, material="Fabric", width=1500,
            max_plies=60, max_length=6000, max_garments=4, max_overcut=2, spacing=2,
            seconds_per_marker=args.seconds,
            quantities={"红": {"S": 40, "M": 80, "L": 60}, "白": {"M": 30, "L": 20}})

    started = time.perf_counter()
    run_ = plan_with_markers(order, seconds=args.seconds, seed=args.seed)
    elapsed = time.perf_counter() - started

    def key(ratio):
        return tuple(sorted((s, n) for s, n in ratio.items() if n))

    base = order_problem(order)
    first = plan_cut_order(engine_order(order), area_estimate(base, 0.80), time_limit=10,
                           workers=1)
    first_real = sum(run_.lengths[key(lay.ratio)] * lay.total_plies for lay in first.lays)
    final = sum(run_.markers[key(lay.ratio)].length * lay.total_plies for lay in run_.plan.lays)

    def lays(plan, lengths):
        return [{"ratio": lay.ratio, "plies": lay.plies,
                 "length_mm": round(lengths[key(lay.ratio)], 1)} for lay in plan.lays]

    report = {
        "command": " ".join(sys.argv),
        "seconds_per_marker": args.seconds, "seed": args.seed,
        "rounds": run_.rounds, "markers_nested": run_.nested, "exact": run_.exact,
        "runtime_s": round(elapsed, 1), "candidates": run_.plan.candidates,
        "first_plan_estimated_mm": round(first.fabric_length, 1),
        "first_plan_real_mm": round(first_real, 1),
        "first_plan_lays": lays(first, run_.lengths),
        "final_plan_mm": round(final, 1),
        "final_plan_lays": lays(run_.plan, run_.lengths),
        "saving_vs_first_plan_pct": round(100 * (first_real - final) / first_real, 2),
        "marker_utilization": {" ".join(f"{s}{n}" for s, n in k): round(m.utilization, 4)
                               for k, m in run_.markers.items()},
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count(), "note": "shared development VM"},
        "version": getattr(jinxiu, "__version__", ""),
    }
    text = json.dumps(report, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``jinxiu nesting ...``: solve a marker, inspect a pattern, run the benchmark.

    jinxiu nesting solve FILE [--width W] [--ratio S=1,M=2,...] [--spacing D] [--time-limit S]
                              [--seed N] [--workers K] --out marker.json
                              [--svg F] [--pdf F] [--dxf F]
    jinxiu nesting check FILE [same problem options] --marker marker.json
    jinxiu nesting plan FILE [problem options] --order 'red:S=10,M=20;blue:S=5'
                             --max-plies P --max-garments G
    jinxiu nesting info FILE
    jinxiu nesting bench --set esicup-garment --data DIR --time-limit S --seeds K --out F.csv

Exit codes: 0 done; 2 bad input (nothing written); 3 solver failure or failed check (nothing
written); 4 the best marker is longer than --max-length (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jinxiu.engines.common import FirstOf, MaxRuntime, NoImprovement
from jinxiu.engines.nesting.model import Grain, NestingError, parse_ratio
from jinxiu.engines.nesting.readers import ReaderError, check_pieces, read_dxf, read_esicup
from jinxiu.engines.nesting.solver import (
    MarkerTooLongError,
    Progress,
    SolveParams,
    TargetUtilization,
    solve,
)


def _problem_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("file", type=Path)
    s.add_argument("--width", type=float, help="usable fabric width (mm for DXF)")
    s.add_argument("--ratio", help="garments per size, e.g. S=1,M=2,L=2 (a bare N for a "
                                   "single-size pattern)")
    s.add_argument("--spacing", type=float, default=0.0, help="minimum gap between pieces")
    s.add_argument("--grain", choices=[g.value for g in Grain], default=None,
                   help="fabric rule: one_way (nap), two_way (0/180, default), four_way")
    s.add_argument("--tilt", type=float, default=0.0, help="allowed grain tilt, degrees")
    s.add_argument("--max-length", type=float)
    s.add_argument("--start-allowance", type=float, default=0.0)
    s.add_argument("--end-allowance", type=float, default=0.0)
    s.add_argument("--material", help="DXF: nest only pieces of this material (Fabric ...)")
    pairs = s.add_mutually_exclusive_group()
    pairs.add_argument("--pairs", dest="pairs", action="store_true", default=None,
                       help="DXF: cut every even-quantity piece as mirrored pairs (default)")
    pairs.add_argument("--no-pairs", dest="pairs", action="store_false",
                       help="DXF: never mirror (a face-to-face spread makes the pairs)")
    s.add_argument("--lenient", action="store_true",
                   help="DXF: skip unreadable pieces instead of refusing the file")


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="jinxiu nesting", description="Marker making (排料).")
    sub = ap.add_subparsers(dest="command", required=True)

    s = sub.add_parser("solve", help="nest a pattern (DXF) or an instance (ESICUP JSON)")
    _problem_arguments(s)
    s.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--workers", type=int, help="solver threads (default: every core)")
    s.add_argument("--portfolio", type=int, default=1,
                   help="independent searches sharing the workers; the best is kept")
    s.add_argument("--out", type=Path, required=True, help="marker JSON")
    s.add_argument("--svg", type=Path)
    s.add_argument("--pdf", type=Path)
    s.add_argument("--dxf", type=Path)
    s.add_argument("--target-utilization", type=float, help="stop at this utilization (0..1)")
    s.add_argument("--no-improvement", type=float, help="stop after S seconds without gain")
    s.add_argument("-q", "--quiet", action="store_true")

    c = sub.add_parser("check", help="check a marker JSON against its problem (same options)")
    _problem_arguments(c)
    c.add_argument("--marker", type=Path, required=True, help="marker JSON written by solve")

    pl = sub.add_parser("plan", help="cut-order plan (分床): lays and plies for an order")
    _problem_arguments(pl)
    pl.add_argument("--order", required=True,
                    help="garments per colour and size: 'red:S=10,M=20;blue:S=5,M=8' "
                         "(or 'S=10,M=20' for one colour)")
    pl.add_argument("--max-plies", type=int, required=True)
    pl.add_argument("--max-garments", type=int, required=True, help="garments per marker")
    pl.add_argument("--max-overcut", type=int, default=0, help="per colour and size")
    pl.add_argument("--marker-cost", type=float, default=0.0,
                    help="fabric length one more distinct marker is worth")
    pl.add_argument("--utilization", type=float, default=0.82,
                    help="expected utilization for the area estimate of marker lengths")
    pl.add_argument("--nest-time", type=float,
                    help="estimate each candidate marker by a nesting run of this many seconds")

    i = sub.add_parser("info", help="list the pieces of a DXF pattern and their problems")
    i.add_argument("file", type=Path)

    b = sub.add_parser("bench", help="benchmark against plain spyrrow and best-known results")
    b.add_argument("--set", dest="set_name", default="esicup-garment",
                   choices=["esicup-garment"])
    b.add_argument("--data", type=Path, required=True, help="folder with the ESICUP JSON files")
    b.add_argument("--time-limit", type=float, default=60.0)
    b.add_argument("--seeds", type=int, default=3)
    b.add_argument("--first-seed", type=int, default=1)
    b.add_argument("--workers", type=int)
    b.add_argument("--portfolio", type=int, default=1)
    b.add_argument("--instances", help="comma-separated subset")
    b.add_argument("--no-baseline", action="store_true")
    b.add_argument("--out", type=Path, required=True)
    return ap


def _load(args: argparse.Namespace):
    ratio = parse_ratio(args.ratio) if args.ratio else None
    common = {
        "spacing": args.spacing,
        "tilt": args.tilt,
        "max_length": args.max_length,
        "start_allowance": args.start_allowance,
        "end_allowance": args.end_allowance,
    }
    suffix = args.file.suffix.lower()
    if suffix == ".json":
        if not args.file.exists():
            raise ReaderError(f"{args.file}: no such file")
        extra = {"width": args.width, "ratio": ratio}
        if args.grain:
            extra["grain"] = Grain(args.grain)
        return read_esicup(args.file, **common, **extra)
    if suffix == ".dxf":
        if args.width is None:
            raise ReaderError("--width is required for a DXF pattern (usable fabric width, mm)")
        pattern = read_dxf(args.file)
        return pattern.to_problem(
            width=args.width, ratio=ratio, pairs=args.pairs, grain=args.grain or Grain.TWO_WAY,
            material=args.material, strict=not args.lenient, **common,
        )
    raise ReaderError(f"{args.file}: unknown file type (expected .dxf or .json)")


def _solve(args: argparse.Namespace) -> int:
    def say(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr)

    try:
        data = _load(args)
    except (NestingError, OSError) as exc:
        print(f"jinxiu nesting: {exc}", file=sys.stderr)
        return 2
    for piece in data.pieces:
        if piece.repair_note:
            say(f"note: {piece.label}: {piece.repair_note}")
    criteria = [MaxRuntime(args.time_limit)]
    if args.target_utilization:
        criteria.append(TargetUtilization(args.target_utilization))
    if args.no_improvement:
        criteria.append(NoImprovement(args.no_improvement))
    say(f"{data.name or args.file.name}: {data.num_copies} pieces, width {data.width:g}, "
        f"{args.time_limit:g} s, seed {args.seed}")
    shown = {"t": -1.0}

    def progress(p: Progress) -> None:
        if p.elapsed_s - shown["t"] >= 1.0:
            shown["t"] = p.elapsed_s
            say(f"  {p.elapsed_s:6.1f}s  {p.utilization:.2%}  ({p.phase})")

    try:
        result = solve(
            data, stop=FirstOf(*criteria), seed=args.seed,
            params=SolveParams(workers=args.workers, portfolio=args.portfolio),
            on_progress=progress,
        )
    except MarkerTooLongError as exc:
        print(f"jinxiu nesting: {exc}", file=sys.stderr)
        return 4
    except NestingError as exc:
        print(f"jinxiu nesting: {exc}", file=sys.stderr)
        return 3
    from jinxiu.engines.nesting import writers

    writers.write_json(result, args.out)
    if args.svg:
        writers.write_svg(data, result, args.svg)
    if args.pdf:
        writers.write_pdf(data, result, args.pdf)
    if args.dxf:
        writers.write_dxf(data, result, args.dxf)
    print(f"length {result.length:.6g} {data.units}, width {result.width:g}, utilization "
          f"{result.utilization:.2%}, {len(result.placements)} pieces, "
          f"{result.runtime_s:.1f} s ({result.stop_reason})")
    return 0


def _check(args: argparse.Namespace) -> int:
    import json

    from jinxiu.engines.nesting.check import check_marker, load_marker

    try:
        data = _load(args)
        doc = json.loads(args.marker.read_text(encoding="utf-8"))
        placements, length = load_marker(data, doc)
    except (NestingError, OSError, ValueError, KeyError, TypeError) as exc:
        print(f"jinxiu nesting: {exc}", file=sys.stderr)
        return 2
    problems = check_marker(data, placements, length)
    for line in problems:
        print(line)
    if not problems:
        print(f"ok: {len(placements)} pieces, length {length:.6g}, width {data.width:g}, "
              f"utilization {data.piece_area / (data.width * length):.2%}")
    return 1 if problems else 0


def _parse_order(text: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        colour, sep, sizes = part.partition(":")
        if not sep or "=" in colour:
            colour, sizes = "-", part
        out[colour.strip()] = parse_ratio(sizes)
    return out


def _plan(args: argparse.Namespace) -> int:
    from jinxiu.engines.nesting.cutorder import CutOrder, area_estimate, cached, plan_cut_order

    try:
        demand = _parse_order(args.order)
        sizes = sorted({s for d in demand.values() for s in d})
        args.ratio = args.ratio or ",".join(f"{s}=1" for s in sizes)
        data = _load(args)
        order = CutOrder(demand=demand, max_plies=args.max_plies,
                         max_garments=args.max_garments, max_overcut=args.max_overcut,
                         marker_cost=args.marker_cost)
    except (NestingError, OSError) as exc:
        print(f"jinxiu nesting: {exc}", file=sys.stderr)
        return 2
    if args.nest_time:
        def nested(ratio: dict[str, int]) -> float:
            r = solve(data.with_changes(ratio=ratio), stop=MaxRuntime(args.nest_time), seed=0)
            return r.length

        length = cached(nested)
    else:
        length = area_estimate(data, args.utilization)
    try:
        plan = plan_cut_order(order, length)
    except NestingError as exc:
        print(f"jinxiu nesting: {exc}", file=sys.stderr)
        return 3
    for n, lay in enumerate(plan.lays, start=1):
        ratio = " ".join(f"{s}:{q}" for s, q in lay.ratio.items())
        plies = ", ".join(f"{k} {q}" for k, q in lay.plies.items())
        print(f"lay {n}: marker {ratio} ({lay.marker_length:.6g}), plies {plies}")
    over = {k: {s: q for s, q in d.items() if q} for k, d in plan.overcut.items()}
    over = {k: d for k, d in over.items() if d}
    print(f"fabric {plan.fabric_length:.6g} {data.units}, {plan.markers} marker(s), "
          f"{len(plan.lays)} lay(s), over-cut {over or 'none'}, "
          f"{'optimal' if plan.optimal else 'feasible'} over {plan.candidates} ratios")
    return 0


def _info(args: argparse.Namespace) -> int:
    try:
        pattern = read_dxf(args.file)
    except NestingError as exc:
        print(f"jinxiu nesting: {exc}", file=sys.stderr)
        return 2
    print(f"{args.file.name}: {len(pattern.pieces)} pieces, units {pattern.units} "
          f"({pattern.units_source}), sizes {pattern.sizes or '-'}, materials "
          f"{pattern.materials or '-'}")
    for p in pattern.pieces:
        from shapely.geometry import Polygon

        poly = Polygon(p.outline)
        x0, y0, x1, y1 = poly.bounds
        grain = "-" if p.grain_angle is None else f"{p.grain_angle:.1f}°"
        print(f"  {p.label:30s} ×{p.quantity}  {x1 - x0:8.1f} × {y1 - y0:8.1f} mm  "
              f"area {poly.area / 100:10.1f} cm²  grain {grain}  {p.material or ''}")
        for note in p.notes:
            print(f"      note: {note}")
    problems = check_pieces(pattern)
    for name, why in problems:
        print(f"  ERROR {name}: {why}")
    return 1 if problems else 0


def _bench(args: argparse.Namespace) -> int:
    from jinxiu.engines.nesting.bench import run_bench

    if not args.data.is_dir():
        print(f"jinxiu nesting: {args.data}: not a folder", file=sys.stderr)
        return 2
    try:
        run_bench(
            set_name=args.set_name, data_dir=args.data, time_limit=args.time_limit,
            seeds=args.seeds, out=args.out, workers=args.workers,
            instances=args.instances.split(",") if args.instances else None,
            baseline=not args.no_baseline, first_seed=args.first_seed,
            portfolio=args.portfolio,
        )
    except ValueError as exc:
        print(f"jinxiu nesting: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    commands = {"solve": _solve, "check": _check, "plan": _plan, "info": _info, "bench": _bench}
    return commands[args.command](args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))

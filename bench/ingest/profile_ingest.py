"""Where the time of one ingest batch goes, without HTTP or MQTT in between.

    python bench/ingest/profile_ingest.py --db postgres --batches 300 [--profile]

Builds the load generator's floor in a fresh database, then calls ``events_ingest`` (what both
transports call) for ``--batches`` batches of the generator's stream, round-robin over the
lines, in one process. Prints events/s in-process and, with ``--profile``, the top functions
by cumulative time. The database it created is dropped at the end (PostgreSQL).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "ingest"))
sys.path.insert(0, str(REPO / "src"))

from loadgen import batches, configure, setup  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--lines", type=int, default=50)
    parser.add_argument("--stations", type=int, default=40)
    parser.add_argument("--bundles", type=int, default=700)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--batches", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--store", choices=["auto", "python"], default="auto",
                        help="python: the Python storing path (rollup._events_store_python) "
                             "on PostgreSQL too, to compare with rollup_pg")
    parser.add_argument("--keep-db", action="store_true",
                        help="keep the PostgreSQL database the run created (default: drop it)")
    args = parser.parse_args(argv)
    args.transport = "profile"
    env = configure(args)
    try:
        return _run(args)
    finally:
        # drop the database this run created, and only that one
        if args.db == "postgres" and not args.keep_db:
            from django.db import connections

            connections.close_all()
            name = env["JINXIU_DATABASE_URL"].rsplit("/", 1)[1]
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
                            f"DROP DATABASE {name}"], check=False)


def _run(args) -> int:
    floor = setup(args)
    from jinxiu.apps.tracking.ingest import device_for_token, events_ingest

    if args.store == "python":
        from jinxiu.apps.tracking import ingest, rollup

        ingest.events_store = rollup._events_store_python
    devices = [device_for_token(line["token"]) for line in floor]
    streams = [batches(line, args) for line in floor]
    work = []
    for i in range(args.batches):
        k = i % len(floor)
        work.append((devices[k], next(streams[k])))
    profiler = cProfile.Profile() if args.profile else None
    stored = 0
    t0 = time.perf_counter()
    if profiler:
        profiler.enable()
    for device, items in work:
        stored += events_ingest(device=device, items=[dict(e) for e in items]).stored
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - t0
    events = sum(len(items) for _d, items in work)
    print(json.dumps({"db": args.db, "store": args.store, "bundles": args.bundles,
                      "batches": args.batches, "events": events,
                      "stored": stored, "seconds": round(seconds, 2),
                      "events_per_s": round(events / seconds)}))
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())

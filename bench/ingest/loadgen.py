"""Load generator for floor-event ingestion (bench/ingest/README.md).

    python bench/ingest/loadgen.py --transport http --db sqlite --seconds 60 [--kill-at 20]
    python bench/ingest/loadgen.py --transport mqtt --db postgres --seconds 60 --kill-at 20

Sets up a fresh database (``--lines`` lines × ``--stations`` stations: a style with one
operation per station, one operator per station, one hanging-line gateway per line, bundles),
starts the ingest process (``jinxiu serve`` for HTTP, ``jinxiu mqtt-ingest`` for MQTT), and
sends batches of realistic events from one sender per line on loopback for ``--seconds``: mostly
bundle scans in line order, hanger in/out and machine states in between, and now and then a
batch sent twice (a device that missed its ack). A batch is resent until it is acknowledged,
as a device does. ``--kill-at S`` SIGKILLs the ingest process S seconds in and restarts it.

At the end it counts the database against what was sent: every acknowledged event must be
there exactly once, and nothing else. It prints one JSON line of results.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import queue
import resource
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TZ = dt.timezone(dt.timedelta(hours=8))


# Shared machines: BENCH_DB_PREFIX names the PostgreSQL databases a run creates (and drops),
# BENCH_TMP the folder for the SQLite file and the ingest logs.
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "jinxiu_bench_")
TMP = Path(os.environ.get("BENCH_TMP", "/tmp"))


def configure(args) -> dict:
    var = TMP / f"jinxiu-bench-ingest-{args.db}"
    env = {**os.environ, "JINXIU_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE":
           "jinxiu.config.settings.base", "JINXIU_SECRET_KEY": "bench-ingest-" + "x" * 40,
           "JINXIU_INGEST_RATE_PER_MINUTE": "100000", "JINXIU_LOG_LEVEL": "WARNING"}
    if args.db == "postgres":
        name = f"{DB_PREFIX}{uuid.uuid4().hex[:8]}"
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
                        f"CREATE DATABASE {name}"], check=True)
        env["JINXIU_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    else:
        subprocess.run(["rm", "-rf", str(var)], check=True)
        var.mkdir(parents=True)
        env["JINXIU_DATABASE_URL"] = f"sqlite:///{var / 'ingest.sqlite3'}"
    os.environ.update(env)
    return env


def setup(args) -> list[dict]:
    """The floor: returns per line its device token, bundle codes and employee numbers."""
    subprocess.run([str(REPO / ".venv/bin/jinxiu"), "migrate", "-v", "0"], check=True)
    import django

    django.setup()
    from django.db import transaction

    from jinxiu.apps.core.changelog import change_context
    from jinxiu.apps.core.models import Organization
    from jinxiu.apps.production.models import Line, Operation, Operator, Style
    from jinxiu.apps.tracking.models import Bundle, Device, ProductionOrder
    from jinxiu.apps.tracking.services import bundles_cut, device_rotate_token

    floor = []
    with change_context(user=None, source="cli"), transaction.atomic():
        org = Organization.objects.create(name="压测企业", kind="enterprise")
        style = Style.objects.create(organization=org, code="B1", name="压测款")
        for s in range(1, args.stations + 1):
            Operation.objects.create(organization=org, style=style, sequence=s, code=f"{s}",
                                     name=f"工序{s}", machine_type="lockstitch",
                                     standard_seconds=30,
                                     predecessors=[f"{s - 1}"] if s > 1 else [])
        for n in range(1, args.lines + 1):
            line = Line.objects.create(organization=org, name=f"L{n}")
            for s in range(1, args.stations + 1):
                Operator.objects.create(organization=org, name=f"工{n}-{s}", line=line,
                                        employee_no=f"{n}-{s}")
            order = ProductionOrder.objects.create(organization=org, number=f"P{n}",
                                                   style=style, line=line,
                                                   quantity=20 * args.bundles)
            bundles = bundles_cut(order=order, lay=1, plies=20 * min(args.bundles, 20),
                                  sizes={"M": 1}, bundle_plies=20)
            # the rest of the day's bundles in bulk (the service saves and change-logs them
            # one by one, a minute for 35,000): bench data, no change records needed
            bundles += Bundle._base_manager.bulk_create(
                [Bundle(organization=org, order=order, number=k, code=f"P{n}-{k:04d}",
                        size="M", quantity=20, lay=2, ply_from=1, ply_to=20)
                 for k in range(len(bundles) + 1, args.bundles + 1)], batch_size=2000)
            device = Device.objects.create(organization=org, name=f"L{n} 吊挂网关", line=line,
                                           kind="hanger")
            floor.append({"line": n, "token": device_rotate_token(device=device),
                          "prefix": device.token_prefix, "bundles": [b.code for b in bundles]})
    return floor


def events_for(line: dict, args, round_no: int):
    """One round of a line: every bundle through every station, with hanger movements and a
    machine state now and then. Ids are unique per line."""
    n = line["line"]
    start = dt.datetime(2026, 3, 2, 8, tzinfo=TZ) + dt.timedelta(hours=round_no)
    i = 0
    for k, code in enumerate(line["bundles"]):
        for s in range(1, args.stations + 1):
            at = (start + dt.timedelta(seconds=k * 30 + s)).isoformat()
            station = f"S{s}"
            if s % 10 == 1:
                yield {"id": f"{n}.{round_no}.{k}.{s}.h", "type": "hanger_in", "at": at,
                       "bundle": code, "station": station}
            yield {"id": f"{n}.{round_no}.{k}.{s}", "type": "scan", "at": at, "bundle": code,
                   "operation": str(s), "operator": f"{n}-{s}", "station": station}
            i += 1
            if i % 97 == 0:
                yield {"id": f"{n}.{round_no}.{k}.{s}.m", "type": "machine", "at": at,
                       "station": station, "state": "down" if i % 2 else "running",
                       "reason": "断线" if i % 2 else ""}


def batches(line, args):
    round_no = 0
    while True:
        batch = []
        for event in events_for(line, args, round_no):
            batch.append(event)
            if len(batch) == args.batch:
                yield batch
                batch = []
        if batch:
            yield batch
        round_no += 1


class Ingest:
    """The ingest process (gunicorn or mqtt-ingest), which --kill-at kills with SIGKILL."""

    def __init__(self, args, env):
        self.args, self.env, self.procs = args, env, []
        self.run = uuid.uuid4().hex[:8]  # client ids and share group of this run only
        self.client_ids = [f"jinxiu-bench-{self.run}-{i}" for i in range(args.workers)]

    def start(self):
        jinxiu = str(REPO / ".venv/bin/jinxiu")
        if self.args.transport == "http":
            argvs = [[jinxiu, "serve", "--port", str(self.args.port), "--workers",
                      str(self.args.workers)]]
        else:
            argvs = [[jinxiu, "mqtt-ingest", "--url", "mqtt://127.0.0.1:1883", "--client-id",
                      client_id]
                     + (["--share", f"bench-{self.run}"] if self.args.workers > 1 else [])
                     + ["--group-size", str(self.args.group_size)]
                     for client_id in self.client_ids]
        log = open(TMP / f"jinxiu-bench-{self.args.transport}.log", "a")  # noqa: SIM115
        outs = [TMP / f"jinxiu-bench-{self.run}-{i}.out" for i in range(len(argvs))]
        self.procs = [subprocess.Popen(argv, env=self.env, stdout=open(out, "w"),  # noqa: SIM115
                                       stderr=log, start_new_session=True)
                      for argv, out in zip(argvs, outs, strict=True)]
        if self.args.transport == "http":
            warm = 0
            for _ in range(600):  # until every worker has loaded the application
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", self.args.port, timeout=60)
                    conn.request("POST", "/api/tracking/ingest/", b"")
                    conn.getresponse().read()
                    warm += 1
                    if warm >= 4 * self.args.workers:
                        return
                except OSError:
                    time.sleep(0.1)
        else:  # until every subscriber says the broker confirmed its subscription
            for _ in range(1200):
                if all("subscribed" in out.read_text() for out in outs):
                    return
                time.sleep(0.1)
            raise SystemExit("mqtt-ingest did not subscribe within 120 s")

    def kill(self):
        for proc in self.procs:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop(self):
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        if self.args.transport == "mqtt":  # end the subscribers' persistent sessions
            import paho.mqtt.client as mqtt

            for client_id in self.client_ids:
                cleaner = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                                      clean_session=True)
                cleaner.connect("127.0.0.1", 1883)
                cleaner.disconnect()


def http_sender(line, args, deadline, stats, acked):
    conn = None
    headers = {"Authorization": f"Device {line['token']}",
               "Content-Type": "application/x-ndjson"}
    for count, batch in enumerate(batches(line, args)):
        if time.monotonic() > deadline:
            return
        body = "\n".join(json.dumps(e, ensure_ascii=False) for e in batch).encode()
        sends = 2 if count % 50 == 7 else 1  # now and then a resend after a lost ack
        for _ in range(sends):
            while True:
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
                    conn.request("POST", "/api/tracking/ingest/", body, headers)
                    response = conn.getresponse()
                    data = json.loads(response.read())
                    if response.status == 200:
                        break
                    if response.status >= 500 or response.status == 429:
                        time.sleep(0.2)
                        continue
                    raise SystemExit(f"refused: {response.status} {data}")
                except (OSError, http.client.HTTPException, ValueError):
                    conn = None
                    stats["retries"] += 1
                    time.sleep(0.2)
        stats["batches"] += 1
        stats["sent"] += len(batch)
        acked.append((line["line"], [e["id"] for e in batch]))


def mqtt_sender(line, args, deadline, stats, acked):
    import paho.mqtt.client as mqtt

    answers: queue.Queue = queue.Queue()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                         client_id=f"bench-dev-{line['line']}-{uuid.uuid4().hex[:6]}")
    client.on_message = lambda c, u, msg: answers.put(json.loads(msg.payload))
    client.connect("127.0.0.1", 1883)
    client.subscribe(f"jinxiu/v1/devices/{line['prefix']}/ack", qos=1)
    client.loop_start()
    topic = f"jinxiu/v1/devices/{line['prefix']}/events"
    try:
        for count, batch in enumerate(batches(line, args)):
            if time.monotonic() > deadline:
                return
            batch_id = f"{line['line']}-{count}"
            payload = json.dumps({"token": line["token"], "batch": batch_id, "events": batch},
                                 ensure_ascii=False)
            if count % 50 == 7:  # a resend after a lost ack
                client.publish(topic, payload, qos=1)
            while True:
                client.publish(topic, payload, qos=1)
                try:
                    while True:
                        answer = answers.get(timeout=args.ack_timeout)
                        if answer.get("batch") == batch_id:
                            break
                    break
                except queue.Empty:
                    stats["retries"] += 1  # no ack: resend the same batch
            if answer.get("errors"):
                raise SystemExit(f"refused: {answer}")
            stats["batches"] += 1
            stats["sent"] += len(batch)
            acked.append((line["line"], [e["id"] for e in batch]))
    finally:
        client.loop_stop()
        client.disconnect()


def count(env) -> dict:
    from django.db import connection

    from jinxiu.apps.tracking.models import FloorEvent

    connection.close()
    rows = FloorEvent.objects.count()
    distinct = FloorEvent.objects.values("device_id", "event_id").distinct().count()
    return {"rows": rows, "distinct": distinct,
            "ids": set(FloorEvent.objects.values_list("device__line__name", "event_id"))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transport", choices=["http", "mqtt"], default="http")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--lines", type=int, default=50)
    parser.add_argument("--stations", type=int, default=40)
    parser.add_argument("--bundles", type=int, default=700,
                        help="bundles per line (each passes every station once per round; "
                             "700 is about 5 minutes of a line at 100 events/s)")
    parser.add_argument("--batch", type=int, default=200, help="events per batch")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--kill-at", type=float, default=0, help="SIGKILL the ingest at S s")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn workers (HTTP) or subscribers sharing the load (MQTT)")
    parser.add_argument("--group-size", type=int, default=1,
                        help="MQTT: batches per commit in mqtt-ingest")
    parser.add_argument("--ack-timeout", type=float, default=10)
    parser.add_argument("--keep-db", action="store_true",
                        help="keep the PostgreSQL database the run created (default: drop it)")
    args = parser.parse_args(argv)
    env = configure(args)
    t0 = time.monotonic()
    floor = setup(args)
    setup_s = time.monotonic() - t0
    ingest = Ingest(args, env)
    ingest.start()
    stats = {"sent": 0, "batches": 0, "retries": 0}
    acked: list = []
    sender = http_sender if args.transport == "http" else mqtt_sender
    start = time.monotonic()
    deadline = start + args.seconds
    threads = [threading.Thread(target=sender, args=(line, args, deadline, stats, acked),
                                daemon=True) for line in floor]
    for t in threads:
        t.start()
    killed = None
    if args.kill_at:
        time.sleep(args.kill_at)
        ingest.kill()
        killed = round(time.monotonic() - start, 1)
        time.sleep(1)
        ingest.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    sender_cpu = resource.getrusage(resource.RUSAGE_SELF)
    ingest.stop()
    db = count(env)
    expected = {(f"L{n}", i) for n, ids in acked for i in ids}
    result = {
        "transport": args.transport, "db": args.db, "lines": args.lines,
        "stations": args.stations, "batch": args.batch, "seconds": round(elapsed, 1),
        "setup_s": round(setup_s, 1), "acknowledged_events": len(expected),
        "events_per_s": round(len(expected) / elapsed), "batches": stats["batches"],
        "resends_after_errors": stats["retries"], "killed_at_s": killed,
        "rows": db["rows"], "duplicates": db["rows"] - db["distinct"],
        "acknowledged_missing": len(expected - db["ids"]),
        "stored_not_acknowledged": len(db["ids"] - expected),
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
        # CPU seconds of this process (setup and the senders), against the run's seconds
        "loadgen_cpu_s": round(sender_cpu.ru_utime + sender_cpu.ru_stime, 1),
        "machine": f"{platform.node()} {platform.processor() or platform.machine()} "
                   f"{os.cpu_count()} cpus, Python {platform.python_version()}",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    print(json.dumps(result, ensure_ascii=False))
    if args.db == "postgres" and not args.keep_db:
        from django.db import connection

        connection.close()
        name = env["JINXIU_DATABASE_URL"].rsplit("/", 1)[1]
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
                        f"DROP DATABASE {name}"], check=False)
    ok = result["duplicates"] == 0 and result["acknowledged_missing"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    sys.exit(main())

"""One registry benchmark run on the database named by JINXIU_DATABASE_URL (see run.sh)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

import django

FILTERS = [
    ("list", {}),
    ("page 50", {"page": "50"}),
    ("search 针织", {"q": "针织"}),
    ("search 鞋业 鹿城", {"q": "鞋业 鹿城"}),
    ("region 泉州 (city, below)", {"region": "350500"}),
    ("industry 17 (prefix)", {"industry": "17"}),
    ("tag 专精特新", {"tag": "zjtx"}),
    ("region+industry+search", {"region": "350581", "industry": "176", "q": "针织"}),
    ("code prefix", {"q": "91350581MA9C"}),
    ("chain node 针织面料 (and below)", {"chain_node": "knit_fabric"}),
    ("size small (the statistician's region: 石狮)", {"size": "small"}),
]


def _machine() -> dict:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError):
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {"platform": platform.platform(), "cpu": cpu, "cpus": os.cpu_count(),
            "memory": mem, "load_average_at_start": load}


def _versions() -> dict:
    from django.db import connection

    repo = Path(__file__).resolve().parents[2]
    try:
        # a fixed command on the repository the script lives in
        commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = ""
    from importlib.metadata import version

    return {"jinxiu": version("jinxiu"), "commit": commit, "python": platform.python_version(),
            "django": django.get_version(), "database": connection.vendor,
            "database_version": ".".join(map(str, connection.Database.sqlite_version_info))
            if connection.vendor == "sqlite" else str(connection.pg_version)}


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1), "n": len(ordered)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=int(os.environ.get("FIRMS", 100_000)))
    parser.add_argument("--import-rows", type=int,
                        default=int(os.environ.get("IMPORT_ROWS", 50_000)))
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("REPEAT", 30)))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from jinxiu.apps.core.changelog import change_context
    from jinxiu.apps.core.jobs.services import job_execute
    from jinxiu.apps.core.models import JobRun, Membership, Organization, Region, User
    from jinxiu.apps.enterprises.models import Enterprise, ImportBatch, YearlyIndicator
    from jinxiu.apps.enterprises.synthetic import generate, load

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    result: dict = {"benchmark": "registry", "started": dt.datetime.now(dt.UTC).isoformat(),
                    "machine": _machine(), "seed": args.seed, "firms": args.firms,
                    "years": 5}
    call_command("migrate", interactive=False, verbosity=0)
    if not Region.objects.exists():
        call_command("regions", "load")
    result["versions"] = _versions()

    t0 = time.perf_counter()
    firms = generate(firms=args.firms + args.import_rows, seed=args.seed)
    t1 = time.perf_counter()
    result["generate_s"] = round(t1 - t0, 1)
    # REUSE=1 (run.sh sets it when it copied a prepared database): the registry is there and
    # linked already; only the measurements run (RELINK=1 measures re-linking again)
    reused = Enterprise.objects.count() >= args.firms
    result["reused_database"] = reused
    from django.db import connection

    if reused and connection.vendor == "postgresql":
        # planner statistics and the visibility map, as autovacuum (on by default) keeps
        # them on a live server. A database just bulk-loaded and copied has neither: row
        # estimates off by 100x (nested loops), and no index-only scan can skip the heap.
        # The development server here runs with autovacuum off, so the bench does it.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    if not reused:
        with change_context(user=None, source="cli"), transaction.atomic():
            counts = load(firms[:args.firms])
        t2 = time.perf_counter()
        result["load"] = {**counts, "seconds": round(t2 - t1, 1)}
        print(json.dumps(result["load"]), flush=True)
    result["rows"] = {"enterprises": Enterprise.objects.count(),
                      "yearly_indicators": YearlyIndicator.objects.count()}

    # the chain atlas: link the whole registry (auto-linking throughput, with the writes),
    # then compute each seed city's atlas as its statistician's page does
    from jinxiu.apps.chain.selectors import atlas as atlas_for
    from jinxiu.apps.chain.services import links_rebuild, taxonomy_load

    taxonomy_load()
    if not reused or os.environ.get("RELINK"):
        t_link = time.perf_counter()
        with change_context(user=None, source="cli"):
            stats = links_rebuild(enterprises=Enterprise.objects.select_related(
                "organization__region"))
        link_s = time.perf_counter() - t_link
        result["relink"] = {**stats, "seconds": round(link_s, 1),
                            "firms_per_s": round(stats["enterprises"] / link_s)}
        print(json.dumps(result["relink"]), flush=True)
    if os.environ.get("PREPARE_ONLY"):
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                  encoding="utf-8")
        return

    # a bureau officer of 石狮 (the list is public registry facts: same rows for everyone)
    bureau, _ = Organization.objects.get_or_create(
        name="【示例】基准测试工信局", defaults={"kind": "bureau", "is_synthetic": True,
                                         "region": Region.objects.get(code="350581")})
    user, _ = User.objects.get_or_create(username="bench-officer")
    Membership.objects.get_or_create(user=user, organization=bureau,
                                     defaults={"role": "officer", "is_statistician": True})
    # the statistics policy of the bureau's region, as a live bureau has: without it the
    # size-class filter shows its statistician nothing (and the atlas withholds more)
    if os.environ.get("STATS_POLICY", "1") == "1":
        from jinxiu.apps.core.models import StatisticsPolicy

        StatisticsPolicy.objects.get_or_create(
            bureau=bureau, basis="bench", defaults={
                "categories": ["financial"], "valid_from": dt.date(2000, 1, 1)})
    year = YearlyIndicator.objects.order_by("-year").values_list("year", flat=True).first()
    cities = Region.objects.filter(code__in={c[:4] + "00" for c in Organization.objects.filter(
        kind="enterprise").values_list("region__code", flat=True).distinct()})
    atlases = {}
    from jinxiu.apps.chain import atlas_cache

    def timed(city):
        started = time.perf_counter()
        data = atlas_for(user=user, region=city, year=year)
        return time.perf_counter() - started, data

    from django.test import override_settings

    no_cache = override_settings(CACHES={"default": {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache"}})

    for city in (cities if not os.environ.get("SKIP_ATLAS") else ()):
        # with no cache at all (Django's dummy cache, this process's entries dropped before
        # each run): what a view costs when nothing was kept
        bare = []
        with no_cache:
            for _i in range(3):
                atlas_cache._LOCAL.clear()
                bare.append(timed(city)[0])
            atlas_cache._LOCAL.clear()
        # after a write (the inputs read from the database and cached), in a process that has
        # not built them (the shared cache's rows), and again in the same process
        cold, shared, samples = [], [], []
        for _i in range(3):
            atlas_cache.invalidate()
            cold.append(timed(city)[0])
            atlas_cache._LOCAL.clear()
            shared.append(timed(city)[0])
        for _i in range(max(3, min(args.repeat, 5))):
            seconds, data = timed(city)
            samples.append(seconds)
        firms_in = len(data.firms)  # every firm of the city (read now, after the timing)
        atlases[city.name] = {**_percentiles(samples), "firms": firms_in,
                              "no_cache": _percentiles(bare),
                              "after_write": _percentiles(cold),
                              "shared_cache": _percentiles(shared)}
        print("atlas", city.name, atlases[city.name], flush=True)
    result["atlas"] = {"year": year, "cities": atlases}
    if atlases:
        result["atlas"]["load_average_at_end"] = os.getloadavg()

    client = Client()
    client.force_login(user)
    pages = {}
    for label, params in (FILTERS if not os.environ.get("SKIP_LIST") else ()):
        samples = []
        for i in range(args.repeat + 2):
            started = time.perf_counter()
            response = client.get("/registry/", params)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, (label, response.status_code)
            if i >= 2:  # two warm-up requests
                samples.append(elapsed)
        pages[label] = {**_percentiles(samples), "params": params}
        print(label, pages[label], flush=True)
    every = [s for p in pages.values() for s in [p["p95_ms"]]]
    result["list_page"] = pages
    result["list_page_worst_p95_ms"] = max(every) if every else None

    if os.environ.get("SKIP_IMPORT"):
        result["finished"] = dt.datetime.now(dt.UTC).isoformat()
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                  encoding="utf-8")
        return
    # a 50,000-row Excel import of new enterprises (all-or-nothing job)
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["统一社会信用代码", "企业名称", "所属区县", "注册资本（万元）", "成立日期",
                  "行业代码", "经营范围", "法定代表人"])
    for f in firms[args.firms:]:
        sheet.append([f.credit_code, f.name, f.region_code, f"{f.registered_capital}万元",
                      f.established_on.isoformat(), f.industry, f.business_scope,
                      f.legal_representative])
    data = io.BytesIO()
    book.save(data)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jinxiu.apps.enterprises.services import (
        import_batch_check,
        import_batch_create,
        import_batch_start,
    )

    admin, _ = User.objects.get_or_create(username="bench-admin",
                                          defaults={"is_superuser": True})
    settings.MAX_UPLOAD_BYTES = max(settings.MAX_UPLOAD_BYTES, len(data.getvalue()) + 1)
    t3 = time.perf_counter()
    batch = import_batch_create(user=admin, organization=bureau, kind="enterprises",
                                uploaded=SimpleUploadedFile("bench.xlsx", data.getvalue()))
    t4 = time.perf_counter()
    batch = import_batch_check(batch=batch, user=admin, mapping=batch.mapping)
    assert not batch.errors, batch.errors[:3]
    t5 = time.perf_counter()
    with transaction.atomic():
        batch = import_batch_start(batch=batch, user=admin)
    job_execute(job_id=batch.job_id)
    t6 = time.perf_counter()
    job = JobRun.objects.get(pk=batch.job_id)
    assert job.status == "succeeded", job.error
    result["import"] = {
        "rows": args.import_rows, "file_mb": round(len(data.getvalue()) / 1048576, 1),
        "upload_and_read_s": round(t4 - t3, 1), "check_s": round(t5 - t4, 1),
        "job_s": round(t6 - t5, 1), "total_s": round(t6 - t3, 1), "job_result": job.result,
        "status": ImportBatch.objects.get(pk=batch.pk).status}
    if (job.result or {}).get("link_job"):
        # the follow-up job that links the imported firms to the chain (after the commit)
        job_execute(job_id=job.result["link_job"])
        t7 = time.perf_counter()
        link_job = JobRun.objects.get(pk=job.result["link_job"])
        assert link_job.status == "succeeded", link_job.error
        result["import"].update({
            "link_job_s": round(t7 - t6, 1), "link_job_result": link_job.result,
            "link_firms_per_s": round(link_job.result["enterprises"] / (t7 - t6)),
            "total_with_links_s": round(t7 - t3, 1)})
    print(json.dumps(result["import"]), flush=True)
    result["finished"] = dt.datetime.now(dt.UTC).isoformat()
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                              encoding="utf-8")


if __name__ == "__main__":
    main()

"""Batch evaluation (批量测评) through the cultivation job, on a throwaway SQLite database.

Creates N synthetic enterprises (three years of indicators each) in one county, a bureau
officer with a statistics policy, then runs the ``cultivation.evaluate`` job once per tier rule
set and reports enterprises per second (read, engine with evidence and gap lists, write).
Usage: python bench/cultivation/batch.py [N] > bench/results/cultivation-batch.json
"""

import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
VAR = tempfile.mkdtemp(prefix="jinxiu-bench-")
os.environ["JINXIU_VAR_DIR"] = VAR
os.environ["JINXIU_DATABASE_URL"] = f"sqlite:///{VAR}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "jinxiu.config.settings.base"
os.environ.setdefault("JINXIU_TASK_BACKEND", "immediate")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)

from decimal import Decimal  # noqa: E402
from random import Random  # noqa: E402

from django.db import transaction  # noqa: E402

from jinxiu.apps.core.changelog import change_context  # noqa: E402
from jinxiu.apps.core.models import Membership, Organization, Region, StatisticsPolicy, User  # noqa: E402
from jinxiu.apps.cultivation.models import EvaluationRun, RuleSetRevision  # noqa: E402
from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator  # noqa: E402

rng = Random(0)
with change_context(user=None, source="system"), transaction.atomic():
    province = Region.objects.create(code="350000", name="福建省", level=1, full_name="福建省")
    city = Region.objects.create(code="350500", name="泉州市", level=2, parent=province,
                                 full_name="福建省泉州市")
    county = Region.objects.create(code="350581", name="石狮市", level=3, parent=city,
                                   full_name="福建省泉州市石狮市")
    bureau = Organization.objects.create(name="基准工信局", kind="bureau", region=county)
    officer = User.objects.create_user("bench")  # never logs in: no password
    Membership.objects.create(user=officer, organization=bureau, role="officer",
                              is_statistician=True)
    StatisticsPolicy.objects.create(bureau=bureau, categories=["financial"], basis="bench",
                                    valid_from=dt.date(2020, 1, 1))
    t0 = time.perf_counter()
    for i in range(N):
        org = Organization.objects.create(name=f"基准企业{i:06d}", kind="enterprise",
                                          region=county)
        Enterprise.objects.create(organization=org, main_industry=rng.choice(
            ["1761", "1810", "1951", "1713"]), established_on=dt.date(2005 + i % 15, 3, 1))
        revenue = rng.uniform(500, 40000)
        for year in (2023, 2024, 2025):
            revenue *= rng.uniform(0.9, 1.25)
            YearlyIndicator.objects.create(
                organization=org, year=year, operating_revenue=Decimal(f"{revenue:.2f}"),
                rd_expense=Decimal(f"{revenue * rng.uniform(0.005, 0.06):.2f}"),
                employees=rng.randint(20, 1200), invention_patents=rng.randint(0, 8))
    setup_s = time.perf_counter() - t0

from django.urls import reverse  # noqa: E402

from jinxiu.apps.core.jobs.services import job_enqueue  # noqa: E402
from jinxiu.apps.cultivation.jobs import evaluate_job  # noqa: E402,F401

reverse("cultivation:pipeline")  # import the URL modules once, outside the timings
results = []
RULESETS = "innovative_sme,zjtx_sme,little_giant,high_tech,tech_sme"
for code in os.environ.get("BENCH_RULESETS", RULESETS).split(","):
    revision = RuleSetRevision.objects.filter(code=code).order_by("-revision").first()
    with change_context(user=officer, source="cli"):
        run = EvaluationRun.objects.create(organization=bureau, ruleset=revision,
                                           assessed_on=dt.date(2026, 6, 30))
    t0 = time.perf_counter()
    # the immediate task backend runs the job as soon as it is enqueued
    with change_context(user=officer, source="cli"):
        job = job_enqueue(kind="cultivation.evaluate", user=officer, organization=bureau,
                          params={"run": run.pk})
    seconds = time.perf_counter() - t0
    job.refresh_from_db()
    run.refresh_from_db()
    results.append({"ruleset": code, "status": job.status, "seconds": round(seconds, 2),
                    "enterprises_per_second": round(N / seconds, 1), "counts": run.counts})

print(json.dumps({
    "enterprises": N, "setup_seconds": round(setup_s, 1), "runs": results,
    "database": "SQLite (file, WAL)", "python": platform.python_version(),
    "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
    "date": dt.date.today().isoformat(), "seed": 0,
}, ensure_ascii=False, indent=2))

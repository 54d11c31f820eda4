"""The job writes the rows the check kept (no second read or check of the file), unless the
registry moved under them since; the stored rows round-trip exactly."""

import datetime as dt
from decimal import Decimal

import pytest

from jinxiu.apps.core.models import Organization, Region
from jinxiu.apps.core.uscc import make_code
from jinxiu.apps.enterprises import jobs
from jinxiu.apps.enterprises.import_store import dumps, loads
from jinxiu.apps.enterprises.models import Enterprise
from tests.apps.enterprises.import_helpers import checked, run_import
from tests.helpers.factories import make_org, make_regions, make_user

CODE_A = make_code("91", "350581", "MA2Y0011")
CODE_B = make_code("91", "350581", "MA2Y0012")
ROWS = [["统一社会信用代码", "企业名称", "所属区县", "注册资本", "成立日期", "行业代码"],
        [CODE_A, "石狮市存甲针织有限公司", "350581", "1,234.5万元", "2009-04-16", "1761"],
        [CODE_B, "石狮市存乙印染有限公司", "石狮市", "0.3亿", "2011-11-02", "1713"]]


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def admin(db):
    make_regions()
    return make_user("import_admin", is_superuser=True)


def test_checked_rows_round_trip(admin):
    batch = checked(admin, "enterprises", ROWS)
    assert batch.status == "ready" and batch.checked
    records = loads(batch.checked.open("rb").read())
    first = records[0]
    assert (first["row"], first["code"], first["org_id"]) == (2, CODE_A, None)
    assert first["values"]["registered_capital"] == Decimal("1234.50")
    assert first["values"]["established_on"] == dt.date(2009, 4, 16)
    assert first["values"]["region"] == Region.objects.get(code="350581")
    assert loads(dumps(records)) == records


def test_the_job_writes_the_checked_rows_without_reading_the_file(
        admin, monkeypatch, django_capture_on_commit_callbacks):
    batch = checked(admin, "enterprises", ROWS)

    def refuse(*args, **kwargs):
        raise AssertionError("the job read or checked the file again")

    monkeypatch.setattr(jobs, "batch_table", refuse)
    monkeypatch.setattr(jobs, "check_rows", refuse)
    job = run_import(batch, admin, django_capture_on_commit_callbacks)
    assert job.status == "succeeded", job.error
    assert job.result == {"created": 2, "updated": 0, "unchanged": 0, "rows": 2}
    a = Enterprise.objects.get(organization__credit_code=CODE_A)
    assert a.registered_capital == Decimal("1234.50")


def test_a_code_registered_since_the_check_stops_the_job(admin,
                                                          django_capture_on_commit_callbacks):
    batch = checked(admin, "enterprises", ROWS)
    make_org("石狮市别人先登记有限公司", region_code="350581", credit_code=CODE_B)
    job = run_import(batch, admin, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert f"row 3: {CODE_B} has been registered since the check" in job.error
    assert not Enterprise.objects.exists()
    assert Organization.objects.filter(credit_code=CODE_A).count() == 0


def test_a_recheck_replaces_the_kept_rows(admin):
    batch = checked(admin, "enterprises", ROWS)
    first = batch.checked.name
    from jinxiu.apps.enterprises.services import import_batch_check

    batch = import_batch_check(batch=batch, user=admin, mapping=batch.mapping)
    assert batch.status == "ready" and batch.checked.name != first

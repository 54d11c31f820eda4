"""Import fuzzing: rows with a guaranteed bad cell among random, wrongly typed ones. The
check names the bad row, the import is refused, and even a job started behind the service's
back writes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinxiu.apps.core.jobs.services import job_enqueue
from jinxiu.apps.core.models import JobRun, ObjectChange, Organization
from jinxiu.apps.core.uscc import make_code
from jinxiu.apps.enterprises.import_report import error_report
from jinxiu.apps.enterprises.industry import industries
from jinxiu.apps.enterprises.jobs import batch_table
from jinxiu.apps.enterprises.models import Enterprise, ImportBatch, YearlyIndicator
from tests.apps.enterprises.factories import make_enterprise
from tests.apps.enterprises.import_helpers import checked
from tests.helpers.factories import make_org, make_regions, make_user

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE = make_code("91", "350581", "MA2Y0001")
OTHER = make_code("91", "350581", "MA2Y0009")

anything = st.one_of(st.none(), st.text(max_size=20), st.integers(-10**12, 10**12),
                     st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                     st.dates(min_value=dt.date(1900, 1, 1)))


@st.composite
def corrupted_code(draw):
    position = draw(st.integers(0, 17))
    replacement = draw(st.sampled_from([c for c in ALPHABET if c != OTHER[position]]))
    return OTHER[:position] + replacement + OTHER[position + 1:]


bad_year = st.one_of(st.text(min_size=1, max_size=8).filter(
    lambda t: t.strip() and not t.strip()[:4].isdigit()), st.integers(3000, 10**6))
bad_amount = st.text(alphabet="0123456789.,xyzqk%", min_size=1, max_size=10).filter(
    lambda t: any(c in "xyzqk%" for c in t))
bad_industry = st.from_regex(r"[1-9][0-9]{3}", fullmatch=True).filter(
    lambda c: c not in industries())


@pytest.fixture
def world(db):
    make_regions()
    org = make_org("石狮甲针织有限公司", credit_code=CODE)
    make_enterprise(org)
    return {"user": make_user("fuzzer", is_superuser=True), "org": org}


def _counts():
    return (Organization.objects.count(), Enterprise.objects.count(),
            YearlyIndicator.objects.count(), ObjectChange.objects.count())


def _force_job(batch, user, capture):
    with capture(execute=True):
        job = job_enqueue(kind="enterprises.import", user=user,
                          params={"batch_id": batch.pk})
    return JobRun.objects.get(pk=job.pk)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=st.data())
def test_bad_indicator_rows_write_nothing(world, django_capture_on_commit_callbacks, data):
    headers = ["统一社会信用代码", "年度", "营业收入（万元）", "从业人员", "利润总额"]
    rows = [headers]
    for year in (2021, 2022, 2023):
        rows.append([CODE, year, data.draw(anything), data.draw(anything), data.draw(anything)])
    bad_row = data.draw(st.integers(0, 2))
    column, value = data.draw(st.sampled_from([
        (0, corrupted_code()), (1, bad_year), (2, bad_amount), (3, bad_amount)]))
    rows[1 + bad_row][column] = data.draw(value)
    before = _counts()
    batch = checked(world["user"], "indicators", rows, name="f.xlsx")
    assert batch.status == ImportBatch.Status.REJECTED
    assert bad_row + 2 in {e["row"] for e in batch.errors}
    assert error_report(batch_table(batch), batch.errors)[:2] == b"PK"
    job = _force_job(batch, world["user"], django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert _counts() == before


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=st.data())
def test_bad_enterprise_rows_write_nothing(world, django_capture_on_commit_callbacks, data):
    headers = ["统一社会信用代码", "企业名称", "所属区县", "注册资本", "行业代码", "成立日期"]
    rows = [headers,
            [make_code("91", "350581", "MA2Y0002"), "乙公司", "350581", data.draw(anything),
             "1761", data.draw(anything)],
            [make_code("91", "350581", "MA2Y0003"), "丙公司", data.draw(anything), "10",
             data.draw(anything), None]]
    bad_row = data.draw(st.integers(0, 1))
    column, value = data.draw(st.sampled_from([
        (0, corrupted_code()), (3, bad_amount), (4, bad_industry)]))
    rows[1 + bad_row][column] = data.draw(value)
    before = _counts()
    try:
        batch = checked(world["user"], "enterprises", rows, name="f.csv")
    except ValidationError:
        # a generated cell held a NUL byte: the upload check refuses the whole file as binary
        # before any row is read, which also writes nothing
        assert any("\x00" in str(cell) for row in rows for cell in row)
        assert _counts() == before
        return
    assert batch.status == ImportBatch.Status.REJECTED
    assert bad_row + 2 in {e["row"] for e in batch.errors}
    assert error_report(batch_table(batch), batch.errors)[:2] == b"PK"
    job = _force_job(batch, world["user"], django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert _counts() == before

"""A service that starts a job and then writes (a status, the job's id) does so in one
transaction: the job is sent on commit, after those writes. Outside a transaction it used to
be sent at once, and a quick worker — here the test settings' immediate backend, which runs
the job inside ``job_enqueue`` — finished it before the service's own write, which then
overwrote what the job had stored."""

import pytest

from jinxiu.apps.core.uscc import make_code
from jinxiu.apps.enterprises.models import Enterprise, ImportBatch
from jinxiu.apps.enterprises.services import import_batch_start
from jinxiu.apps.production.models import BalancePlan
from jinxiu.apps.production.services import plan_run
from tests.apps.enterprises.import_helpers import checked
from tests.apps.production.factories import make_plan
from tests.helpers.factories import make_org, make_regions, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_import_started_outside_a_transaction_ends_done():
    make_regions()
    admin = make_user(is_superuser=True)
    rows = [["统一社会信用代码", "企业名称", "所属区县", "行业代码"],
            [make_code("91", "350581", "MA2Y0001"), "石狮市甲针织服饰有限公司", "350581", "1761"]]
    batch = checked(admin, "enterprises", rows)
    assert batch.status == ImportBatch.Status.READY
    import_batch_start(batch=batch, user=admin)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.job.status == "succeeded"
    assert Enterprise.objects.filter(organization__name="石狮市甲针织服饰有限公司").exists()


def test_a_plan_run_outside_a_transaction_keeps_its_result():
    make_regions()
    plan = make_plan(make_org(), cycle_seconds=50)
    plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    assert plan.status == BalancePlan.Status.DONE
    assert len(plan.result["stations"]) == 3 and plan.job.status == "succeeded"

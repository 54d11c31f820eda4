"""An import links the firms it writes to the chain in a follow-up job that starts when the
import commits; a re-import that changes a firm's industry code or scope moves its links and
keeps the decisions people made."""

import pytest

from jinxiu.apps.chain.models import EnterpriseLink
from jinxiu.apps.chain.services import link_decide, taxonomy_load
from jinxiu.apps.core.models import JobRun, ObjectChange
from jinxiu.apps.core.uscc import make_code
from jinxiu.apps.enterprises.models import Enterprise
from tests.apps.enterprises.import_helpers import checked, run_import
from tests.helpers.factories import make_regions, make_user

CODE_A = make_code("91", "350581", "MA2Y0001")
CODE_B = make_code("91", "350581", "MA2Y0002")
HEADERS = ["统一社会信用代码", "企业名称", "所属区县", "行业代码", "经营范围"]


def rows(b_code="1713", b_scope="棉印染精加工"):
    return [HEADERS,
            [CODE_A, "石狮市甲针织有限公司", "350581", "1761", "针织面料织造"],
            [CODE_B, "石狮乙印染有限公司", "石狮市", b_code, b_scope]]


def links(code):
    return {link.node.code: (link.grade, link.decision) for link in EnterpriseLink.objects
            .filter(enterprise__organization__credit_code=code).select_related("node")}


@pytest.fixture
def admin(db):
    make_regions()
    taxonomy_load()
    return make_user("import_admin", is_superuser=True)


def test_import_links_new_firms_and_relinks_changed_ones(admin,
                                                         django_capture_on_commit_callbacks):
    job = run_import(checked(admin, "enterprises", rows()), admin,
                     django_capture_on_commit_callbacks)
    assert job.status == "succeeded", job.error
    follow_up = JobRun.objects.get(pk=job.result["link_job"])
    assert (follow_up.kind, follow_up.status, follow_up.owner) == ("chain.relink", "succeeded",
                                                                   admin)
    assert follow_up.result["enterprises"] == 2
    # 1761 is knitted fabric (strong); "织造" in the scope is a weak hint of weaving
    assert links(CODE_A) == {"knit_fabric": ("strong", "auto"), "woven_fabric": ("weak", "auto")}
    assert links(CODE_B) == {"fabric_dyeing": ("strong", "auto")}
    created = ObjectChange.objects.filter(changed_object_type__model="enterpriselink")
    assert {(o.action, o.source, o.user_id) for o in created} == {("create", "import", admin.pk)}
    # a person rejects B's dyeing link; the next file says B now makes knitted fabric too
    b_link = EnterpriseLink.objects.get(enterprise__organization__credit_code=CODE_B)
    link_decide(link=b_link, decision="rejected", user=admin)
    job = run_import(checked(admin, "enterprises", rows("1761", "棉印染精加工")), admin,
                     django_capture_on_commit_callbacks)
    assert {k: v for k, v in job.result.items() if k != "link_job"} == {
        "created": 0, "updated": 1, "unchanged": 1, "rows": 2}
    assert JobRun.objects.get(pk=job.result["link_job"]).result["enterprises"] == 1
    assert links(CODE_B) == {"knit_fabric": ("strong", "auto"),
                             "fabric_dyeing": ("weak", "rejected")}  # one keyword left
    assert links(CODE_A) == {"knit_fabric": ("strong", "auto"), "woven_fabric": ("weak", "auto")}


def test_a_refused_import_leaves_no_links(admin, django_capture_on_commit_callbacks):
    clerk = make_user("clerk")  # may not add organizations: the job rolls back
    batch = checked(admin, "enterprises", rows())
    batch.owner = clerk
    batch.save()
    job = run_import(batch, clerk, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert not Enterprise.objects.exists() and not EnterpriseLink.objects.exists()
    assert not JobRun.objects.filter(kind="chain.relink").exists()  # no follow-up either


def test_the_link_job_leaves_the_atlas_ready(admin, django_capture_on_commit_callbacks,
                                             django_assert_max_num_queries):
    from jinxiu.apps.chain import atlas_cache
    from jinxiu.apps.chain.selectors import atlas, atlas_warm
    from jinxiu.apps.core.models import Region
    from jinxiu.apps.enterprises.models import YearlyIndicator

    job = run_import(checked(admin, "enterprises", rows()), admin,
                     django_capture_on_commit_callbacks)
    # no figures yet: no year for an atlas to open on, nothing to prepare
    assert JobRun.objects.get(pk=job.result["link_job"]).result["atlas_warmed"] == []
    firm = Enterprise.objects.get(organization__credit_code=CODE_A)
    YearlyIndicator.objects.create(organization=firm.organization, year=2025)
    job = run_import(checked(admin, "enterprises", rows("1761")), admin,
                     django_capture_on_commit_callbacks)
    # the relinked firm's city and province (石狮 → 泉州, 福建)
    assert JobRun.objects.get(pk=job.result["link_job"]).result["atlas_warmed"] == [
        "350000", "350500"]
    # (in a test the on-commit generations come after the job's entries: prepare again)
    assert atlas_warm(region_ids=[firm.organization.region_id]) == ["350000", "350500"]
    atlas_cache._LOCAL.clear()  # another process: only the shared cache
    city = Region.objects.get(code="350500")
    # the nodes and the city's regions; the sums come from the cache
    with django_assert_max_num_queries(2):
        data = atlas(user=admin, region=city, year=2025)
    assert len(data.gaps["knit_fabric"].firms) == 2

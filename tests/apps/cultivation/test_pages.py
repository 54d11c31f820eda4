"""The cultivation pages a bureau officer uses: the rule-set editor, the copy, the list import,
a batch run with its progress and changes, the verdict's evidence, the exports."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from jinxiu.apps.cultivation.models import Evaluation, EvaluationRun, RuleSetRevision, TierRecord
from tests.apps.cultivation.factories import make_record, shipped
from tests.apps.enterprises.factories import make_enterprise, make_indicator
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions):
    bureau = make_org("石狮工信局", kind="bureau", region_code="350581")
    firm = make_org("锦程针织", region_code="350581")
    make_enterprise(firm)
    make_indicator(firm, 2025, revenue=2600, employees=150)
    officer = make_user("officer", memberships=[(bureau, "officer", True)])
    from jinxiu.apps.core.models import StatisticsPolicy

    StatisticsPolicy.objects.create(bureau=bureau, categories=["financial"], basis="统计法",
                                    valid_from=dt.date(2020, 1, 1))
    return {"bureau": bureau, "firm": firm, "officer": officer}


def test_the_editor_shows_the_engines_problems_with_line_and_saves_nothing(client, world):
    client.force_login(world["officer"])
    source = shipped("innovative_sme")
    response = client.post(f"/cultivation/rulesets/{source.pk}/copy/",
                           {"organization": world["bureau"].pk})
    copy = RuleSetRevision.objects.get(organization=world["bureau"])
    assert response["Location"] == copy.get_absolute_url()
    text = copy.text.replace("rd_expense[-1]", "rd_spend[-1]", 1)
    response = client.post(f"/cultivation/rulesets/{copy.pk}/edit/", {
        "organization": world["bureau"].pk, "code": "innovative_sme", "text": text})
    assert response.status_code == 400
    errors = response.context["form"].errors["text"]
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "rd_spend" in row)
    assert any(f"innovative_sme-r1.yaml:{line}:" in e and "rd_spend" in e for e in errors)
    copy.refresh_from_db()
    assert "rd_spend" not in copy.text
    # a valid edit is saved; the shipped revision is read-only for a bureau
    fixed = copy.text.replace("name: 创新型中小企业", "name: 创新型中小企业（石狮）", 1)
    assert client.post(f"/cultivation/rulesets/{copy.pk}/edit/", {
        "organization": world["bureau"].pk, "code": "innovative_sme", "text": fixed}
    ).status_code == 302
    copy.refresh_from_db()
    assert copy.name == "创新型中小企业（石狮）"
    assert client.get(f"/cultivation/rulesets/{source.pk}/edit/").status_code == 403
    page = client.get(copy.get_absolute_url()).content.decode()
    assert 'id="versions"' in page and "工信部企业〔2022〕63号" in page


def test_the_import_page_lists_every_bad_row(client, world):
    client.force_login(world["officer"])
    book = Workbook()
    book.active.append(["企业名称", "称号", "认定日期"])
    book.active.append(["锦程针织", "专精特新中小企业", "2025-11-28"])
    book.active.append(["不存在的企业", "专精特新中小企业", "2025-11-28"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "名单.xlsx"
    response = client.post("/cultivation/records/import/", {"file": buffer})
    assert response.status_code == 400
    assert 'data-row="3"' in response.content.decode()
    assert not TierRecord.objects.exists()


def test_a_run_started_on_the_page_shows_its_verdicts_and_evidence(
        client, world, django_capture_on_commit_callbacks):
    client.force_login(world["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cultivation/runs/add/", {
            "organization": world["bureau"].pk, "ruleset": shipped("zjtx_sme").pk,
            "assessed_on": "2026-06-30", "note": "2026 年度摸底"})
    run = EvaluationRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    page = client.get(run.get_absolute_url()).content.decode()
    assert 'id="run-counts"' in page and "这是该认定标准第一次完成的测评" in page
    evaluation = Evaluation.objects.get(run=run)
    assert evaluation.status == "cannot_tell" and "is_sme" in " ".join(evaluation.missing)
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert 'data-criterion="' in page and evaluation.content_hash in page


def test_pipeline_pdf_or_a_clear_message(client, world):
    make_record(world["firm"], "zjtx", granted=dt.date(2025, 1, 1), certificate_no="Z-1")
    client.force_login(world["officer"])
    response = client.get("/cultivation/export.pdf")
    if response.status_code == 200:
        assert response.content.startswith(b"%PDF")
    else:  # WeasyPrint without Pango: back to the page with the reason
        assert response.status_code == 302


def test_an_enterprise_cannot_export_others_or_see_the_runs(client, world):
    owner = make_user(memberships=[(world["firm"], "viewer")])
    client.force_login(owner)
    assert client.get("/cultivation/export.xlsx").status_code == 403
    bureau_run = EvaluationRun.objects.create(organization=world["bureau"],
                                              ruleset=shipped("zjtx_sme"),
                                              assessed_on=dt.date(2026, 6, 30))
    listing = client.get("/cultivation/runs/")
    assert bureau_run.pk not in {r.record.pk for r in listing.context["table"].page.object_list}

"""Tiered cultivation: rule-set revisions, tier records and tags, imports, reminders, batch
evaluation and its changes, the pipeline and the candidates ranking."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import ObjectChange, StatisticsPolicy
from jinxiu.apps.cultivation.adapter import fact_fields
from jinxiu.apps.cultivation.imports import TierImportError, tierrecord_import
from jinxiu.apps.cultivation.models import Evaluation, EvaluationRun, RuleSetRevision, TierRecord
from jinxiu.apps.cultivation.selectors import (
    candidates,
    pipeline_counts,
    reviewable_organizations,
    ruleset_current,
    run_changes,
    tierrecord_expiring,
)
from jinxiu.apps.cultivation.services import (
    evaluation_run_start,
    ruleset_copy,
    ruleset_save,
    ruleset_sync_shipped,
    tierrecord_delete,
    tierrecord_remind,
)
from jinxiu.apps.enterprises.models import Enterprise
from tests.apps.cultivation.factories import (
    make_evaluation,
    make_record,
    make_run,
    shipped,
)
from tests.apps.enterprises.factories import code_for, make_enterprise, make_indicator
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 30)


@pytest.fixture
def world(regions):
    bureau = make_org("石狮工信局", kind="bureau", region_code="350581")
    far_bureau = make_org("鹿城工信局", kind="bureau", region_code="330302")
    firms = {}
    for name, region, revenue in (("锦程针织", "350581", 1500), ("华彩印染", "350581", 2500),
                                  ("温州鞋业", "330302", 9000)):
        org = make_org(name, region_code=region)
        with change_context(user=None, source="system"):
            org.credit_code = code_for(org, "MA2Y000" + str(len(firms)))
            org.save()
        make_enterprise(org)
        make_indicator(org, 2025, revenue=revenue, employees=120)
        firms[name] = org
    StatisticsPolicy.objects.create(bureau=bureau, categories=["financial"], basis="统计法",
                                    valid_from=dt.date(2020, 1, 1))
    return {"bureau": bureau, "far_bureau": far_bureau, "firms": firms,
            "officer": make_user("bureau_officer", memberships=[(bureau, "officer", True)]),
            "far_officer": make_user("far_officer", memberships=[(far_bureau, "officer")]),
            "owner": make_user("knit_admin", memberships=[(firms["锦程针织"], "admin")])}


# --- rule sets ----------------------------------------------------------------------------
def test_shipped_rule_sets_are_copied_in_once_and_again_only_when_the_file_changes(db):
    ruleset_sync_shipped()
    count = RuleSetRevision.objects.count()
    assert count == 10  # every shipped file but the fact catalogue
    assert ruleset_sync_shipped() == []
    zjtx = shipped("zjtx_sme")
    assert (zjtx.code, zjtx.revision, zjtx.name, zjtx.organization) == \
        ("zjtx_sme", 1, "专精特新中小企业", None)
    assert len(zjtx.content_hash) == 16


def test_a_bad_rule_file_is_refused_with_its_line_and_reason(world):
    copy = ruleset_copy(source=shipped("innovative_sme"), organization=world["bureau"],
                        user=world["officer"])
    # an expression over a fact the catalogue does not know
    copy.text = copy.text.replace("rd_expense[-1]", "rd_spend[-1]", 1)
    with pytest.raises(ValidationError) as exc:
        ruleset_save(revision=copy, user=world["officer"])
    problems = exc.value.message_dict["text"]
    assert problems and all("innovative_sme-r1.yaml:" in p for p in problems)
    copy.refresh_from_db()
    assert "rd_spend" not in copy.text


def test_a_copy_gets_new_effective_dates_and_the_old_version_ends_the_day_before(world):
    source = shipped("innovative_sme")
    copy = ruleset_copy(source=source, organization=world["bureau"], user=world["officer"],
                        effective_from=dt.date(2027, 1, 1), version_id="2027-石狮")
    versions = copy.parsed().versions
    new = next(v for v in versions if v.id == "2027-石狮")
    assert new.effective_from == dt.date(2027, 1, 1) and new.effective_to is None
    before = copy.parsed().version_on(dt.date(2026, 12, 31))
    assert before.effective_to == dt.date(2026, 12, 31) and before.id != "2027-石狮"
    assert (copy.organization, copy.based_on, copy.revision) == (world["bureau"], source, 1)
    # the bureau evaluates with its own copy; others still with the shipped file
    assert ruleset_current(user=world["officer"], code="innovative_sme") == copy
    assert ruleset_current(user=world["far_officer"], code="innovative_sme") == source
    with pytest.raises(ValidationError):  # must start after the newest version
        ruleset_copy(source=copy, organization=world["bureau"], user=world["officer"],
                     effective_from=dt.date(2026, 1, 1))


def test_a_revision_used_by_a_verdict_is_frozen(world):
    copy = ruleset_copy(source=shipped("above_scale"), organization=world["bureau"],
                        user=world["officer"])
    run = make_run(world["bureau"])
    run.ruleset = copy
    run.save()
    make_evaluation(world["firms"]["锦程针织"], run)
    copy.text = copy.text + "\n# edited\n"
    with pytest.raises(ValidationError) as exc:
        ruleset_save(revision=copy, user=world["officer"])
    assert "请先复制" in " ".join(exc.value.message_dict["text"])


def test_the_facts_an_application_asks_for_follow_the_years_the_rules_read(db):
    fields = fact_fields(shipped("zjtx_sme").parsed(), on=ON)
    keys = [(f.name, f.year) for f in fields]
    assert ("rd_expense", 2025) in keys and ("rd_expense", 2024) in keys
    assert ("zjtx_platform_score", 2026) in keys  # read for the assessment year itself
    assert ("is_sme", None) in keys and ("revenue", 2023) not in keys
    labels = {f.name: f.label for f in fields}
    assert labels["niche_years"] == "从事特定细分市场年限"


# --- tier records -------------------------------------------------------------------------
def test_valid_records_set_the_registry_tags_and_expired_ones_remove_them(world):
    from jinxiu.apps.cultivation.services import tier_tags_sync, tierrecord_save

    org = world["firms"]["锦程针织"]
    with change_context(user=world["officer"], source="web"):
        record = tierrecord_save(record=TierRecord(
            organization=org, tier="zjtx", granted_on=dt.date(2024, 1, 1),
            expires_on=dt.date(2026, 12, 31), certificate_no="ZJTX-1"), user=world["officer"])
    assert Enterprise.objects.get(organization=org).tags == ["zjtx"]
    tier_tags_sync(organization=org, on=dt.date(2027, 1, 1))
    assert Enterprise.objects.get(organization=org).tags == []
    tier_tags_sync(organization=org, on=dt.date(2026, 12, 31))
    with change_context(user=world["officer"], source="web"):
        tierrecord_delete(record=record, user=world["officer"])
    assert Enterprise.objects.get(organization=org).tags == []


def test_an_expiry_before_the_grant_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        make_record(world["firms"]["锦程针织"], granted=dt.date(2025, 1, 1),
                    expires=dt.date(2024, 12, 31))
    assert "expires_on" in exc.value.message_dict


def _xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("名单.xlsx", buffer.getvalue())


HEADER = ["统一社会信用代码", "企业名称", "称号", "认定日期", "有效期至", "证书编号"]


def test_import_writes_every_row_or_nothing_and_names_row_column_and_reason(world):
    knit, dye, far = (world["firms"][n] for n in ("锦程针织", "华彩印染", "温州鞋业"))
    allowed = reviewable_organizations(user=world["officer"])
    bad = _xlsx([HEADER,
                 [knit.credit_code, "", "专精特新中小企业", "2024-11-28", "", "Z-1"],
                 [far.credit_code, "", "创新型中小企业", "2024-11-28", "", "C-1"],
                 ["", dye.name, "小小巨人", "2024/11/28", "", ""],
                 ["", dye.name, "高新技术企业", "去年", "", ""]])
    with pytest.raises(TierImportError) as exc:
        tierrecord_import(uploaded=bad, user=world["officer"], allowed_organizations=allowed)
    assert [(e.row, e.column) for e in exc.value.errors] == [
        (3, "统一社会信用代码"), (4, "称号"), (5, "认定日期")]
    assert exc.value.errors[0].reason == "该企业不在本单位辖区内"
    assert not TierRecord.objects.exists()

    good = _xlsx([HEADER,
                  [knit.credit_code, "", "专精特新中小企业", "2024-11-28", "", "Z-1"],
                  ["", dye.name, "innovative_sme", "2023年12月20日", "2026-12-19", "C-9"]])
    records = tierrecord_import(uploaded=good, user=world["officer"],
                                allowed_organizations=allowed)
    assert [(r.organization, r.tier, r.granted_on, r.expires_on, r.certificate_no)
            for r in records] == [
        (knit, "zjtx", dt.date(2024, 11, 28), dt.date(2027, 11, 27), "Z-1"),
        (dye, "innovative_sme", dt.date(2023, 12, 20), dt.date(2026, 12, 19), "C-9")]
    assert Enterprise.objects.get(organization=knit).tags == ["zjtx"]
    with pytest.raises(TierImportError) as exc:  # the same list twice
        tierrecord_import(uploaded=good, user=world["officer"], allowed_organizations=allowed)
    assert {e.row for e in exc.value.errors} == {2, 3}


def test_headers_and_titles_typed_in_full_width_forms_are_read(world):
    knit = world["firms"]["锦程针织"]
    allowed = reviewable_organizations(user=world["officer"])
    # a Chinese input method's full-width letters and spaces: "ＵＳＣＣ", "Ｔｉｅｒ", "　"
    wide = _xlsx([["ＵＳＣＣ", "企业名称", "Ｔｉｅｒ", "认定　日期"],
                  [knit.credit_code, "", "ｉｎｎｏｖａｔｉｖｅ＿ｓｍｅ", "2024-11-28"]])
    records = tierrecord_import(uploaded=wide, user=world["officer"],
                                allowed_organizations=allowed)
    assert [(r.organization, r.tier, r.granted_on) for r in records] == [
        (knit, "innovative_sme", dt.date(2024, 11, 28))]


def test_a_file_that_is_not_excel_is_refused(world):
    fake = SimpleUploadedFile("名单.xlsx", b"not a zip at all")
    with pytest.raises(TierImportError) as exc:
        tierrecord_import(uploaded=fake, user=world["officer"], allowed_organizations=[])
    assert exc.value.errors[0].row == 0 and ".xlsx" in exc.value.errors[0].reason


def test_reminders_mark_records_expiring_within_the_window_once(world):
    knit, dye = world["firms"]["锦程针织"], world["firms"]["华彩印染"]
    soon = make_record(knit, granted=dt.date(2023, 8, 1), expires=dt.date(2026, 7, 31))
    make_record(dye, granted=dt.date(2025, 1, 1), expires=dt.date(2027, 12, 31))
    assert tierrecord_remind(on=ON, within_days=30) == []  # 31 days ahead: not yet
    assert [r.pk for r in tierrecord_remind(on=ON, within_days=31)] == [soon.pk]
    assert tierrecord_remind(on=ON, within_days=31) == []  # once
    soon.refresh_from_db()
    assert soon.reminded_on == ON
    assert [r.pk for r in tierrecord_expiring(user=world["officer"], on=ON,
                                              within_days=31)] == [soon.pk]
    assert list(tierrecord_expiring(user=world["far_officer"], on=ON, within_days=31)) == []


def test_the_remind_command_prints_what_it_marked(world, capsys):
    make_record(world["firms"]["锦程针织"], granted=dt.date(2023, 8, 1),
                expires=dt.date(2026, 7, 31), certificate_no="Z-7")
    call_command("cultivation", "remind", "--within", "60", "--on", "2026-06-30")
    out = capsys.readouterr().out
    assert "2026-07-31\t锦程针织\tzjtx\tZ-7" in out and out.strip().endswith("1 reminders")


# --- batch evaluation ---------------------------------------------------------------------
def _run(world, capture, on=ON):
    with change_context(user=world["officer"], source="web"), capture(execute=True):
        run = evaluation_run_start(user=world["officer"], organization=world["bureau"],
                                   ruleset=shipped("above_scale"), assessed_on=on, filters={})
    run.refresh_from_db()
    return run


def test_a_batch_run_evaluates_the_bureaus_region_and_stores_the_rules_it_used(
        world, django_capture_on_commit_callbacks):
    run = _run(world, django_capture_on_commit_callbacks)
    assert run.job.status == "succeeded"
    verdicts = {e.organization.name: e for e in Evaluation.objects.filter(run=run)}
    assert set(verdicts) == {"锦程针织", "华彩印染"}  # not the firm in 鹿城
    assert verdicts["华彩印染"].status == "qualifies"  # revenue 2500 ≥ 2000 万元
    # below 2000 万元 only the official directory (规上名录) could still say yes
    assert verdicts["锦程针织"].status == "cannot_tell"
    assert verdicts["锦程针织"].missing == ["above_scale_directory[2025]"]
    assert run.counts == {"qualifies": 1, "cannot_tell": 1, "total": 2}
    knit = verdicts["锦程针织"]
    assert knit.version == run.ruleset.parsed().version_on(ON).id
    assert knit.content_hash == run.ruleset.parsed().version_on(ON).content_hash
    assert knit.verdict["status"] == "cannot_tell"


def test_the_changes_view_names_who_newly_qualifies_and_who_no_longer_does(
        world, django_capture_on_commit_callbacks):
    first = _run(world, django_capture_on_commit_callbacks)
    knit, dye = world["firms"]["锦程针织"], world["firms"]["华彩印染"]
    from jinxiu.apps.enterprises.models import YearlyIndicator

    with change_context(user=None, source="system"):
        for org, revenue in ((knit, 2600), (dye, 1200)):
            indicator = YearlyIndicator.objects.get(organization=org, year=2025)
            indicator.operating_revenue = revenue
            indicator.save()
    second = _run(world, django_capture_on_commit_callbacks)
    changes = run_changes(user=world["officer"], run=second)
    assert changes["previous"] == first
    assert [(now.organization.name, old.status) for now, old in changes["newly"]] == \
        [("锦程针织", "cannot_tell")]
    assert [(now.organization.name, now.status) for now, _old in changes["no_longer"]] == \
        [("华彩印染", "cannot_tell")]


def test_a_run_on_a_date_without_a_version_in_force_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        evaluation_run_start(user=world["officer"], organization=world["bureau"],
                             ruleset=shipped("innovative_sme"), assessed_on=dt.date(2000, 1, 1),
                             filters={})
    assert "assessed_on" in exc.value.message_dict
    assert not EvaluationRun.objects.exists()


# --- pipeline -----------------------------------------------------------------------------
def test_pipeline_counts_valid_titles_per_tier_and_region(world):
    knit, dye, far = (world["firms"][n] for n in ("锦程针织", "华彩印染", "温州鞋业"))
    make_record(knit, "innovative_sme", granted=dt.date(2024, 1, 1))
    make_record(knit, "zjtx", granted=dt.date(2025, 1, 1))
    make_record(dye, "innovative_sme", granted=dt.date(2022, 1, 1))  # expired 2024-12-31
    make_record(far, "innovative_sme", granted=dt.date(2025, 1, 1))
    counts = pipeline_counts(user=world["officer"], on=ON)
    assert counts["tiers"] == {"innovative_sme": 1, "zjtx": 1, "little_giant": 0,
                               "high_tech": 0, "tech_sme": 0}
    assert counts["regions"] == [("350581", "石狮市", {"innovative_sme": 1, "zjtx": 1})]
    # the owner sees its own titles only
    assert pipeline_counts(user=world["owner"], on=ON)["tiers"]["innovative_sme"] == 1
    assert pipeline_counts(user=world["far_officer"], on=ON)["regions"] == [
        ("330302", "鹿城区", {"innovative_sme": 1})]


def test_candidates_are_ranked_by_how_little_is_missing(world, regions):
    run = make_run(world["bureau"], code="zjtx_sme")
    with change_context(user=None, source="system"):
        run.finished = run.created
        run.save()
    orgs = [make_org(f"候选{i}", region_code="350581") for i in range(4)]
    for org in orgs:
        make_record(org, "innovative_sme", granted=dt.date(2025, 1, 1))
    make_evaluation(orgs[0], run, "does_not_qualify", change_count=2, effort=0.5)
    make_evaluation(orgs[1], run, "does_not_qualify", change_count=1, effort=0.9)
    make_evaluation(orgs[2], run, "qualifies")
    make_evaluation(orgs[3], run, "cannot_tell")
    make_evaluation(world["firms"]["锦程针织"], run, "qualifies")  # not on the rung below
    ranked = candidates(user=world["officer"], tier_id="zjtx", on=ON)
    assert [e.organization.name for e in ranked] == ["候选2", "候选1", "候选0", "候选3"]
    make_record(orgs[2], "zjtx", granted=dt.date(2026, 1, 1))  # holds it now: left out
    ranked = candidates(user=world["officer"], tier_id="zjtx", on=ON)
    assert ranked[0].organization.name == "候选1"
    assert candidates(user=world["far_officer"], tier_id="zjtx", on=ON) == []


def test_pipeline_page_and_excel_export(client, world):
    make_record(world["firms"]["锦程针织"], "innovative_sme", granted=dt.date(2025, 1, 1),
                certificate_no="C-1")
    client.force_login(world["officer"])
    page = client.get("/cultivation/")
    assert page.status_code == 200 and "tier-funnel" in page.content.decode()
    export = client.get("/cultivation/export.xlsx")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    rows = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert rows[1][:3] == ["石狮市 (350581)", 1, 0]


def test_every_step_is_in_the_change_log(world):
    record = make_record(world["firms"]["锦程针织"])
    assert ObjectChange.objects.filter(changed_object_id=record.pk,
                                       object_repr__contains="专精特新").exists()


def test_a_run_over_a_filtered_list(world, django_capture_on_commit_callbacks):
    with change_context(user=world["officer"], source="web"), \
            django_capture_on_commit_callbacks(execute=True):
        run = evaluation_run_start(user=world["officer"], organization=world["bureau"],
                                   ruleset=shipped("above_scale"), assessed_on=ON,
                                   filters={"q": "华彩"})
    assert [e.organization.name for e in Evaluation.objects.filter(run=run)] == ["华彩印染"]


def test_an_application_dated_before_any_version_is_refused_on_the_page(client, world):
    from tests.apps.cultivation.factories import make_application

    application = make_application(world["firms"]["锦程针织"])
    client.force_login(world["owner"])
    response = client.post(f"/cultivation/applications/{application.pk}/edit/",
                           {"assessed_on": "2000-01-01", "note": "x"})
    assert response.status_code == 400 and "assessed_on" in response.context["form"].errors
    application.refresh_from_db()
    assert application.assessed_on == ON


def test_the_api_schema_builds(client, db):
    client.force_login(make_user())
    response = client.get("/api/schema/")
    assert response.status_code == 200 and b"/api/cultivation/records/" in response.content


def test_demo_titles_set_tags_and_the_demo_application_has_its_precheck(db, settings):
    from pathlib import Path

    from jinxiu.apps.core.demo import demo_load
    from jinxiu.apps.core.regions import region_load
    from jinxiu.apps.cultivation.models import Application

    if not (Path(settings.JINXIU_REGION_DATA_DIR) / "areas.json").exists():
        pytest.skip("region data not built (run make assets)")
    region_load()
    with change_context(user=None, source="cli"):
        state = demo_load()
    knit = Enterprise.objects.get(organization=state.organizations["ent_knit"])
    assert set(knit.tags) >= {"innovative_sme", "zjtx"}
    application = Application.objects.get(organization=state.organizations["ent_dye"])
    assert application.precheck_status in {"cannot_tell", "does_not_qualify", "qualifies"}
    assert application.precheck["ruleset_id"] == "innovative_sme"
    count = TierRecord.objects.count()
    with change_context(user=None, source="cli"):
        demo_load()
    assert TierRecord.objects.count() == count and Application.objects.count() == 1

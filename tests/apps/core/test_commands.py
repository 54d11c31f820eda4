"""The jinxiu command: management commands and engine dispatch."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jinxiu import cli
from jinxiu.apps.core.models import JobRun, Membership, ObjectChange, Region, User
from tests.helpers.factories import make_org

pytestmark = pytest.mark.django_db


def test_createuser_with_organization_and_role(regions, monkeypatch):
    make_org("锦程")
    monkeypatch.setenv("JINXIU_PASSWORD", "Str0ng-Passw0rd-锦绣")
    call_command("createuser", "ie", "--organization", "锦程", "--role", "officer",
                 "--display-name", "张工")
    user = User.objects.get(username="ie")
    assert user.check_password("Str0ng-Passw0rd-锦绣") and user.display_name == "张工"
    assert Membership.objects.get(user=user).role == "officer"
    assert ObjectChange.objects.filter(source="cli", changed_object_type__model="membership"
                                       ).count() == 1
    with pytest.raises(CommandError, match="already exists"):
        call_command("createuser", "ie")


def test_createuser_refuses_weak_passwords_and_unknown_organizations(regions, monkeypatch):
    monkeypatch.setenv("JINXIU_PASSWORD", "123")
    with pytest.raises(CommandError, match="Password refused"):
        call_command("createuser", "weak")
    monkeypatch.setenv("JINXIU_PASSWORD", "Str0ng-Passw0rd-锦绣")
    with pytest.raises(CommandError, match="No organization"):
        call_command("createuser", "x", "--organization", "不存在")
    assert not User.objects.filter(username__in=["weak", "x"]).exists()


def test_regions_load_from_a_data_folder(tmp_path):
    (tmp_path / "provinces.json").write_text(json.dumps([{"code": "35", "name": "福建省"}]))
    (tmp_path / "cities.json").write_text(json.dumps([
        {"code": "3505", "name": "泉州市", "provinceCode": "35"},
        {"code": "3501", "name": "市辖区", "provinceCode": "35"}]))
    (tmp_path / "areas.json").write_text(json.dumps([
        {"code": "350581", "name": "石狮市", "cityCode": "3505", "provinceCode": "35"}]))
    call_command("regions", "load", "--data-dir", str(tmp_path))
    shishi = Region.objects.get(code="350581")
    assert (shishi.level, shishi.parent.code) == (3, "350500")
    assert shishi.full_name == "福建省泉州市石狮市"
    assert Region.objects.get(code="350100").full_name == "福建省"  # 市辖区 has no name of its own
    assert list(shishi.parent.subtree().values_list("code", flat=True)) == ["350500", "350581"]
    call_command("regions", "load", "--data-dir", str(tmp_path))  # idempotent
    assert Region.objects.count() == 4
    with pytest.raises(CommandError, match="make assets"):
        call_command("regions", "load", "--data-dir", str(tmp_path / "missing"))


@pytest.mark.django_db(transaction=True)  # the job is handed over when the command commits
def test_demo_load_as_a_job_waits_for_it(settings, capsys):
    from pathlib import Path

    if not (Path(settings.JINXIU_REGION_DATA_DIR) / "areas.json").exists():
        pytest.skip("region data not built (run make assets)")
    call_command("demo", "load", "--job", "--wait", "--timeout", "60")
    job = JobRun.objects.get()
    assert job.status == "succeeded" and job.owner.username == "jinxiu-system"
    assert not job.owner.is_active  # the system user cannot sign in
    assert "succeeded" in capsys.readouterr().out


def test_engine_commands_are_dispatched_to_the_engine(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["rules", "--help"])  # argparse prints the engine's own help
    assert exc.value.code == 0
    assert "check" in capsys.readouterr().out


def test_unknown_engine_module_is_reported(monkeypatch, capsys):
    monkeypatch.setitem(cli.ENGINE_COMMANDS, "ghost", "jinxiu.engines.ghost.cli")
    assert cli.main(["ghost"]) == 2
    assert "not installed" in capsys.readouterr().err

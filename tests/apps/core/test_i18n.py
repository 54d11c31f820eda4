"""Chinese first, English complete."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.helpers.factories import make_org, make_user

SRC = Path(__file__).resolve().parents[3] / "src" / "jinxiu"
PO = SRC / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_chinese_catalogue_is_complete():
    po = polib.pofile(str(PO))
    assert len(po) > 150
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated and not fuzzy, (untranslated, fuzzy)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext not installed")
def test_every_marked_string_is_in_the_catalogue(tmp_path):
    """A fresh makemessages over the source finds no string the catalogue lacks."""
    copy = tmp_path / "jinxiu"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("vendor", "engines", "*.mo",
                                                             "__pycache__"))
    subprocess.run([sys.executable, "-m", "jinxiu.cli", "makemessages", "-l", "zh_Hans",
                    "--ignore", "static/*", "--no-obsolete"], cwd=copy, check=True,
                   capture_output=True,
                   env={**os.environ, "DJANGO_SETTINGS_MODULE": "jinxiu.config.settings.test"})
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(PO))}
    assert fresh - committed == set(), "run makemessages -l zh_Hans and translate"


@pytest.mark.django_db
def test_pages_are_chinese_by_default_even_for_an_english_browser(client, regions):
    user = make_user(memberships=[(make_org(), "admin")])
    client.force_login(user)
    page = client.get("/documents/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = page.content.decode()
    assert '<html lang="zh-hans">' in html and "文件证照" in html and "导出 Excel" in html


@pytest.mark.django_db
def test_switching_to_english_sticks(client, regions):
    user = make_user(memberships=[(make_org(), "admin")])
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/documents/"})
    assert response.status_code == 302
    html = client.get("/documents/").content.decode()
    assert '<html lang="en">' in html and "Export to Excel" in html and "导出 Excel" not in html


@pytest.mark.django_db
def test_api_errors_name_the_field_in_the_users_language(regions):
    from rest_framework.test import APIClient

    org = make_org()
    user = make_user(memberships=[(org, "admin")])
    api = APIClient()
    api.force_authenticate(user)
    response = api.post("/api/documents/", {"organization": org.pk, "kind": "nope"})
    body = response.json()
    assert response.status_code == 400
    assert "title" in body and "kind" in body
    assert "该字段是必填项" in body["title"][0]

"""The UI shell: sign-in throttling, CSRF, CSP, organization switcher, password change, API docs."""

import re

import pytest
from django.test import Client

from jinxiu.apps.core.middleware import ACTIVE_ORG_SESSION_KEY
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Test-12345"


def test_passwords_are_hashed_with_argon2_first(settings):
    from django.contrib.auth.hashers import make_password

    from jinxiu.config.settings import base  # the test profile uses a fast hasher for speed

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    assert make_password("x").startswith("argon2$")


def test_login_is_throttled_and_locks_out_after_repeated_failures(client, regions, settings):
    user = make_user("ie")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/login/", {"username": "ie", "password": "wrong"},
                               REMOTE_ADDR="10.0.0.9")
        assert response.status_code == 200  # the form again, with an error
    last = client.post("/login/", {"username": "ie", "password": "wrong"},
                       REMOTE_ADDR="10.0.0.9")
    assert last.status_code == 429  # the limit-th failure locks
    locked = client.post("/login/", {"username": "ie", "password": PASSWORD},
                         REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # the right password from elsewhere still works for this user
    other = Client()
    ok = other.post("/login/", {"username": "ie", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert ok.status_code == 302 and int(other.session["_auth_user_id"]) == user.pk


def test_csrf_is_enforced_on_forms():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_content_security_policy_forbids_inline_scripts_and_cdns(client):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert "//cdn" not in html and "https://" not in html


def test_organization_switcher_only_switches_to_own_organizations(client, regions):
    a, b, c = make_org("甲"), make_org("乙"), make_org("丙")
    user = make_user(memberships=[(a, "admin"), (b, "viewer")])
    client.force_login(user)
    page = client.get("/")
    assert page.context["active_organization"] == a
    assert client.post("/switch-organization/", {"organization": b.pk, "next": "/documents/"}
                       )["Location"] == "/documents/"
    assert client.get("/").context["active_organization"] == b
    assert client.post("/switch-organization/", {"organization": c.pk}).status_code == 404
    assert client.session[ACTIVE_ORG_SESSION_KEY] == b.pk
    # an open redirect is refused
    response = client.post("/switch-organization/", {"organization": a.pk,
                                                      "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_password_change_requires_the_old_password(client, regions):
    user = make_user("ie")
    client.force_login(user)
    bad = client.post("/password/", {"old_password": "nope", "new_password1": "N3w-pass-锦绣x",
                                     "new_password2": "N3w-pass-锦绣x"})
    assert bad.status_code == 200 and "old_password" in bad.context["form"].errors
    good = client.post("/password/", {"old_password": PASSWORD,
                                      "new_password1": "N3w-pass-锦绣x",
                                      "new_password2": "N3w-pass-锦绣x"})
    assert good.status_code == 302
    user.refresh_from_db()
    assert user.check_password("N3w-pass-锦绣x")


def test_api_schema_and_docs_are_served_from_local_files(client, regions):
    client.force_login(make_user())
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/documents/" in schema.content
    for url in ("/api/docs/", "/api/redoc/"):
        html = client.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html, url
        assert "cdn.jsdelivr" not in html and "unpkg" not in html


def test_api_needs_authentication_and_accepts_tokens(regions):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    assert api.get("/api/organizations/").status_code in (401, 403)
    token = Token.objects.create(user=make_user())
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/organizations/").status_code == 200


def test_navigation_follows_the_active_organization_and_role(client, regions):
    user = make_user(memberships=[(make_org(), "viewer")])
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "/documents/" in html and "/changes/" in html
    assert "/admin/" not in html


def test_detail_pages_offer_edit_and_delete_only_to_those_who_may(client, regions):
    from jinxiu.apps.documents.models import Document

    org = make_org()
    from jinxiu.apps.core.changelog import change_context

    with change_context(user=None, source="system"):
        doc = Document.objects.create(organization=org, title="证书")
    for role, shown in (("admin", True), ("viewer", False)):
        client.force_login(make_user(memberships=[(org, role)]))
        html = client.get(f"/documents/{doc.pk}/").content.decode()
        assert ('href="edit/"' in html) is shown and ('href="delete/"' in html) is shown, role

"""A reusable permission-matrix test for a model's pages, export and API.

Subclass :class:`PermissionMatrix`, set ``model``, the URL names and the two builders, and
every case below runs for that model: anonymous / signed in without permission (a user of
another enterprise) / owner with permission / read-only role / constrained object permission
/ a share. Refused actions are checked to have changed nothing. A meta-test
(``tests/apps/core/test_meta.py``) fails when a tenant-scoped model has no such subclass.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from jinxiu.apps.core.models import DataShare, ObjectPermission
from tests.helpers.factories import make_org, make_regions, make_user

REGISTRY: dict[type, type] = {}


class PermissionMatrix:
    model = None
    public = False  # public registry facts: every signed-in user may view
    url_base: str = ""  # "app:model" -> app:model_list, _detail, _edit, _delete
    api_base: str = ""  # router basename, e.g. "document" -> document-list / document-detail
    has_delete = True
    has_add = True
    api_format = "json"  # "multipart" for models with file fields

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is not None:
            REGISTRY[cls.model] = cls

    # --- to provide --------------------------------------------------------------------
    def make_object(self, organization):
        raise NotImplementedError

    def form_data(self, organization) -> dict:
        """Valid data for the add/edit page."""
        raise NotImplementedError

    def api_data(self, organization) -> dict:
        return self.form_data(organization)

    def changed_field(self) -> tuple[str, object]:
        """A field and a new value that an edit sets."""
        raise NotImplementedError

    # --- fixtures ----------------------------------------------------------------------
    @pytest.fixture
    def world(self, db):
        make_regions()
        owner_org = make_org("甲企业", region_code="350581")
        other_org = make_org("乙企业", region_code="330302")
        ctx = {
            "owner_org": owner_org,
            "other_org": other_org,
            "obj": self.make_object(owner_org),
            "other_obj": self.make_object(other_org),
            "admin": make_user("owner_admin", memberships=[(owner_org, "admin")]),
            "viewer": make_user("owner_viewer", memberships=[(owner_org, "viewer")]),
            "stranger": make_user("stranger", memberships=[(other_org, "admin")]),
            "constrained": make_user("constrained"),
        }
        perm = ObjectPermission.objects.create(
            name="view+change in 石狮", actions=["view", "change"],
            constraints={"organization__region__code__startswith": "350581"}
            if not self.public else {"region__code__startswith": "350581"},
        )
        perm.object_types.add(ContentType.objects.get_for_model(self.model))
        perm.users.add(ctx["constrained"])
        return ctx

    def url(self, view, obj=None):
        name = f"{self.url_base}_{view}"
        return reverse(name, args=[obj.pk]) if obj is not None else reverse(name)

    def api_url(self, obj=None):
        if obj is None:
            return reverse(f"{self.api_base}-list")
        return reverse(f"{self.api_base}-detail", args=[obj.pk])

    def client_for(self, client, user):
        if user is not None:
            client.force_login(user)
        return client

    def api_for(self, user):
        api = APIClient()
        if user is not None:
            api.force_authenticate(user)
        return api

    def snapshot(self, obj):
        return self.model._base_manager.filter(pk=obj.pk).values().first()

    def export_rows(self, client) -> list[list]:
        response = client.get(self.url("list") + "?export=xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        return [[c.value for c in row] for row in sheet.iter_rows()]

    def export_marker(self, obj) -> str:
        """A cell value that identifies ``obj`` in the Excel export."""
        return str(obj)

    def assert_in_export(self, client, obj, present: bool):
        flat = {str(v) for row in self.export_rows(client)[1:] for v in row}
        assert (self.export_marker(obj) in flat) is present

    # --- anonymous ---------------------------------------------------------------------
    def test_anonymous_is_sent_to_login_and_changes_nothing(self, client, world):
        obj = world["obj"]
        before = self.snapshot(obj)
        for url in [self.url("list"), self.url("detail", obj)]:
            response = client.get(url)
            assert response.status_code == 302 and "/login/" in response["Location"]
        response = client.post(self.url("edit", obj), self.form_data(world["owner_org"]))
        assert response.status_code == 302
        if self.has_delete:
            client.post(self.url("delete", obj))
        assert self.snapshot(obj) == before
        api = self.api_for(None)
        assert api.get(self.api_url()).status_code in (401, 403)
        assert api.patch(self.api_url(obj), {}, format="json").status_code in (401, 403)
        assert self.snapshot(obj) == before

    # --- signed in, no permission on this object ---------------------------------------
    def test_stranger_cannot_see_or_change(self, client, world):
        obj, user = world["obj"], world["stranger"]
        before = self.snapshot(obj)
        client = self.client_for(client, user)
        listing = client.get(self.url("list"))
        assert listing.status_code == 200
        visible = obj.pk in {row.record.pk for row in listing.context["table"].page.object_list}
        assert visible is self.public
        assert client.get(self.url("detail", obj)).status_code == (200 if self.public else 404)
        expected_write = 403 if self.public else 404
        assert client.get(self.url("edit", obj)).status_code == expected_write
        assert client.post(self.url("edit", obj), self.form_data(world["owner_org"])
                           ).status_code == expected_write
        if self.has_delete:
            assert client.post(self.url("delete", obj)).status_code == expected_write
        self.assert_in_export(client, obj, present=self.public)
        api = self.api_for(user)
        ids = {row["id"] for row in api.get(self.api_url()).json()["results"]}
        assert (obj.pk in ids) is self.public
        assert api.get(self.api_url(obj)).status_code == (200 if self.public else 404)
        field, value = self.changed_field()
        assert api.patch(self.api_url(obj), {field: value}, format="json"
                         ).status_code == expected_write
        if self.has_delete:
            assert api.delete(self.api_url(obj)).status_code == expected_write
        assert self.snapshot(obj) == before

    # --- owner's administrator: full permission ----------------------------------------
    def test_owner_admin_can_view_change_export(self, client, world):
        obj, user = world["obj"], world["admin"]
        client = self.client_for(client, user)
        assert client.get(self.url("detail", obj)).status_code == 200
        self.assert_in_export(client, obj, present=True)
        field, value = self.changed_field()
        data = {**self.form_data(world["owner_org"]), field: value}
        response = client.post(self.url("edit", obj), data)
        assert response.status_code == 302, getattr(response, "context", {}) and \
            response.context["form"].errors
        obj.refresh_from_db()
        assert getattr(obj, field) == value
        api = self.api_for(user)
        assert api.get(self.api_url(obj)).status_code == 200

    def test_owner_admin_can_delete(self, client, world):
        if not self.has_delete:
            pytest.skip("no delete for this model")
        obj = world["obj"]
        client = self.client_for(client, world["admin"])
        assert client.post(self.url("delete", obj)).status_code == 302
        assert not self.model._base_manager.filter(pk=obj.pk).exists()
        other = self.make_object(world["owner_org"])
        assert self.api_for(world["admin"]).delete(self.api_url(other)).status_code == 204
        assert not self.model._base_manager.filter(pk=other.pk).exists()

    def test_owner_admin_can_add_only_for_own_organization(self, client, world):
        if not self.has_add:
            pytest.skip("no add for this model")
        client = self.client_for(client, world["admin"])
        count = self.model._base_manager.count()
        response = client.post(self.url("add"), self.form_data(world["owner_org"]))
        assert response.status_code == 302
        assert self.model._base_manager.count() == count + 1
        # the other enterprise is not a choice: refused, nothing written
        response = client.post(self.url("add"), self.form_data(world["other_org"]))
        assert response.status_code == 400
        assert "organization" in response.context["form"].errors
        api = self.api_for(world["admin"])
        response = api.post(self.api_url(), self.api_data(world["other_org"]),
                            format=self.api_format)
        assert response.status_code == 400 and "organization" in response.json()
        assert self.model._base_manager.count() == count + 1

    # --- read-only role ----------------------------------------------------------------
    def test_viewer_sees_but_cannot_change(self, client, world):
        obj, user = world["obj"], world["viewer"]
        before = self.snapshot(obj)
        client = self.client_for(client, user)
        assert client.get(self.url("detail", obj)).status_code == 200
        # reading is not exporting: a viewer role does not carry the export action
        export = client.get(self.url("list") + "?export=xlsx")
        assert export.status_code == (200 if self.public else 403)
        assert client.post(self.url("edit", obj), self.form_data(world["owner_org"])
                           ).status_code == 403
        if self.has_delete:
            assert client.post(self.url("delete", obj)).status_code == 403
        field, value = self.changed_field()
        api = self.api_for(user)
        assert api.patch(self.api_url(obj), {field: value}, format="json").status_code == 403
        assert self.snapshot(obj) == before

    # --- constrained object permission -------------------------------------------------
    def test_constrained_permission_reaches_only_matching_rows(self, client, world):
        user, inside, outside = world["constrained"], world["obj"], world["other_obj"]
        client = self.client_for(client, user)
        assert client.get(self.url("detail", inside)).status_code == 200
        assert client.get(self.url("detail", outside)).status_code == (
            200 if self.public else 404)
        field, value = self.changed_field()
        api = self.api_for(user)
        assert api.patch(self.api_url(inside), {field: value}, format="json").status_code == 200
        before = self.snapshot(outside)
        assert api.patch(self.api_url(outside), {field: value}, format="json"
                         ).status_code == (403 if self.public else 404)
        assert self.snapshot(outside) == before
        if self.has_delete:  # the permission grants view and change, not delete
            assert client.post(self.url("delete", inside)).status_code == 403
            assert self.model._base_manager.filter(pk=inside.pk).exists()

    # --- a share (tenant data only) ----------------------------------------------------
    def test_share_lets_the_grantee_view_until_revoked(self, client, world):
        if self.public or getattr(self.model, "data_category", None) is None:
            pytest.skip("not shareable")
        obj, user = world["obj"], world["stranger"]
        share = DataShare.objects.create(organization=world["owner_org"],
                                         grantee=world["other_org"],
                                         categories=[self.model.data_category])
        client = self.client_for(client, user)
        assert client.get(self.url("detail", obj)).status_code == 200
        before = self.snapshot(obj)
        assert client.post(self.url("edit", obj), self.form_data(world["owner_org"])
                           ).status_code == 403
        assert self.snapshot(obj) == before
        from django.utils import timezone

        share.revoked_at = timezone.now()
        share.save()
        user = type(user).objects.get(pk=user.pk)  # a new request: permissions read afresh
        client.force_login(user)
        assert client.get(self.url("detail", obj)).status_code == 404

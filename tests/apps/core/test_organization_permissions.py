from jinxiu.apps.core.models import Organization
from tests.helpers.matrix import PermissionMatrix


class TestOrganizationPermissions(PermissionMatrix):
    """Organizations are public registry facts: all signed-in users view; admins edit their own."""

    model = Organization
    public = True
    url_base = "core:organization"
    api_base = "organization"
    has_delete = False
    has_add = False  # only system administrators create organizations

    def make_object(self, organization):
        return organization

    def form_data(self, organization):
        return {"name": organization.name, "short_name": organization.short_name,
                "kind": organization.kind, "region": organization.region_id,
                "credit_code": "", "description": ""}

    def changed_field(self):
        return "short_name", "新简称"

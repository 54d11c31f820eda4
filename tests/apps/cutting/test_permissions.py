from jinxiu.apps.cutting.models import CutOrder, Marker, Pattern, PatternPiece
from jinxiu.apps.cutting.sample import demo_pattern_dxf
from tests.apps.cutting.factories import (
    make_marker,
    make_order,
    make_small_pattern,
    make_style,
    upload,
)
from tests.helpers.matrix import PermissionMatrix


class TestPatternPermissions(PermissionMatrix):
    model = Pattern
    url_base = "cutting:pattern"
    api_base = "pattern"
    api_format = "multipart"

    def make_object(self, organization):
        return make_small_pattern(organization, make_style(organization, "P"))

    def form_data(self, organization):
        # add: a new version uploaded for the organization's style; edit: name and notes
        return {"organization": organization.pk, "style": make_style(organization, "P").pk,
                "name": "新版纸样", "file": upload(demo_pattern_dxf(("M",))), "notes": ""}

    def changed_field(self):
        return "notes", "放码已核对"

    def export_marker(self, obj):
        return obj.name


class TestPatternPiecePermissions(PermissionMatrix):
    model = PatternPiece
    url_base = "cutting:patternpiece"
    api_base = "patternpiece"
    has_add = False

    def make_object(self, organization):
        pattern = Pattern.objects.filter(organization=organization).first() or \
            make_small_pattern(organization)
        return PatternPiece.objects.create(
            organization=organization, pattern=pattern, name=f"{organization.name}袋布",
            size="M", outline=[[0, 0], [100, 0], [100, 50], [0, 50]], area=5000)

    def form_data(self, organization):
        return {"quantity": 2, "material": "Lining", "pair": "on", "grain": "", "category": ""}

    def changed_field(self):
        return "material", "里布"

    def export_marker(self, obj):
        return obj.name


class TestCutOrderPermissions(PermissionMatrix):
    model = CutOrder
    url_base = "cutting:cutorder"
    api_base = "cutorder"

    def make_object(self, organization):
        return make_order(organization, name=f"{organization.name}裁单")

    def _pattern(self, organization):
        return Pattern.objects.filter(organization=organization).first() or \
            make_small_pattern(organization)

    def form_data(self, organization):
        return {"organization": organization.pk, "name": "新裁单",
                "pattern": self._pattern(organization).pk, "quantities": "红: S=10, M=20",
                "width": "1500", "max_plies": 60, "max_garments": 4, "max_overcut": 0,
                "spacing": "2", "grain": "two_way", "marker_cost": "0",
                "seconds_per_marker": 5, "material": "", "notes": ""}

    def api_data(self, organization):
        return {**self.form_data(organization), "quantities": {"红": {"S": 10, "M": 20}}}

    def changed_field(self):
        return "max_plies", 80


class TestMarkerPermissions(PermissionMatrix):
    model = Marker
    url_base = "cutting:marker"
    api_base = "marker"
    has_add = False

    def make_object(self, organization):
        return make_marker(organization, name=f"M-{organization.pk}")

    def form_data(self, organization):
        return {"name": "唛架A", "notes": ""}

    def changed_field(self):
        return "name", "唛架B"

    def export_marker(self, obj):
        return obj.name

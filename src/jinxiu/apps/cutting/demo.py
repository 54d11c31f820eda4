"""A demo pattern and cut order for the demo knitwear factory (synthetic; not planned yet)."""

from jinxiu.apps.core.demo import DemoState, demo_step


@demo_step(70, "cutting room")
def _cutting(state: DemoState) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jinxiu.apps.cutting.models import CutOrder, Pattern
    from jinxiu.apps.cutting.sample import demo_pattern_dxf
    from jinxiu.apps.cutting.services import pattern_import
    from jinxiu.apps.production.models import Style

    org = state.organizations["ent_knit"]
    style, _ = Style.objects.get_or_create(
        organization=org, code="T2601",
        defaults={"name": "圆领短袖 T 恤（示例）", "product": "T 恤",
                  "description": "示例数据（虚构）。Synthetic demo style."})
    pattern = Pattern.objects.filter(style=style).order_by("version").first()
    if pattern is None:
        upload = SimpleUploadedFile("T2601-示例纸样.dxf", demo_pattern_dxf(),
                                    content_type="application/dxf")
        pattern = pattern_import(organization=org, style=style, uploaded=upload,
                                 name="T2601 纸样（示例）",
                                 notes="示例数据（虚构）。Synthetic demo pattern.")
    CutOrder.objects.get_or_create(
        organization=org, name="T2601-首单（示例）",
        defaults={"pattern": pattern, "material": "Fabric", "width": 1500, "max_plies": 60,
                  "max_length": 6000, "max_garments": 4, "max_overcut": 2, "spacing": 2,
                  "seconds_per_marker": 10,
                  "quantities": {"红": {"S": 40, "M": 80, "L": 60}, "白": {"M": 30, "L": 20}},
                  "notes": "示例数据（虚构）。Synthetic demo order."})

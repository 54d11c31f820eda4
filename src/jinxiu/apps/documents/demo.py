"""Sample documents for the demo cluster (synthetic)."""

import datetime as dt

from django.core.files.base import ContentFile

from jinxiu.apps.core.demo import DemoState, demo_step

DOCUMENTS = [
    ("ent_knit", "营业执照（示例）", "licence", "2015-03-18", None),
    ("ent_knit", "ISO 9001 质量管理体系认证证书（示例）", "certificate", "2024-06-01",
     "2027-05-31"),
    ("ent_knit", "2025 年度审计报告（示例）", "report", "2026-04-20", None),
    ("ent_shoe", "营业执照（示例）", "licence", "2012-08-09", None),
    ("ent_shoe", "高新技术企业证书（示例）", "certificate", "2024-12-10", "2027-12-09"),
    ("ent_dye", "排污许可证（示例）", "licence", "2023-07-01", "2028-06-30"),
    ("ent_dye", "清洁生产审核报告（示例）", "report", "2025-11-15", None),
]


@demo_step(50, "documents")
def _documents(state: DemoState) -> None:
    from jinxiu.apps.documents.models import Document

    for org_key, title, kind, issued, expires in DOCUMENTS:
        org = state.organizations[org_key]
        doc = Document.objects.filter(organization=org, title=title).first()
        if doc is not None:
            continue
        doc = Document(organization=org, title=title, kind=kind,
                       issued_on=dt.date.fromisoformat(issued),
                       expires_on=dt.date.fromisoformat(expires) if expires else None,
                       issued_by="（示例）发证机关",
                       note="示例数据（虚构）。Synthetic demo document.")
        doc.file.save("sample.txt", ContentFile(f"{org.name}\n{title}\n示例文件，内容虚构。\n"
                                                 .encode()), save=False)
        doc.original_name = "sample.txt"
        doc.save()

"""Demo tier records and an application (SYNTHETIC: invented certificate numbers and dates)."""

from __future__ import annotations

import datetime as dt

from jinxiu.apps.core.demo import DemoState, demo_step

# (enterprise key, tier, granted on, certificate number, granted by)
RECORDS = [
    ("ent_knit", "innovative_sme", "2023-12-20", "示例-CX-2023-0107",
     "福建省工业和信息化厅（示例）"),
    ("ent_knit", "zjtx", "2024-11-28", "示例-ZJTX-2024-0311", "福建省工业和信息化厅（示例）"),
    ("ent_shoe", "high_tech", "2024-12-05", "示例GR202435000123", "福建省科学技术厅等（示例）"),
]


@demo_step(70, "cultivation")
def _cultivation(state: DemoState) -> None:
    from jinxiu.apps.cultivation.models import Application, TierRecord
    from jinxiu.apps.cultivation.selectors import ruleset_current
    from jinxiu.apps.cultivation.services import ruleset_sync_shipped, tierrecord_save
    from jinxiu.apps.cultivation.tiers import expiry_for, tier

    ruleset_sync_shipped()
    for key, tier_id, granted, number, by in RECORDS:
        org = state.organizations[key]
        granted_on = dt.date.fromisoformat(granted)
        if TierRecord.objects.filter(organization=org, tier=tier_id,
                                     granted_on=granted_on).exists():
            continue
        tierrecord_save(record=TierRecord(
            organization=org, tier=tier_id, granted_on=granted_on,
            expires_on=expiry_for(granted_on, tier_id), certificate_no=number,
            granted_by=by, source=TierRecord.Source.IMPORTED,
            note="示例数据（虚构）。Synthetic demo record."), user=None)
    org = state.organizations["ent_dye"]
    admin = state.users.get("admin")
    if admin is not None and not Application.objects.filter(organization=org).exists():
        from jinxiu.apps.cultivation.selectors import enterprise_facts
        from jinxiu.apps.cultivation.services import application_save
        from jinxiu.apps.enterprises.models import Enterprise

        revision = ruleset_current(user=admin, code=tier("innovative_sme").ruleset)
        application = Application(
            organization=org, tier="innovative_sme", ruleset=revision,
            assessed_on=dt.date(2026, 6, 30),
            facts={"is_sme": True, "abnormal_operation_listed": False},
            note="示例申请（虚构）：申报创新型中小企业。Synthetic demo application.")
        enterprise = Enterprise.objects.filter(organization=org).first()
        base = enterprise_facts(user=admin, enterprise=enterprise, on=application.assessed_on) \
            if enterprise else {"facts": {}}
        application_save(application=application, user=admin, base_facts=base)

"""A demo bulletin, line and operators for the demo knitwear factory (synthetic)."""

from decimal import Decimal

from jinxiu.apps.core.demo import DemoState, demo_step

# A polo shirt bulletin (synthetic times, in the range published for such operations).
POLO = [
    ("1", "合肩缝", "overlock", "18", ""),
    ("2", "上领", "overlock", "32", "1"),
    ("3", "压领线", "lockstitch", "28", "2"),
    ("4", "做门襟", "lockstitch", "45", ""),
    ("5", "装门襟", "lockstitch", "52", "3,4"),
    ("6", "上袖", "overlock", "40", "1"),
    ("7", "压袖窿线", "coverstitch", "30", "6"),
    ("8", "合侧缝", "overlock", "38", "7"),
    ("9", "卷袖口", "coverstitch", "26", "8"),
    ("10", "卷下摆", "coverstitch", "30", "8"),
    ("11", "开侧衩", "lockstitch", "22", "10"),
    ("12", "锁眼", "buttonhole", "15", "5"),
    ("13", "钉扣", "button", "15", "12"),
    ("14", "打套结", "bartack", "12", "11"),
    ("15", "剪线头", "manual", "20", "9,13,14"),
    ("16", "整烫", "iron", "35", "15"),
]
# the machines standing on the demo line (设备台数); hand work and pressing need none
MACHINES = {"overlock": 4, "lockstitch": 4, "coverstitch": 2, "bartack": 1, "button": 1,
            "buttonhole": 1}
OPERATORS = [
    ("陈红", "A01", {"overlock": 1.1, "coverstitch": 0.9}),
    ("王芳", "A02", {"lockstitch": 1.05, "twin_needle": 1.0}),
    ("李梅", "A03", {"overlock": 0.95, "lockstitch": 0.9}),
    ("赵丽", "A04", {"coverstitch": 1.1, "overlock": 1.0}),
    ("刘娟", "A05", {"lockstitch": 1.0, "bartack": 1.0}),
    ("孙燕", "A06", {"button": 1.0, "buttonhole": 1.0, "manual": 1.0}),
    ("周静", "A07", {"manual": 1.0, "iron": 1.05}),
    ("吴敏", "A08", {"lockstitch": 1.1, "overlock": 1.0, "coverstitch": 1.0}),
]


@demo_step(60, "production lines")
def _production(state: DemoState) -> None:
    from jinxiu.apps.production.models import Line, Operation, Operator, Style

    org = state.organizations["ent_knit"]
    style, created = Style.objects.get_or_create(
        organization=org, code="P2601",
        defaults={"name": "男式短袖 POLO 衫（示例）", "product": "POLO 衫",
                  "description": "示例数据（虚构）。Synthetic demo bulletin."})
    if created:
        for seq, (code, name, machine, seconds, preds) in enumerate(POLO, start=1):
            Operation.objects.create(organization=org, style=style, sequence=seq, code=code,
                                     name=name, machine_type=machine,
                                     standard_seconds=Decimal(seconds),
                                     predecessors=[p for p in preds.split(",") if p])
    line, _ = Line.objects.get_or_create(organization=org, name="一号线（示例）",
                                         defaults={"shift_minutes": 480, "target_output": 500,
                                                   "machines": MACHINES})
    for name, number, skills in OPERATORS:
        Operator.objects.get_or_create(organization=org, employee_no=number,
                                       defaults={"name": name, "line": line, "skills": skills})

"""Demo bulletins, lines and operators (synthetic): a polo shirt on the knitwear factory's
sewing line, and a sports shoe's upper on the shoe factory's stitching lines (针车线: one in
line order, one hanging line routed freely)."""

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


# A sports shoe upper (运动鞋鞋面) closed on a stitching line (synthetic times).
SHOE_UPPER = [
    ("1", "鞋头饰片削边", "skiving", "18", ""),
    ("2", "后跟饰片削边", "skiving", "16", ""),
    ("3", "鞋眼片冲孔", "punching", "14", ""),
    ("4", "饰片刷胶", "cementing", "30", "1,2"),
    ("5", "鞋眼片折边", "folding", "24", "3"),
    ("6", "贴鞋头饰片", "manual", "26", "4"),
    ("7", "车鞋头饰片", "post_bed", "48", "6"),
    ("8", "车商标", "pattern_sewer", "40", "7"),
    ("9", "贴后跟饰片", "manual", "22", "4"),
    ("10", "车后跟饰片", "post_bed", "44", "9"),
    ("11", "车鞋眼片", "post_bed", "52", "5,8"),
    ("12", "合后中缝", "zigzag", "30", "10,11"),
    ("13", "车鞋舌", "lockstitch", "36", ""),
    ("14", "装鞋舌", "post_bed", "42", "12,13"),
    ("15", "套里车沿口", "twin_post_bed", "55", "14"),
    ("16", "修里", "manual", "28", "15"),
    ("17", "锤平", "hammer", "15", "16"),
    ("18", "打鸡眼", "eyelet", "24", "17"),
    ("19", "剪线头、清洁", "manual", "30", "18"),
    ("20", "鞋面检验", "manual", "25", "19"),
]
SHOE_MACHINES = {"post_bed": 4, "twin_post_bed": 1, "pattern_sewer": 1, "zigzag": 1,
                 "lockstitch": 1, "skiving": 1, "folding": 1, "punching": 1, "eyelet": 1,
                 "hammer": 1}
SHOE_OPERATORS = [
    ("林秀英", "S01", {"skiving": 1.1, "folding": 1.0}),
    ("蔡丽华", "S02", {"post_bed": 1.15, "lockstitch": 1.0}),
    ("许美玲", "S03", {"post_bed": 1.05, "twin_post_bed": 1.0}),
    ("王淑芬", "S04", {"post_bed": 1.0, "zigzag": 1.05}),
    ("陈雅琴", "S05", {"pattern_sewer": 1.1, "post_bed": 0.95}),
    ("黄碧云", "S06", {"cementing": 1.0}),
    ("吴小燕", "S07", {"punching": 1.0, "eyelet": 1.05}),
    ("施文静", "S08", {"twin_post_bed": 1.1, "post_bed": 1.0}),
    ("洪晓梅", "S09", {"hammer": 1.0, "eyelet": 1.0}),
    ("郑佳慧", "S10", {"lockstitch": 1.1, "post_bed": 0.9}),
    ("李春兰", "S11", {"cementing": 1.0, "punching": 0.95}),
    ("苏玉珍", "S12", {"post_bed": 1.0, "zigzag": 0.95}),
]


def _style(org, code: str, bulletin: list, **defaults):
    from jinxiu.apps.production.models import Operation, Style

    style, created = Style.objects.get_or_create(organization=org, code=code,
                                                 defaults=defaults)
    if created:
        for seq, (op_code, name, machine, seconds, preds) in enumerate(bulletin, start=1):
            Operation.objects.create(organization=org, style=style, sequence=seq, code=op_code,
                                     name=name, machine_type=machine,
                                     standard_seconds=Decimal(seconds),
                                     predecessors=[p for p in preds.split(",") if p])


def _line(org, name: str, machines: dict, operators: list, unit: str = "piece",
          routing: str = "sequence") -> None:
    from jinxiu.apps.production.models import Line, Operator

    line, _ = Line.objects.get_or_create(organization=org, name=name,
                                         defaults={"shift_minutes": 480, "target_output": 500,
                                                   "output_unit": unit, "machines": machines,
                                                   "routing": routing})
    for person, number, skills in operators:
        Operator.objects.get_or_create(organization=org, employee_no=number,
                                       defaults={"name": person, "line": line,
                                                 "skills": skills})


@demo_step(60, "production lines")
def _production(state: DemoState) -> None:
    knit = state.organizations["ent_knit"]
    _style(knit, "P2601", POLO, name="男式短袖 POLO 衫（示例）", product="POLO 衫",
           description="示例数据（虚构）。Synthetic demo bulletin.")
    _line(knit, "一号线（示例）", MACHINES, OPERATORS)
    shoe = state.organizations["ent_shoe"]
    _style(shoe, "XM2602", SHOE_UPPER, name="男式跑鞋鞋面（示例）", product="运动鞋鞋面",
           description="示例数据（虚构）：针车线上的鞋面工序。Synthetic demo bulletin.")
    _line(shoe, "针车一线（示例）", SHOE_MACHINES, SHOE_OPERATORS, unit="pair")
    # the same machines on a hanging line routed freely (吊挂线): the upper balances at the
    # takt on 13 workplaces instead of the 15 the machine changes ask of a line in order
    _line(shoe, "针车二线（吊挂，示例）", SHOE_MACHINES, [], unit="pair", routing="free")

"""``jinxiu rules ...``: text and JSON output, exit codes, errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jinxiu.engines.rules.cli import main

from .conftest import with_facts
from .test_innovative_sme import FIRM


@pytest.fixture
def facts_file(tmp_path):
    def write(data, name="facts.json"):
        path = tmp_path / name
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return write


def test_check_text_qualifies(facts_file, capsys):
    rc = main(["check", "innovative_sme", facts_file(FIRM), "--date", "2026-06-30"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "示例服饰有限公司 · assessed on 2026-06-30: QUALIFIES (符合)" in out
    assert "工信部企业〔2022〕63号" in out
    assert "rd_ratio · 上年度研发费用总额占营业收入总额比重: 15 / 20 value 3 % band B 3%–5%" in out


def test_check_text_fails_with_gap_list(facts_file, capsys):
    firm = with_facts(FIRM, rd_expense={"source": "研发辅助账", "by_year": {"2025": 63}})
    rc = main(["check", "innovative_sme", facts_file(firm), "--date", "2026-06-30"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "DOES NOT QUALIFY" in out
    assert (
        "score.rd_ratio: rd_expense 2025 (研发费用): 63 万元 → 90 万元 (+27 万元)  "
        "[rd_ratio: 2.1 % → 3 %]"
    ) in out


def test_check_json_cannot_tell(facts_file, capsys):
    firm = with_facts(FIRM, rd_expense=None)
    rc = main(["check", "innovative_sme", facts_file(firm), "--date", "2026-06-30", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 3
    assert data["status"] == "cannot_tell"
    assert data["missing"] == ["rd_expense[2025]"]
    assert data["version"]["document"] == "工信部企业〔2022〕63号"
    assert data["version"]["content_hash"]
    assert data["gaps"]["changes"] == []
    item = data["criteria"][1]["children"][0]["items"][1]
    assert (item["id"], item["points"], item["missing"]) == ("rd_ratio", None, ["rd_expense[2025]"])


def test_check_json_gap_fields(facts_file, capsys):
    firm = with_facts(FIRM, rd_expense={"by_year": {"2025": 63}})
    main(["check", "innovative_sme", facts_file(firm), "--date", "2026-06-30", "--json"])
    (change,) = json.loads(capsys.readouterr().out)["gaps"]["changes"]
    assert change == {
        "fact": "rd_expense",
        "year": 2025,
        "current": 63,
        "required": 90,
        "delta": 27,
        "label": "研发费用",
        "unit": "万元",
        "action": "raise",
        "criterion": "score.rd_ratio",
        "measure": "rd_ratio: 2.1 % → 3 %",
    }


def test_check_with_forced_version_and_path(facts_file, capsys):
    from jinxiu.engines.rules.loader import DATA_DIR

    path = str(DATA_DIR / "little_giant.yaml")
    rc = main(
        [
            "check",
            path,
            facts_file({"facts": {}}),
            "--date",
            "2026-06-30",
            "--version",
            "2022",
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert (rc, data["version"]["id"], data["status"]) == (3, "2022", "cannot_tell")


def test_errors_exit_2(facts_file, capsys, tmp_path):
    assert main(["check", "stable_jobs", facts_file(FIRM), "--date", "2026-06-30"]) == 2
    assert "no version in force on 2026-06-30" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["check", "innovative_sme", str(bad), "--date", "2026-06-30"]) == 2
    assert "bad.json:1: not valid JSON" in capsys.readouterr().err
    typed = facts_file({"facts": {"revenue": "lots"}}, "typed.json")
    assert main(["check", "innovative_sme", typed, "--date", "2026-06-30"]) == 2
    assert "facts.revenue: revenue must be a number, got 'lots'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["check", "innovative_sme", typed, "--date", "30/06/2026"])


def test_unknown_fact_names_are_warned(facts_file, capsys):
    firm = with_facts(FIRM, revenu=1)
    main(["check", "innovative_sme", facts_file(firm), "--date", "2026-06-30"])
    assert "warning: facts.revenu: not a known fact name" in capsys.readouterr().out


def test_validate_list_show(tmp_path, capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "zjtx_sme: 专精特新中小企业" in out and "工信部企业〔2026〕2号" in out
    assert main(["show", "high_tech"]) == 0
    text = capsys.readouterr().out
    assert "pass_above: 70" in text
    copy = tmp_path / "copy.yaml"
    copy.write_text(
        text.replace("pass_above: 70", "pass_above: 70\n          bogus: 1"), encoding="utf-8"
    )
    assert main(["validate", str(copy)]) == 2
    assert "unknown key 'bogus'" in capsys.readouterr().err
    copy.write_text(text, encoding="utf-8")
    assert main(["validate", str(copy)]) == 0


@pytest.mark.skipif(not Path(sys.prefix, "bin", "jinxiu").exists(), reason="no jinxiu script")
def test_the_jinxiu_command_dispatches(facts_file):
    exe = shutil.which("jinxiu", path=str(Path(sys.prefix, "bin")))
    proc = subprocess.run(
        [
            exe,
            "rules",
            "check",
            "innovative_sme",
            facts_file(FIRM),
            "--date",
            "2026-06-30",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "qualifies"


def test_yearly_fact_without_year_is_warned(facts_file, capsys):
    firm = with_facts(FIRM, revenue=3000)
    rc = main(["check", "innovative_sme", facts_file(firm), "--date", "2026-06-30"])
    out = capsys.readouterr().out
    assert rc == 3
    assert "warning: facts.revenue: given without a year" in out


def test_target_class_gap_in_text(facts_file, capsys):
    plant = {
        "facts": {
            "dye_product_class": "woven_cotton",
            "dye_energy": {"by_year": {"2025": 24}},
            "dye_water": {"by_year": {"2025": 1.28}},
            "water_reuse_rate": {"by_year": {"2025": 0.45}},
            "product_pass_rate": {"by_year": {"2025": 0.97}},
            "online_monitoring": True,
            "env_violation_1y": False,
            "cleaner_production_audit": True,
            "tax_per_mu": {"by_year": {"2025": 32}},
            "tax_per_cod_ton": {"by_year": {"2025": 65}},
        }
    }
    path = facts_file(plant)
    assert main(["check", "dyeing_grading", path, "--date", "2026-06-30", "--target", "A"]) == 0
    out = capsys.readouterr().out
    assert "assessed on 2026-06-30: B类（鼓励提升） (B)" in out
    assert "water_reuse_rate 2025 (水重复利用率): 45 % → 50 % (+5 %)" in out
    assert main(["check", "dyeing_grading", path, "--date", "2026-06-30", "--target", "Z"]) == 2
    assert "no class 'Z'" in capsys.readouterr().err

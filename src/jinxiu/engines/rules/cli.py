"""``jinxiu rules ...``: check a firm against a rule set, validate or list rule sets.

    jinxiu rules check RULESET FACTS.json --date 2026-06-30 [--json] [--version ID] [--target CLASS]
    jinxiu rules validate RULESET.yaml [...]
    jinxiu rules list
    jinxiu rules show RULESET            # print the YAML (to copy and edit)

RULESET is a file path or the id of a shipped rule set (``high_tech``, ``zjtx_sme`` ...).
Exit status: 0 qualifies (or validates), 1 does not qualify, 3 cannot tell, 2 usage or file error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from jinxiu.engines.rules.evaluate import evaluate
from jinxiu.engines.rules.facts import FactsError, load_facts
from jinxiu.engines.rules.gaps import gaps
from jinxiu.engines.rules.loader import DATA_DIR, RuleSetError, load_ruleset, shipped_ids
from jinxiu.engines.rules.model import NoVersionInForce, Status
from jinxiu.engines.rules.render import verdict_data, verdict_text, version_line

EXIT = {Status.QUALIFIES: 0, Status.FAILS: 1, Status.UNKNOWN: 3}


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jinxiu rules",
        description="Check a firm against a versioned rule set, validate or list rule sets.",
        epilog="check exits 0 qualifies, 1 does not qualify, 3 cannot tell, 2 error. "
        "RULESET is a file or a shipped id (see: jinxiu rules list).",
    )
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="evaluate a firm's facts against a rule set")
    c.add_argument("ruleset", help="rule set file, or a shipped rule set id")
    c.add_argument("facts", help="facts JSON file")
    c.add_argument("--date", type=_date, default=None, help="assessment date (default: today)")
    c.add_argument("--version", default=None, help="force a version id instead of the date")
    c.add_argument("--json", action="store_true", help="machine-readable output")
    c.add_argument("--target", default=None, help="classifications: the class to reach (gaps)")
    v = sub.add_parser("validate", help="validate rule set files")
    v.add_argument("files", nargs="+")
    sub.add_parser("list", help="list the shipped rule sets and their versions")
    s = sub.add_parser("show", help="print a rule set file (to copy and edit)")
    s.add_argument("ruleset")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    out = sys.stdout
    if args.command == "list":
        for rid in shipped_ids():
            rs = load_ruleset(DATA_DIR / f"{rid}.yaml")
            print(f"{rid}: {rs.name}", file=out)
            for ver in rs.versions:
                print(f"  {version_line(ver)}", file=out)
        return 0
    if args.command == "show":
        path = Path(args.ruleset)
        if not path.exists():
            path = DATA_DIR / f"{args.ruleset}.yaml"
        if not path.exists():
            print(f"jinxiu rules: no rule set {args.ruleset!r}", file=sys.stderr)
            return 2
        out.write(path.read_text(encoding="utf-8"))
        return 0
    if args.command == "validate":
        rc = 0
        for f in args.files:
            try:
                rs = load_ruleset(f)
            except RuleSetError as exc:
                print(str(exc), file=sys.stderr)
                rc = 2
                continue
            print(f"{f}: ok ({rs.id}, {len(rs.versions)} version(s))", file=out)
        return rc
    try:
        ruleset = load_ruleset(args.ruleset)
        facts, warnings = load_facts(args.facts, catalogue=ruleset.catalogue)
        on = args.date or date.today()
        verdict = evaluate(ruleset, facts, on=on, version=args.version)
        gap_list = gaps(ruleset, facts, on=on, version=verdict.version.id, target=args.target)
    except (RuleSetError, FactsError, NoVersionInForce, KeyError) as exc:
        print(f"jinxiu rules: {exc}".rstrip(), file=sys.stderr)
        return 2
    if warnings:
        from dataclasses import replace

        verdict = replace(verdict, warnings=(*verdict.warnings, *warnings))
    try:
        if args.json:
            json.dump(verdict_data(verdict, gap_list), out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            print(verdict_text(verdict, gap_list), file=out)
        out.flush()
    except BrokenPipeError:  # e.g. piped into head
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT[verdict.status]

"""Compile Jinxiu's translation catalogues (.po -> .mo) without GNU gettext.

``make messages`` uses Django's ``compilemessages`` (which calls ``msgfmt``) where gettext is
installed, and this script otherwise, so a machine without gettext still gets working Chinese
and English pages. It compiles every ``src/jinxiu/**/locale/<lang>/LC_MESSAGES/django.po``
(and ``djangojs.po``) with polib, like ``msgfmt --check-format``:

- fuzzy and obsolete entries are left out of the .mo, as msgfmt does;
- a ``python-format`` entry whose translation uses a placeholder the source does not have (or
  a different sequence of positional ones) is an error: the page would crash at run time;
- a .mo newer than its .po is left alone unless ``--force`` is given.

Exit status: 0 when every catalogue compiled (or was up to date), 1 otherwise.

    python scripts/compile_messages.py [--force] [--root DIR] [--quiet]
"""

from __future__ import annotations

import argparse
import gettext
import os
import re
import sys
from pathlib import Path

import polib

DOMAINS = ("django.po", "djangojs.po")

# printf-style conversions as Python's % operator reads them (%% is a literal percent sign)
_PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?"  # %(name)
    r"[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"  # flags, width, precision, length
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)


def placeholders(text: str) -> tuple[set[str], list[str]]:
    """Return (named placeholders, positional conversion types) in a python-format string."""
    named: set[str] = set()
    positional: list[str] = []
    for match in _PLACEHOLDER.finditer(text):
        if match.group("type") == "%":
            continue
        if match.group("name") is not None:
            named.add(match.group("name"))
        else:
            positional.append(match.group("type"))
    return named, positional


def format_errors(entry: polib.POEntry) -> list[str]:
    """Placeholder mismatches between an entry's source and its translations."""
    if "python-format" not in entry.flags or not entry.translated():
        return []
    if entry.msgid_plural:
        # msgstr[n] may use the placeholders of either form (Chinese has one form, which
        # translates msgid_plural); positional ones are checked against msgid_plural
        plural_named, src_positional = placeholders(entry.msgid_plural)
        src_named = plural_named | placeholders(entry.msgid)[0]
        translations = [text for _, text in sorted(entry.msgstr_plural.items())]
    else:
        src_named, src_positional = placeholders(entry.msgid)
        translations = [entry.msgstr]
    errors = []
    for translation in translations:
        tr_named, tr_positional = placeholders(translation)
        unknown = tr_named - src_named
        if unknown:
            errors.append(
                f"translation uses {', '.join(sorted(unknown))} that the source lacks: "
                f"{entry.msgid!r}"
            )
        if tr_positional and tr_positional != src_positional:
            errors.append(
                f"positional placeholders differ ({''.join(src_positional)} -> "
                f"{''.join(tr_positional)}): {entry.msgid!r}"
            )
    return errors


def compile_catalogue(po_path: Path, *, force: bool) -> tuple[str, list[str]]:
    """Compile one .po file. Returns (status, errors); status is compiled/up-to-date/failed."""
    mo_path = po_path.with_suffix(".mo")
    if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return "up-to-date", []
    try:
        catalogue = polib.pofile(str(po_path), encoding="utf-8", check_for_duplicates=True)
    except (OSError, ValueError) as exc:  # polib raises OSError/ValueError on syntax errors
        return "failed", [str(exc)]
    errors = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        errors.extend(f"line {entry.linenum}: {message}" for message in format_errors(entry))
    if errors:
        return "failed", errors
    tmp_path = mo_path.with_name(f".{mo_path.name}.tmp-{os.getpid()}")
    try:
        catalogue.save_as_mofile(str(tmp_path))
        with tmp_path.open("rb") as handle:  # make sure gettext can read what we wrote
            gettext.GNUTranslations(handle)
        os.replace(tmp_path, mo_path)
    except Exception as exc:
        tmp_path.unlink(missing_ok=True)
        return "failed", [f"could not write {mo_path.name}: {exc}"]
    return "compiled", []


def find_catalogues(root: Path) -> list[Path]:
    base = root / "src" / "jinxiu"
    found = {
        path
        for domain in DOMAINS
        for path in base.glob(f"**/locale/*/LC_MESSAGES/{domain}")
        if "node_modules" not in path.parts
    }
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="recompile up-to-date catalogues")
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="repository root (default: the one holding this script)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only errors and a summary")
    args = parser.parse_args(argv)

    catalogues = find_catalogues(args.root)
    if not catalogues:
        print("compile_messages: no catalogues under src/jinxiu/**/locale/ (nothing to do)")
        return 0
    counts = {"compiled": 0, "up-to-date": 0, "failed": 0}
    for po_path in catalogues:
        status, errors = compile_catalogue(po_path, force=args.force)
        counts[status] += 1
        shown = po_path.relative_to(args.root) if po_path.is_relative_to(args.root) else po_path
        if status == "failed":
            print(f"compile_messages: {shown}: FAILED", file=sys.stderr)
            for error in errors:
                print(f"  {error}", file=sys.stderr)
        elif status == "compiled" or not args.quiet:
            print(f"compile_messages: {shown}: {status}")
    print(
        f"compile_messages: {counts['compiled']} compiled, {counts['up-to-date']} up to date, "
        f"{counts['failed']} failed"
    )
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())

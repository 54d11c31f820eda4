"""Operation bulletins (工序表) to and from Excel/CSV: one row per operation, Chinese headers.

Import is all or nothing: every row is checked first, and a file with any bad row writes
nothing and comes back with the list of (row, column, value, reason).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jinxiu.apps.core.tabular import RowError, RowsRefused
from jinxiu.apps.production.machine_types import machine_types
from jinxiu.apps.production.machine_types import name_key as _norm
from jinxiu.apps.production.models import Operation, Style

# Column names as IEs write them; each key accepts several spellings, compared as ``_norm``
# folds them (full-width brackets, spaces, case: "工时（秒）" is "工时(秒)"). Where a sheet has
# several columns for one key, the spelling listed first wins. A money column (工价, 单价) is
# never a time.
# A bare 标准工时 / 工时 is taken as seconds: in Chinese garment factories' bulletins the
# minutes have a column of their own (SMV, SAM, 标准工时(分)) and 标准工时 without a unit is
# the seconds; a column in minutes says so (分, min). As a minutes column headed bare would
# be read 60 times too short, a value under 1 there is refused (see UNITLESS_SECONDS).
COLUMNS = {
    # English spellings as GSD and buyers' operation breakdowns head their columns
    # (an operation's own number before a row number: 序号, No.)
    "code": ("工序号", "工序编号", "工序代码", "工序编码", "op. no.", "op.no", "op no", "op no.",
             "op #", "op#", "operation no.", "operation no", "operation code", "op code", "序号",
             "code", "no.", "no"),
    "name": ("工序名称", "工序内容", "工序名", "工序描述", "工序说明", "工序", "operation", "name",
             "operation name", "description", "operation description", "op. description",
             "operation desc."),
    "machine_type": ("设备", "设备类型", "机器", "machine", "machine type", "机器类型", "机种",
                     "车种", "机台", "机型", "设备名称", "使用设备", "机器设备", "所用设备", "m/c",
                     "m/c type", "machine name", "equipment"),
    "seconds": ("标准工时(秒)", "工时(秒)", "秒", "seconds", "sam (s)", "时间(秒)", "秒数",
                "sec", "time (sec)", "time (s)", "standard time (sec)", "standard time (s)",
                "标准时间(秒)", "sam(秒)", "smv(秒)", "smv(s)", "sam(sec)", "smv(sec)",
                "标准工时(s)", "工时(s)", "时间(s)", "标准时间(s)", "工时/秒", "秒/件", "秒/双",
                "工时(秒/件)", "工时(秒/双)", "标准工时(秒/件)", "标准工时(秒/双)", "单件工时(秒)",
                "单双工时(秒)", "标准工时", "工时"),
    "smv": ("smv", "sam", "标准工时(分)", "工时(分)", "smv(分)", "sam(分)", "smv(min)",
            "sam(min)", "smv(分钟)", "sam(分钟)", "标准工时(分钟)", "工时(分钟)", "标准工时(min)",
            "时间(分)", "标准时间(分)", "标准时间(min)", "标准分钟"),
    "predecessors": ("紧前工序", "前道工序", "前工序", "上道工序", "上工序", "前置工序", "前序",
                     "紧前", "predecessors", "predecessor", "preceding", "preceding ops"),
    "zone": ("工位组", "zone"),
    "notes": ("备注", "notes"),
}
# (标准时间 and 时间 without a unit are not read at all: GSD's "standard time" is as often
# minutes as seconds, and a file of operations of a minute or more would pass as seconds)
UNITLESS_SECONDS = {_norm("标准工时"), _norm("工时")}
# in a column headed SMV or SAM alone, a value of this many minutes or more for one
# operation is taken for seconds ("SAM 20" for a 20 s seam would be read as 1 200 s) and
# refused; a column that states its unit (标准工时(分)) is believed
SMV_CEILING = Decimal(10)
BARE_MINUTES = {_norm("smv"), _norm("sam")}
EXPORT_HEADERS = ["工序号", "工序名称", "设备类型", "标准工时(秒)", "SMV", "紧前工序", "工位组",
                  "备注"]
MAX_ROWS = 2000
HEADER_SEARCH = 10  # the header is one of the first 10 non-blank rows (a title, a date above)
# a total line, by its code or name cell (matched whole: an operation "合计检查" is no total)
TOTAL_ROWS = {"合计", "总计", "小计", "total", "subtotal"}
CODE_LENGTH = Operation._meta.get_field("code").max_length


class _SmvTooLong(Exception):
    """An SMV of ``SMV_CEILING`` minutes or more (a seconds column headed SAM)."""


class BulletinImportError(RowsRefused):
    """An operation bulletin refused with its row errors; nothing was written."""


@dataclass(frozen=True)
class BulletinImport:
    """What an import did: how many operations the file has, how many of them were new
    or changed, how many the style lost; the columns it did not read (a 部件 or 工价
    column), and whether it had a predecessors column at all (without one, the operations
    have no order: every plan may put any of them anywhere)."""

    imported: int
    added: int = 0
    updated: int = 0
    deleted: int = 0
    ignored_columns: tuple[str, ...] = ()
    has_predecessors: bool = True
    # operations at conveyor machines (烘箱, 冷冻机) as "code name (machine, seconds s)": the
    # time must be the operator's, not the minutes inside (the page says so)
    conveyor: tuple[str, ...] = ()


class SheetRow(list):
    """A row's cells, and ``number``: its row in the sheet as a spreadsheet program shows it
    (1 = the first, blank rows and rows above the header counted)."""

    def __init__(self, cells, number: int):
        super().__init__(cells)
        self.number = number


# characters that cannot be stored in an .xlsx cell (and so would break the exports)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(value: str) -> str:
    return _CONTROL.sub(" ", value).strip()


def xlsx_safe(sheet) -> None:
    """Every cell of an exported ``sheet`` as text or number, never a formula: a name that
    starts with "=" stays text (openpyxl would store it as a formula), and characters an
    .xlsx cannot hold become spaces."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                text = _CONTROL.sub(" ", cell.value)
                if text != cell.value:
                    cell.value = text
                cell.data_type = "s"


def _old_excel(uploaded) -> BulletinImportError:
    return BulletinImportError([RowError(0, "-", uploaded.name, _(
        "an old Excel file (.xls) cannot be read: open it in Excel or WPS, save it as .xlsx "
        "and import that"))])


def _is_ole2(uploaded) -> bool:
    """Whether the file is an old-Excel (OLE2) workbook, as an .xls renamed .xlsx is."""
    try:
        uploaded.seek(0)
        return uploaded.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    except (OSError, ValueError):
        return False


def read_rows(uploaded) -> tuple[list[str], list[list[str]]]:
    """Header and operation rows of the first sheet of an .xlsx file, or of a UTF-8 (or GBK)
    .csv, as ``SheetRow``s that know their row number; blank rows are left out.

    The header is the first of the first ``HEADER_SEARCH`` non-blank rows with every column a
    bulletin needs, and rows above it (a title, a date) are passed over; where no row has
    them, the row with the most known columns is the header (the first of those, so a title
    row is not blamed for a header that lacks one column), and ``parse_bulletin`` names the
    columns it lacks."""
    name = uploaded.name.lower()
    if name.endswith(".xls"):
        raise _old_excel(uploaded)
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(uploaded, read_only=True, data_only=True).worksheets[0]
        except Exception as exc:
            if _is_ole2(uploaded):
                raise _old_excel(uploaded) from exc
            raise BulletinImportError([RowError(0, "-", uploaded.name,
                                                _("not a readable Excel file (%(e)s)")
                                                % {"e": type(exc).__name__})]) from exc
        lines = sheet.iter_rows(values_only=True)  # blank rows too, so numbers stay true
    elif name.endswith(".csv"):
        raw = uploaded.read()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise BulletinImportError([RowError(0, "-", uploaded.name,
                                                _("the file is neither UTF-8 nor GBK text"))])
        lines = csv.reader(io.StringIO(text))
    else:
        raise BulletinImportError([RowError(0, "-", uploaded.name,
                                            _("only .xlsx and .csv files can be imported"))])
    # streamed, and no further than one operation past the limit: a sheet of a million rows
    # is refused after reading 2 001 operations, not after all of them
    rows: list[SheetRow] = []
    header_at = None
    best = (0, 0)  # (columns known, -index) of the likeliest header so far
    for number, values in enumerate(lines, start=1):
        row = SheetRow(["" if v is None else _clean(str(v)) for v in values], number)
        if not any(row):
            continue
        rows.append(row)
        if header_at is None:
            cols = _column_map(row)
            best = max(best, (len(cols), -(len(rows) - 1)))
            if not _missing_columns(cols, number):
                header_at = len(rows) - 1
            elif len(rows) == HEADER_SEARCH:
                header_at = -best[1]
        elif len(rows) - header_at - 1 > MAX_ROWS:
            break
    if not rows:
        raise BulletinImportError([RowError(0, "-", uploaded.name, _("the file is empty"))])
    if header_at is None:  # fewer rows than the search: the likeliest one, as above
        header_at = -best[1]
    if len(rows) - header_at - 1 > MAX_ROWS:
        raise BulletinImportError([RowError(0, "-", uploaded.name,
                                            _("more than %(n)d operations") % {"n": MAX_ROWS})])
    return rows[header_at], rows[header_at + 1:]


def _column_map(headers: list[str]) -> dict[str, int]:
    """Column index per key; where several headers fit a key, the name listed first in
    ``COLUMNS`` wins (工序号 over a row number 序号), then the leftmost column."""
    found: dict[str, tuple[int, int]] = {}
    for i, header in enumerate(headers):
        h = _norm(header)
        for key, names in COLUMNS.items():
            rank = next((r for r, n in enumerate(names) if _norm(n) == h), None)
            if rank is not None and (key not in found or rank < found[key][0]):
                found[key] = (rank, i)
    return {key: i for key, (_rank, i) in found.items()}


def _missing_columns(cols: dict[str, int], row: int) -> list[RowError]:
    errors = [RowError(row, COLUMNS[key][0], "", _("column missing"))
              for key in ("code", "name", "machine_type") if key not in cols]
    if "seconds" not in cols and "smv" not in cols:
        errors.append(RowError(row, COLUMNS["seconds"][0], "", _("column missing (or SMV)")))
    return errors


def _machine(value: str) -> str | None:
    """The type a machine cell names: its code, label or one of its aliases (as listed in
    data/machine_types.yaml), matched whole once folded by ``_norm``."""
    return machine_types().code_for(value)


def _is_total(value: str) -> bool:
    return _norm(value).rstrip(":") in TOTAL_ROWS


def parse_bulletin(headers: list[str], rows: list[list[str]],
                   stored: dict[str, Decimal] | None = None) -> list[dict]:
    """Checked operations as dicts; BulletinImportError with every bad cell otherwise, in
    row order. Rows are numbered as ``read_rows`` numbered them (else the header is row 1
    and each row follows the one before).

    ``stored``: the style's seconds by code, before this import. Where a row's seconds and
    SMV disagree, the one that differs from the stored time is the one the IE changed (as
    on the operation form): an exported bulletin with a new time in one column only comes
    back without a refusal."""
    header_row = getattr(headers, "number", 1)
    cols = _column_map(headers)
    errors = _missing_columns(cols, header_row)
    if errors:
        raise BulletinImportError(errors)

    def cell(row, key):
        i = cols.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    unitless = "seconds" in cols and _norm(headers[cols["seconds"]]) in UNITLESS_SECONDS
    bare_minutes = "smv" in cols and _norm(headers[cols["smv"]]) in BARE_MINUTES
    ops, seen = [], {}
    listed_at = None  # the row whose error lists the known machine types
    codes_in_file = {_plain_code(cell(row, "code")) for row in rows}
    for position, row in enumerate(rows, start=header_row + 1):
        n = getattr(row, "number", position)
        code, name = cell(row, "code"), cell(row, "name")
        machine_raw = cell(row, "machine_type")
        machine = _machine(machine_raw)
        if machine is None and not (cell(row, "seconds") or cell(row, "smv")) and (
                _is_heading(row) or not (code or name or machine_raw
                                         or cell(row, "predecessors"))):
            # a section heading (【前片】), in whichever column it was typed, or a row of a
            # template left blank but for its row number or a remark
            continue
        if (_is_total(code) or _is_total(name)) and (
                machine is None or not code or _is_total(code)):
            continue  # the total line of a bulletin (as our own export writes it)
        if not (code or name or machine_raw) and any(_is_total(c) for c in row):
            continue  # a total line whose 合计 stands in a column not read (部件)
        code = _plain_code(code)
        if not code:
            errors.append(RowError(n, headers[cols["code"]], code, _("empty")))
        elif len(code) > CODE_LENGTH:
            errors.append(RowError(n, headers[cols["code"]], code,
                                   _("longer than %(n)d characters") % {"n": CODE_LENGTH}))
        elif code in seen:
            errors.append(RowError(n, headers[cols["code"]], code,
                                   _("duplicate of row %(row)d") % {"row": seen[code]}))
        else:
            seen[code] = n
        if not name:
            errors.append(RowError(n, headers[cols["name"]], name, _("empty")))
        if not machine_raw:
            errors.append(RowError(n, headers[cols["machine_type"]], machine_raw,
                                   _("empty (hand work: write 手工)")))
        elif machine is None and listed_at is None:  # the known types once, at the first
            listed_at = n
            errors.append(RowError(n, headers[cols["machine_type"]], machine_raw, _(
                "unknown machine type; known: %(names)s") % {"names": _known_machines()}))
        elif machine is None:
            errors.append(RowError(n, headers[cols["machine_type"]], machine_raw, _(
                "unknown machine type (the known ones are listed at row %(row)d)")
                % {"row": listed_at}))
        seconds = None
        key = "seconds" if cell(row, "seconds") or "smv" not in cols else "smv"
        raw = cell(row, key)
        try:
            value = Decimal(raw.replace(",", ""))
            if not value.is_finite() or value <= 0:
                raise InvalidOperation
            if key == "smv" and value >= SMV_CEILING and bare_minutes:
                raise _SmvTooLong
            seconds = (value * 60 if key == "smv" else value).quantize(Decimal("0.01"))
            if seconds > Decimal("99999"):
                raise InvalidOperation
        except _SmvTooLong:
            errors.append(RowError(n, headers[cols[key]], raw, _(
                "%(smv)s minutes for one operation: if this column is in seconds, head it "
                "“%(seconds)s”; if it is minutes, head it “%(minutes)s”")
                % {"smv": raw, "seconds": "标准工时(秒)", "minutes": "标准工时(分)"}))
        except (InvalidOperation, ValueError):
            errors.append(RowError(n, headers[cols[key]], raw, _("not a positive number")))
        else:
            mismatch = _smv_mismatch(seconds, cell(row, "smv")) if key == "seconds" else None
            before = (stored or {}).get(code)
            if mismatch and before is not None and before in (seconds, mismatch):
                # one column still holds the stored time: the other one is the new value
                seconds, mismatch = (mismatch if before == seconds else seconds), None
            if key == "seconds" and unitless and value < 1:
                errors.append(RowError(n, headers[cols[key]], raw, _(
                    "under 1 second: if this column is in minutes, head it “%(header)s”")
                    % {"header": "标准工时(分)"}))
            elif mismatch:
                errors.append(RowError(n, headers[cols["smv"]], cell(row, "smv"), _(
                    "does not match %(column)s %(seconds)s (%(smv)s min = %(smv_s)s s); "
                    "fill in one of the two") % {"column": headers[cols["seconds"]],
                                                 "seconds": raw, "smv": cell(row, "smv"),
                                                 "smv_s": mismatch}))
        preds = [p for p in re.split(r"[,，、;；\s]+", cell(row, "predecessors")) if p]
        preds = [p for token in preds for p in _slashed(token, codes_in_file)]
        preds = [p[:-2] if p.endswith(".0") and p[:-2].isdigit() else p for p in preds]
        ops.append({"row": n, "code": code, "name": name[:120], "machine_type": machine,
                    "standard_seconds": seconds, "predecessors": preds,
                    "zone": cell(row, "zone")[:20], "notes": cell(row, "notes")[:200]})
    if not ops and not errors:
        errors.append(RowError(header_row + 1, "-", "", _("the file has no operations")))
    codes = {op["code"] for op in ops}
    pred_column = headers[cols["predecessors"]] if "predecessors" in cols else "紧前工序"
    for op in ops:
        for p in op["predecessors"]:
            if p not in codes:
                errors.append(RowError(op["row"], pred_column, p, _("no operation has this code")))
            elif p == op["code"]:
                errors.append(RowError(op["row"], pred_column, p, _("an operation cannot precede "
                                                                    "itself")))
    cycle = _find_cycle(ops)
    if cycle:
        errors.append(RowError(seen.get(cycle[0], 0), pred_column, " → ".join(cycle),
                               _("the predecessors form a cycle")))
    errors += _zone_clashes(ops, headers[cols["zone"]] if "zone" in cols else "工位组")
    if errors:
        errors.sort(key=lambda e: e.row)  # stable: a row's cells stay left to right
        raise BulletinImportError(errors)
    return ops


def _plain_code(code: str) -> str:
    return code[:-2] if code.endswith(".0") and code[:-2].isdigit() else code  # 1 is 1.0


def _slashed(token: str, codes: set[str]) -> list[str]:
    """A predecessor cell's token: "E02/E03" is two codes where the file has no code
    "E02/E03" and has each part; otherwise the token as written."""
    parts = [p for p in re.split(r"[/／]", token) if p]
    if token not in codes and len(parts) > 1 and all(_plain_code(p) in codes for p in parts):
        return parts
    return [token]


def _is_heading(row: list[str]) -> bool:
    """A row of one cell that is no operation code: a section heading such as 【前片】 or
    "后片部分" (a lone "15" may be an operation half typed, and is reported)."""
    filled = [cell for cell in row if cell.strip()]
    return len(filled) == 1 and not re.fullmatch(r"[A-Za-z0-9._-]+", filled[0].strip())


def _known_machines() -> str:
    """The known types by group, in the page's language: "【服装缝制】平车、包缝…；【鞋面针车】…",
    "Garment sewing: Lockstitch (301) (平车), …; Shoe uppers (closing): …"."""
    types = machine_types()
    zh = (get_language() or "").startswith("zh")
    sep, head, between = ("、", "【{}】", "；") if zh else (", ", "{}: ", "; ")

    def name(code: str) -> str:  # an English page names the Chinese word a bulletin has
        return types.label(code) if zh else f"{types.label(code)} {types.labels[code][0]}"

    return between.join(
        (head.format(types.group_label(group)) if group else "")
        + sep.join(name(code) for code in codes)
        for group, codes in types.by_group().items())


def _zone_clashes(ops: list[dict], column: str) -> list[RowError]:
    """A zone's operations share one station: an operation whose machine type cannot share
    one with an earlier operation of its zone is named at its row."""
    types = machine_types()
    first: dict[str, list[dict]] = {}
    errors = []
    for op in ops:
        if not op["zone"] or op["machine_type"] is None:
            continue
        members = first.setdefault(op["zone"], [])
        clash = next((m for m in members if not types.can_share(m["machine_type"],
                                                                  op["machine_type"])), None)
        if clash is not None:
            errors.append(RowError(op["row"], column, op["zone"], _(
                "%(this)s cannot share a station with %(other)s of operation %(op)s in the "
                "same zone") % {"this": types.label(op["machine_type"]),
                                "other": types.label(clash["machine_type"]),
                                "op": clash["code"]}))
        else:
            members.append(op)
    return errors


def _smv_mismatch(seconds: Decimal, smv_raw: str) -> Decimal | None:
    """The SMV's seconds when a row's SMV disagrees with its seconds beyond the SMV's own
    rounding (an SMV edited in an exported bulletin whose seconds were left as they were)."""
    try:
        smv = Decimal(smv_raw.replace(",", ""))
    except InvalidOperation:
        return None
    if not smv.is_finite() or smv <= 0:
        return None
    as_seconds = (smv * 60).quantize(Decimal("0.01"))
    places = Decimal(1).scaleb(max(smv.as_tuple().exponent, -6))
    if abs(as_seconds - seconds) <= Decimal("0.01") or \
            (seconds / 60).quantize(places, rounding=ROUND_HALF_UP) == smv:
        return None
    return as_seconds


def _find_cycle(ops: list[dict]) -> list[str] | None:
    graph = {op["code"]: [p for p in op["predecessors"] if p != op["code"]] for op in ops}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt in graph and not state.get(nxt):
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if not state.get(node):
            found = visit(node)
            if found:
                return list(reversed(found))
    return None


IMPORTED_FIELDS = ("sequence", "name", "machine_type", "standard_seconds", "predecessors",
                   "zone", "notes")


@transaction.atomic
def bulletin_import(*, style: Style, uploaded, may_delete=None,
                    delete_missing: bool = True) -> BulletinImport:
    """Make the style's operations the file's, and say what that did.

    Operations are matched by code: one whose code is in the file keeps its row (and so
    its place in the plans balanced before) and takes the file's values; new codes are
    added; operations the file leaves out are deleted, which ``may_delete(operation)`` (the
    user may delete that operation; None: anyone may) must allow for each of them, and
    ``delete_missing`` (the user asked for it), else nothing is written."""
    headers, rows = read_rows(uploaded)
    existing = {op.code: op for op in style.operations.all()}
    parsed = parse_bulletin(headers, rows, {c: op.standard_seconds for c, op in existing.items()})
    kept = {item["code"] for item in parsed}
    dropped = [op for code, op in existing.items() if code not in kept]
    if dropped and not delete_missing:
        raise BulletinImportError([RowError(0, COLUMNS["code"][0], ", ".join(
            f"{op.code} {op.name}" for op in dropped), _(
            "the file leaves out these operations: to delete them (and their places in the "
            "plans), tick “delete the operations the file leaves out” and import again"))])
    refused = [op for op in dropped if may_delete is not None and not may_delete(op)]
    if refused:
        raise BulletinImportError([RowError(0, COLUMNS["code"][0], ", ".join(
            op.code for op in refused), _("the file leaves out these operations, and you may "
                                          "not delete operations"))])
    # one query, not Operation.delete() for each: that hands the predecessors on, which the
    # file gives itself (and would cost a pass over the bulletin per operation)
    Operation.objects.filter(pk__in=[op.pk for op in dropped]).delete()
    added = updated = 0
    for seq, item in enumerate(parsed, start=1):
        values = {"sequence": seq, **{k: item[k] for k in IMPORTED_FIELDS if k != "sequence"}}
        op = existing.get(item["code"])
        if op is None:
            op = Operation(organization_id=style.organization_id, style=style,
                           code=item["code"], **values)
            added += 1
        elif all(getattr(op, k) == v for k, v in values.items()):
            continue  # unchanged: no write, no change-log entry
        else:
            # a new place in the list alone (an operation inserted above) is not counted
            updated += any(getattr(op, k) != v for k, v in values.items() if k != "sequence")
            for k, v in values.items():
                setattr(op, k, v)
        # the fields only: ``parse_bulletin`` checked the predecessors of the whole file,
        # which ``Operation.clean`` would check against a bulletin half imported
        op.clean_fields(exclude=["style", "organization"])
        op.save()
    used = set(_column_map(headers).values())
    mt = machine_types()
    return BulletinImport(
        imported=len(parsed), added=added, updated=updated, deleted=len(dropped),
        ignored_columns=tuple(h for i, h in enumerate(headers) if h and i not in used),
        has_predecessors="predecessors" in _column_map(headers),
        conveyor=tuple(f"{item['code']} {item['name']} ({mt.label(item['machine_type'])}, "
                       f"{item['standard_seconds'].normalize():f} s)" for item in parsed
                       if item["machine_type"] in mt.conveyor))


def bulletin_export(*, style: Style) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    mt = machine_types()
    book = Workbook()
    sheet = book.active
    sheet.title = "工序表"
    sheet.append(EXPORT_HEADERS)
    for c in sheet[1]:
        c.font = Font(bold=True)
    total = Decimal(0)
    for op in style.operations.order_by("sequence", "code"):
        sheet.append([op.code, op.name, mt.labels.get(op.machine_type, (op.machine_type,))[0],
                      float(op.standard_seconds), float(op.smv), ",".join(op.predecessors),
                      op.zone, op.notes])
        total += op.standard_seconds
    sheet.append([])
    sheet.append(["", "合计", "", float(total), float((total / 60).quantize(Decimal("0.0001")))])
    xlsx_safe(sheet)
    for col, width in zip("ABCDEFGH", (8, 28, 10, 12, 9, 14, 8, 24), strict=True):
        sheet.column_dimensions[col].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

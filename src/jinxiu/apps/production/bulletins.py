"""Operation bulletins (工序表) to and from Excel/CSV: one row per operation, Chinese headers.

Import is all or nothing: every row is checked first, and a file with any bad row writes
nothing and comes back with the list of (row, column, value, reason).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from jinxiu.apps.core.tabular import RowError, RowsRefused
from jinxiu.apps.core.tabular import norm_header as _norm
from jinxiu.apps.production.machine_types import machine_types
from jinxiu.apps.production.models import Operation, Style

# Column names as IEs write them; each key accepts several spellings.
COLUMNS = {
    "code": ("工序号", "工序编号", "序号", "code"),
    "name": ("工序名称", "工序", "operation", "name"),
    "machine_type": ("设备", "设备类型", "机器", "machine", "machine type"),
    "seconds": ("标准工时(秒)", "标准工时（秒）", "工时(秒)", "秒", "seconds", "sam (s)"),
    "smv": ("smv", "sam", "标准工时(分)", "标准工时（分）", "工时(分)"),
    "predecessors": ("紧前工序", "前道工序", "predecessors"),
    "zone": ("工位组", "zone"),
    "notes": ("备注", "notes"),
}
EXPORT_HEADERS = ["工序号", "工序名称", "设备类型", "标准工时(秒)", "SMV", "紧前工序", "工位组",
                  "备注"]
MAX_ROWS = 2000
TOTAL_ROWS = {"合计", "总计", "total"}
CODE_LENGTH = Operation._meta.get_field("code").max_length


class BulletinImportError(RowsRefused):
    """An operation bulletin refused with its row errors; nothing was written."""


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


def read_rows(uploaded) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the first sheet of an .xlsx file, or of a UTF-8 (or GBK) .csv."""
    name = uploaded.name.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(uploaded, read_only=True, data_only=True).worksheets[0]
        except Exception as exc:
            raise BulletinImportError([RowError(0, "-", uploaded.name,
                                                _("not a readable Excel file (%(e)s)")
                                                % {"e": type(exc).__name__})]) from exc
        # streamed, and no further than one row past the limit: a sheet of a million
        # rows is refused after reading 2 002 of them, not after all of them
        rows = []
        for values in sheet.iter_rows(values_only=True):
            row = ["" if v is None else _clean(str(v)) for v in values]
            if any(row):
                rows.append(row)
                if len(rows) > MAX_ROWS + 1:
                    break
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
        rows = [[_clean(c) for c in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise BulletinImportError([RowError(0, "-", uploaded.name,
                                            _("only .xlsx and .csv files can be imported"))])
    rows = [r for r in rows if any(r)]
    if not rows:
        raise BulletinImportError([RowError(0, "-", uploaded.name, _("the file is empty"))])
    if len(rows) > MAX_ROWS + 1:
        raise BulletinImportError([RowError(0, "-", uploaded.name,
                                            _("more than %(n)d operations") % {"n": MAX_ROWS})])
    return rows[0], rows[1:]


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


def _machine(value: str) -> str | None:
    mt = machine_types()
    v = _norm(value)
    for code, (zh, en) in mt.labels.items():
        if v in (_norm(code), _norm(zh), _norm(en)) or v == _norm(en.split("(")[0]):
            return code
    return None


def parse_bulletin(headers: list[str], rows: list[list[str]]) -> list[dict]:
    """Checked operations as dicts; BulletinImportError with every bad cell otherwise."""
    cols = _column_map(headers)
    errors: list[RowError] = []
    for key in ("code", "name", "machine_type"):
        if key not in cols:
            errors.append(RowError(1, COLUMNS[key][0], "", _("column missing")))
    if "seconds" not in cols and "smv" not in cols:
        errors.append(RowError(1, COLUMNS["seconds"][0], "", _("column missing (or SMV)")))
    if errors:
        raise BulletinImportError(errors)

    def cell(row, key):
        i = cols.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    ops, seen = [], {}
    for n, row in enumerate(rows, start=2):
        code, name = cell(row, "code"), cell(row, "name")
        if not code and _norm(name) in TOTAL_ROWS:
            continue  # the total line of a bulletin (as our own export writes it)
        if code.endswith(".0") and code[:-2].isdigit():
            code = code[:-2]  # Excel stores 1 as 1.0
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
        machine_raw = cell(row, "machine_type")
        machine = _machine(machine_raw)
        if machine is None:
            errors.append(RowError(n, headers[cols["machine_type"]], machine_raw,
                                   _("unknown machine type")))
        seconds = None
        key = "seconds" if cell(row, "seconds") or "smv" not in cols else "smv"
        raw = cell(row, key)
        try:
            value = Decimal(raw.replace(",", ""))
            if not value.is_finite() or value <= 0:
                raise InvalidOperation
            seconds = (value * 60 if key == "smv" else value).quantize(Decimal("0.01"))
            if seconds > Decimal("99999"):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.append(RowError(n, headers[cols[key]], raw, _("not a positive number")))
        else:
            mismatch = _smv_mismatch(seconds, cell(row, "smv")) if key == "seconds" else None
            if mismatch:
                errors.append(RowError(n, headers[cols["smv"]], cell(row, "smv"), _(
                    "does not match %(column)s %(seconds)s (%(smv)s min = %(smv_s)s s); "
                    "fill in one of the two") % {"column": headers[cols["seconds"]],
                                                 "seconds": raw, "smv": cell(row, "smv"),
                                                 "smv_s": mismatch}))
        preds = [p for p in re.split(r"[,，、;；\s]+", cell(row, "predecessors")) if p]
        preds = [p[:-2] if p.endswith(".0") and p[:-2].isdigit() else p for p in preds]
        ops.append({"row": n, "code": code, "name": name[:120], "machine_type": machine,
                    "standard_seconds": seconds, "predecessors": preds,
                    "zone": cell(row, "zone")[:20], "notes": cell(row, "notes")[:200]})
    if not ops and not errors:
        errors.append(RowError(2, "-", "", _("the file has no operations")))
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
    if errors:
        raise BulletinImportError(errors)
    return ops


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


@transaction.atomic
def bulletin_import(*, style: Style, uploaded) -> int:
    """Replace the style's operations with the file's. Returns how many were imported."""
    headers, rows = read_rows(uploaded)
    parsed = parse_bulletin(headers, rows)
    for op in style.operations.all():
        op.delete()
    for seq, item in enumerate(parsed, start=1):
        op = Operation(organization_id=style.organization_id, style=style, sequence=seq,
                       code=item["code"], name=item["name"], machine_type=item["machine_type"],
                       standard_seconds=item["standard_seconds"],
                       predecessors=item["predecessors"], zone=item["zone"],
                       notes=item["notes"])
        op.full_clean(exclude=["style", "organization"])
        op.save()
    return len(parsed)


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

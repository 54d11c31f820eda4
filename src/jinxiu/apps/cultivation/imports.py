"""Tier lists from the bureau (认定名单) into tier records, all or nothing.

One row per title: 统一社会信用代码 (or the exact enterprise name), 称号, 认定日期, and optionally
有效期至 (default: the tier's validity period), 证书编号, 认定机关, 备注. Every row is checked
first; a file with any bad row writes nothing and comes back with (row, column, value, reason).
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils.translation import gettext as _

from jinxiu.apps.core.models import Organization
from jinxiu.apps.core.tabular import RowError, RowsRefused
from jinxiu.apps.core.tabular import norm_header as _norm
from jinxiu.apps.core.uploads import validate_upload
from jinxiu.apps.cultivation.models import TierRecord
from jinxiu.apps.cultivation.tiers import expiry_for, tiers

COLUMNS = {
    "credit_code": ("统一社会信用代码", "信用代码", "credit code", "uscc"),
    "name": ("企业名称", "单位名称", "名称", "enterprise", "name"),
    "tier": ("称号", "梯度", "类别", "tier"),
    "granted_on": ("认定日期", "认定时间", "公告日期", "granted on", "granted"),
    "expires_on": ("有效期至", "到期日期", "复核日期", "expires on", "expires"),
    "certificate_no": ("证书编号", "编号", "certificate number", "certificate"),
    "granted_by": ("认定机关", "认定单位", "granted by"),
    "note": ("备注", "note"),
}
MAX_ROWS = 5000
ALLOWED = {".xlsx": (b"PK\x03\x04",)}


class TierImportError(RowsRefused):
    """A tier-record list refused with its row errors; nothing was written."""


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not match:
        raise ValueError
    return dt.date(*(int(g) for g in match.groups()))


def _read(uploaded) -> tuple[list, list[list]]:
    from django.core.exceptions import ValidationError
    from openpyxl import load_workbook

    try:
        validate_upload(uploaded, allowed=ALLOWED)
    except ValidationError as exc:
        raise TierImportError([RowError(0, "-", uploaded.name, " ".join(exc.messages))]) from exc
    try:
        sheet = load_workbook(uploaded, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:
        raise TierImportError([RowError(0, "-", uploaded.name,
                                        _("not a readable Excel file (%(e)s)")
                                        % {"e": type(exc).__name__})]) from exc
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    while rows and not any(v not in (None, "") for v in rows[0]):
        rows.pop(0)
    if not rows:
        raise TierImportError([RowError(0, "-", uploaded.name, _("the file is empty"))])
    return rows[0], rows[1:]


def tierrecord_import(*, uploaded, user, allowed_organizations) -> list[TierRecord]:
    """Import a tier list; ``allowed_organizations`` are the enterprises the user may grant
    titles to (its region). Raises TierImportError listing every bad row; writes nothing then."""
    from jinxiu.apps.cultivation.services import tierrecord_save

    header, rows = _read(uploaded)
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        for key, names in COLUMNS.items():
            if _norm(cell) in {_norm(n) for n in names} and key not in index:
                index[key] = i
    errors: list[RowError] = []
    for key in ("tier", "granted_on"):
        if key not in index:
            errors.append(RowError(1, COLUMNS[key][0], "", _("this column is missing")))
    if "credit_code" not in index and "name" not in index:
        errors.append(RowError(1, COLUMNS["credit_code"][0], "",
                               _("give the credit code or the enterprise name")))
    if len(rows) > MAX_ROWS:
        errors.append(RowError(0, "-", str(len(rows)),
                               _("at most %(n)d rows per file") % {"n": MAX_ROWS}))
    if errors:
        raise TierImportError(errors)

    by_label = {}
    for t in tiers().values():
        for label in (t.id, t.zh, t.en, t.zh.replace("“", '"').replace("”", '"')):
            by_label[_norm(label)] = t
    allowed = {o.pk: o for o in allowed_organizations}
    by_code = {o.credit_code: o for o in allowed.values() if o.credit_code}
    by_name = {o.name: o for o in allowed.values()}
    known = Organization.objects.filter(kind=Organization.Kind.ENTERPRISE)

    def cell(row, key):
        i = index.get(key)
        value = row[i] if i is not None and i < len(row) else None
        return value.strip() if isinstance(value, str) else value

    records, seen = [], set()
    for number, row in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in row):
            continue
        code = str(cell(row, "credit_code") or "").upper()
        name = str(cell(row, "name") or "")
        org = by_code.get(code) if code else by_name.get(name)
        if org is None:
            column = COLUMNS["credit_code" if code else "name"][0]
            exists = known.filter(credit_code=code).exists() if code else \
                known.filter(name=name).exists()
            errors.append(RowError(number, column, code or name, _(
                "this enterprise is outside your region") if exists else _(
                "no enterprise with this code or name in the registry")))
            continue
        raw_tier = str(cell(row, "tier") or "")
        info = by_label.get(_norm(raw_tier))
        if info is None:
            errors.append(RowError(number, COLUMNS["tier"][0], raw_tier, _(
                "unknown tier; expected one of %(tiers)s")
                % {"tiers": "、".join(t.zh for t in tiers().values())}))
            continue
        dates = {}
        for key in ("granted_on", "expires_on"):
            try:
                dates[key] = _date(cell(row, key))
            except (ValueError, TypeError):
                errors.append(RowError(number, COLUMNS[key][0], str(cell(row, key)),
                                       _("not a date (write 2025-06-30)")))
                dates[key] = "bad"
        if "bad" in dates.values():
            continue
        if dates["granted_on"] is None:
            errors.append(RowError(number, COLUMNS["granted_on"][0], "", _("required")))
            continue
        granted = dates["granted_on"]
        expires = dates["expires_on"] or expiry_for(granted, info.id)
        if expires <= granted:
            errors.append(RowError(number, COLUMNS["expires_on"][0], str(expires),
                                   _("the expiry date comes after the date granted")))
            continue
        key = (org.pk, info.id, granted)
        if key in seen or TierRecord._base_manager.filter(
                organization=org, tier=info.id, granted_on=granted).exists():
            errors.append(RowError(number, COLUMNS["tier"][0], raw_tier, _(
                "this enterprise already has this title from this date")))
            continue
        seen.add(key)
        records.append(TierRecord(
            organization=org, tier=info.id, granted_on=granted, expires_on=expires,
            certificate_no=str(cell(row, "certificate_no") or "")[:64],
            granted_by=str(cell(row, "granted_by") or "")[:200],
            note=str(cell(row, "note") or ""), source=TierRecord.Source.IMPORTED))
    if errors:
        raise TierImportError(errors)
    with transaction.atomic():
        for record in records:
            tierrecord_save(record=record, user=user)
    return records


"""Reading and checking the registry spreadsheets bureaus keep (Excel or CSV, Chinese headers).

Steps: :func:`read_table` (first sheet; the header row is found below any title rows),
:func:`suggest_mapping` (remembered headers first, then known spellings), :func:`check_rows`
(every cell parsed and checked; errors name row, column, value and reason; names without a
credit code get proposed matches). Writing is ``jobs.py``'s business, all or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinxiu.apps.core.tabular import RowError
from jinxiu.apps.core.tabular import norm_header as tabular_norm
from jinxiu.apps.enterprises.amounts import (
    AmountError,
    header_unit,
    parse_amount,
    parse_count,
    yuan_to_wan,
)
from jinxiu.apps.enterprises.industry import industries
from jinxiu.apps.enterprises.tags import tag_labels

MAX_ROWS = 100_000
MAX_ERRORS = 5_000
HEADER_SCAN = 10


@dataclass(frozen=True)
class Field:
    key: str
    label: object  # lazy text
    kind: str  # code, name, text, amount, count, date, industry, industries, region, ...
    synonyms: tuple[str, ...] = ()
    max_length: int = 0


_CODE = Field("credit_code", gettext_lazy("unified social credit code"), "code",
              ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "credit code", "uscc"))
_NAME = Field("name", gettext_lazy("name"), "name",
              ("企业名称", "单位名称", "单位详细名称", "公司名称", "名称", "企业", "name"), 200)

FIELDS: dict[str, tuple[Field, ...]] = {
    "enterprises": (
        _CODE, _NAME,
        Field("short_name", gettext_lazy("short name"), "text", ("简称", "企业简称"), 64),
        Field("region", gettext_lazy("region"), "region",
              ("所属区县", "区县", "行政区划代码", "行政区划", "所在地区", "所属地区", "地区",
               "区域", "region")),
        Field("former_names", gettext_lazy("former names"), "names", ("曾用名", "原名称")),
        Field("legal_representative", gettext_lazy("legal representative"), "text",
              ("法定代表人", "法人代表", "法人", "负责人"), 64),
        Field("registered_capital", gettext_lazy("registered capital (10,000 yuan)"),
              "amount", ("注册资本", "注册资金")),
        Field("established_on", gettext_lazy("date established"), "date",
              ("成立日期", "成立时间", "注册日期", "开业日期")),
        Field("status", gettext_lazy("status"), "status",
              ("登记状态", "经营状态", "企业状态", "状态")),
        Field("address", gettext_lazy("address"), "text",
              ("住所", "注册地址", "地址", "经营地址", "详细地址"), 200),
        Field("business_scope", gettext_lazy("business scope"), "text", ("经营范围",), 20000),
        Field("main_industry", gettext_lazy("main industry (GB/T 4754-2017)"), "industry",
              ("行业代码", "国民经济行业代码", "国民经济行业", "主营行业代码", "主营行业",
               "所属行业", "行业")),
        Field("secondary_industries", gettext_lazy("secondary industries (GB/T 4754-2017)"),
              "industries", ("其他行业代码", "次要行业", "兼营行业")),
        Field("tags", gettext_lazy("tags"), "tags", ("标签", "企业标签", "梯度")),
        Field("latitude", gettext_lazy("latitude"), "coordinate", ("纬度", "latitude")),
        Field("longitude", gettext_lazy("longitude"), "coordinate", ("经度", "longitude")),
    ),
    "indicators": (
        _CODE, _NAME,
        Field("year", gettext_lazy("year"), "year", ("年度", "年份", "统计年度", "year")),
        Field("operating_revenue", gettext_lazy("operating revenue (10,000 yuan)"), "amount",
              ("营业收入", "主营业务收入", "营收", "销售收入")),
        Field("industrial_output", gettext_lazy("industrial output (10,000 yuan)"), "amount",
              ("工业总产值", "产值", "工业产值")),
        Field("profit", gettext_lazy("profit (10,000 yuan)"), "amount", ("利润总额", "利润")),
        Field("tax", gettext_lazy("tax paid (10,000 yuan)"), "amount",
              ("税金总额", "实缴税金", "纳税额", "税收", "税金")),
        Field("rd_expense", gettext_lazy("R&D expense (10,000 yuan)"), "amount",
              ("研发费用", "研发投入", "r&d经费", "研究开发费用")),
        Field("exports", gettext_lazy("exports (10,000 yuan)"), "amount",
              ("出口交货值", "出口额", "出口")),
        Field("employees", gettext_lazy("employees"), "count",
              ("从业人员", "从业人数", "年末从业人员", "员工人数", "职工人数", "用工人数")),
        Field("invention_patents", gettext_lazy("invention patents"), "count",
              ("发明专利", "发明专利数")),
        Field("utility_model_patents", gettext_lazy("utility model patents"), "count",
              ("实用新型专利", "实用新型")),
        Field("design_patents", gettext_lazy("design patents"), "count",
              ("外观设计专利", "外观专利")),
        Field("software_copyrights", gettext_lazy("software copyrights"), "count",
              ("软件著作权", "软著")),
    ),
}

STATUS_WORDS = {
    "存续": "active", "开业": "active", "正常": "active", "active": "active",
    "在业": "operating", "在营": "operating", "operating": "operating",
    "吊销": "revoked", "吊销未注销": "revoked", "revoked": "revoked",
    "注销": "cancelled", "cancelled": "cancelled",
    "迁出": "moved_out", "moved_out": "moved_out",
    "停业": "suspended", "歇业": "suspended", "suspended": "suspended",
}


def fields_for(kind: str) -> dict[str, Field]:
    return {f.key: f for f in FIELDS[kind]}


class ImportRefused(ValueError):
    """The file cannot be read at all (type, size, emptiness): nothing to map."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (sheet row number, cells as read)
    header_row: int = 1


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    return str(value).strip()


def norm_header(text) -> str:
    """``tabular.norm_header`` with units in brackets and marks dropped: "营业收入（万元）"
    → "营业收入"."""
    return re.sub(r"\([^)]*\)|[*：:]+", "", tabular_norm(text))


def read_table(data: bytes, filename: str) -> Table:
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            raw = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + HEADER_SCAN + 2))
        except Exception as exc:
            raise ImportRefused(_("Not a readable Excel file (%(error)s).")
                                % {"error": type(exc).__name__}) from exc
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportRefused(_("The file is neither UTF-8 nor GBK text."))
        try:
            raw = list(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            raise ImportRefused(_("Not a readable CSV file (%(error)s).") % {"error": exc}) \
                from exc
    else:
        raise ImportRefused(_("Only .xlsx and .csv files can be imported."))
    numbered = [(n, list(r)) for n, r in enumerate(raw, start=1)
                if any(_cell_text(c) for c in r)]
    if not numbered:
        raise ImportRefused(_("The file is empty."))
    header_at = _find_header(numbered)
    header_row, header_cells = numbered[header_at]
    rows = numbered[header_at + 1:]
    if len(rows) > MAX_ROWS:
        raise ImportRefused(_("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS})
    if not rows:
        raise ImportRefused(_("The file has headers but no data rows."))
    headers = [_cell_text(h) for h in header_cells]
    return Table(headers, rows, header_row)


TABLE_FORMAT = 1  # of the cached tables: a change to read_table changes this
TABLE_TIMEOUT = 3600  # seconds: from the upload through mapping, checks and the report


def read_table_cached(data: bytes, filename: str) -> Table:
    """:func:`read_table`, remembered for an hour in Django's cache under the file's content
    hash: the upload reads the file, then every check, the mapping page and the error report
    read the same bytes again (openpyxl took 5–6 s for 50,000 rows each time). A file that
    cannot be read is not remembered."""
    import hashlib
    from pathlib import PurePath

    from django.core.cache import cache

    key = (f"enterprises:import:table:{TABLE_FORMAT}:{MAX_ROWS}:"
           f"{hashlib.sha256(data).hexdigest()}:{PurePath(filename.lower()).suffix}")
    table = cache.get(key)
    if table is None:
        table = read_table(data, filename)
        cache.set(key, table, TABLE_TIMEOUT)
    return table


def _known_headers() -> set[str]:
    return {norm_header(s) for fields in FIELDS.values() for f in fields for s in f.synonyms}


def _find_header(numbered) -> int:
    """The first of the first rows naming at least two known columns (title rows above the
    headers are common in bureau files); the first row otherwise."""
    known = _known_headers()
    for i, (_n, cells) in enumerate(numbered[:HEADER_SCAN]):
        if sum(1 for c in cells if norm_header(_cell_text(c)) in known) >= 2:
            return i
    return 0


def suggest_mapping(kind: str, headers: list[str], remembered: dict | None = None
                    ) -> dict[str, str]:
    """Column index (as text) → field key: the organization's remembered headers first,
    then exact known spellings, then a known spelling contained in the header."""
    remembered = remembered or {}
    fields = FIELDS[kind]
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for strict in ("remembered", "exact", "contains"):
        for index, header in enumerate(headers):
            key = str(index)
            h = norm_header(header)
            if key in mapping or not h:
                continue
            found = None
            if strict == "remembered":
                found = remembered.get(h)
                found = found if found in {f.key for f in fields} else None
            else:
                for f in fields:
                    names = [norm_header(s) for s in f.synonyms]
                    if f.key not in used and (h in names if strict == "exact" else
                                              any(len(n) >= 2 and n in h for n in names)):
                        found = f.key
                        break
            if found and found not in used:
                mapping[key] = found
                used.add(found)
    return mapping


def remembered_columns(headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    return {norm_header(headers[int(i)]): key for i, key in mapping.items()
            if int(i) < len(headers) and norm_header(headers[int(i)])}


@dataclass
class CheckResult:
    records: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    proposals: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Regions:
    def __init__(self) -> None:
        from jinxiu.apps.core.models import Region

        self.by_code = {r.code: r for r in Region.objects.all()}
        self.by_name: dict[str, list] = {}
        for r in self.by_code.values():
            self.by_name.setdefault(r.name, []).append(r)
            self.by_name.setdefault(r.full_name, []).append(r)

    def find(self, text: str):
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
        code = re.match(r"^(\d{6})", text)
        if code:
            region = self.by_code.get(code.group(1))
            if region is None:
                raise ValueError(_("no region has the code %(code)s") % {"code": code.group(1)})
            return region
        found = self.by_name.get(text, [])
        counties = {r.pk: r for r in found if r.level == 3} or {r.pk: r for r in found}
        if len(counties) == 1:
            return next(iter(counties.values()))
        if not counties:
            raise ValueError(_("unknown region; give its six-digit code"))
        raise ValueError(_("ambiguous region name; give its six-digit code"))


def _parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = (re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
             or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text))
    if not match:
        raise ValueError(_("not a date (write 2009-04-16)"))
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError as exc:
        raise ValueError(_("no such date")) from exc


def _industry(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    code = re.match(r"^[A-Z]?(\d{2,4})", text.upper())
    known = industries()
    if code:
        item = known.get(code.group(1))
        if item is None or item.level == "section":
            raise ValueError(_("unknown industry code %(code)s (GB/T 4754-2017)")
                             % {"code": code.group(1)})
        return item.code
    named = [i.code for i in known.values() if i.name == text and i.level != "section"]
    if len(named) == 1:
        return named[0]
    raise ValueError(_("unknown industry (give the GB/T 4754-2017 code)"))


def _split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[\n;；,，、/]+", text) if p.strip()]


def _tag(text: str) -> str:
    for tag_id, (zh, en) in tag_labels().items():
        if text in (tag_id, zh, en) or text.replace("“", "").replace("”", "") == \
                zh.replace("“", "").replace("”", ""):
            return tag_id
    raise ValueError(_("unknown tag"))


def parse_value(f: Field, value, header: str, regions: _Regions):
    """The cell's value for ``f``; raises ValueError (or AmountError) with the reason."""
    text = _cell_text(value)
    if f.kind == "amount":
        yuan = parse_amount(value if not isinstance(value, str) else text,
                            unit=header_unit(header))
        wan = yuan_to_wan(yuan)
        if wan is not None and abs(wan) >= Decimal("1e12"):
            raise AmountError(_("implausibly large"))
        if wan is not None and wan < 0 and f.key in ("registered_capital", "operating_revenue",
                                                     "industrial_output", "exports"):
            raise AmountError(_("cannot be negative"))
        return wan
    if not text:
        return None
    if f.kind == "count":
        return parse_count(value)
    if f.kind == "year":
        match = re.fullmatch(r"(\d{4})(?:年度?)?", text)
        if not match or not 1949 <= int(match.group(1)) <= dt.date.today().year:
            raise ValueError(_("not a year between 1949 and this year"))
        return int(match.group(1))
    if f.kind == "date":
        return _parse_date(value)
    if f.kind == "industry":
        return _industry(text)
    if f.kind == "industries":
        return [_industry(p) for p in _split(text)]
    if f.kind == "region":
        return regions.find(text)
    if f.kind == "status":
        status = STATUS_WORDS.get(text.lower()) or STATUS_WORDS.get(re.sub(r"[（(].*", "", text))
        if status is None:
            raise ValueError(_("unknown status (存续, 在业, 吊销, 注销, 迁出, 停业)"))
        return status
    if f.kind == "tags":
        return [_tag(p) for p in _split(text)]
    if f.kind == "names":
        return _split(text)
    if f.kind == "coordinate":
        number = parse_amount(text)
        limit = 90 if f.key == "latitude" else 180
        if number is None or abs(number) > limit:
            raise ValueError(_("not a coordinate in degrees"))
        return number.quantize(Decimal("0.000001"))
    if f.max_length and len(text) > f.max_length:
        raise ValueError(_("longer than %(n)d characters") % {"n": f.max_length})
    return text

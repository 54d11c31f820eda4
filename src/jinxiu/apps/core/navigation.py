"""The navigation menu, by the kind of the active organization and the user's role.

Apps add entries with :func:`register_menu_item`; an entry shows when the user's active
organization is of one of its ``kinds`` (or always, when ``kinds`` is empty).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuItem:
    group: str
    label: object
    url_name: str
    icon: str = "circle"
    kinds: tuple[str, ...] = ()
    superuser_only: bool = False
    order: int = 100
    extra: dict = field(default_factory=dict)


_ITEMS: list[MenuItem] = []

GROUPS = {
    "registry": _("Registry"),
    "data": _("Our data"),
    "production": _("Production lines"),
    "cutting": _("Cutting room"),
    "system": _("System"),
}


def register_menu_item(item: MenuItem) -> None:
    if item not in _ITEMS:
        _ITEMS.append(item)
        _ITEMS.sort(key=lambda i: (i.order, str(i.url_name)))


def menu_for(request) -> list[dict]:
    org = getattr(request, "organization", None)
    kind = org.kind if org else None
    superuser = request.user.is_superuser
    groups: dict[str, list] = {}
    for item in _ITEMS:
        if item.superuser_only and not superuser:
            continue
        if item.kinds and kind not in item.kinds and not superuser:
            continue
        url = reverse(item.url_name)
        groups.setdefault(item.group, []).append(
            {"label": item.label, "url": url, "icon": item.icon,
             "active": request.path.startswith(url)}
        )
    return [{"label": GROUPS.get(g, g), "items": items} for g, items in groups.items()]


register_menu_item(
    MenuItem("registry", _("Organizations"), "core:organization_list", "building", order=10)
)
register_menu_item(MenuItem("system", _("Jobs"), "core:job_list", "hourglass-split", order=900))
register_menu_item(
    MenuItem("system", _("Change log"), "core:objectchange_list", "clock-history", order=910)
)
register_menu_item(MenuItem("system", _("API"), "api-docs", "braces", order=920))


@dataclass(frozen=True)
class HomeTile:
    """A figure on the home page (dashboard): ``value(request)`` returns it, or None to hide
    the tile for this user; ``alert`` colours a non-zero value as a warning."""

    label: object
    url_name: str
    value: Callable
    icon: str = "info-circle"
    alert: bool = False
    order: int = 100


_TILES: list[HomeTile] = []


def register_home_tile(tile: HomeTile) -> None:
    if tile not in _TILES:
        _TILES.append(tile)
        _TILES.sort(key=lambda t: (t.order, t.url_name))


def tiles_for(request) -> list[dict]:
    out = []
    for tile in _TILES:
        value = tile.value(request)
        if value is None:
            continue
        out.append({"label": tile.label, "value": value, "url": reverse(tile.url_name),
                    "icon": tile.icon, "alert": tile.alert and bool(value)})
    return out

"""Writes of shop-floor tracking: cutting output into bundles, device tokens."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from jinxiu.apps.tracking.models import Bundle, Device, ProductionOrder


@transaction.atomic
def bundles_cut(*, order: ProductionOrder, lay: int, plies: int, sizes: dict[str, int],
                bundle_plies: int, colour: str = "") -> list[Bundle]:
    """The bundles (扎) of one lay (床): ``plies`` layers of fabric, a marker with
    ``sizes[size]`` copies of each size, tied ``bundle_plies`` plies to a bundle.

    Each marker copy of a size gives a stack of ``plies`` pieces; it is tied into bundles of
    consecutive plies, so that one bundle never mixes shades from different parts of the
    roll: plies 1–20, 21–40, … and the rest. Bundle numbers continue the order's numbering.
    """
    if plies < 1 or bundle_plies < 1 or lay < 1:
        raise ValidationError(_("Plies, plies per bundle and the lay number must be at least 1."))
    sizes = {s.strip(): n for s, n in sizes.items() if s.strip() and n}
    if not sizes:
        raise ValidationError(_("Give at least one size with a number of marker copies."))
    if any(n < 0 for n in sizes.values()):
        raise ValidationError(_("The number of copies of a size cannot be negative."))
    if order.bundles.filter(lay=lay).exists():
        raise ValidationError(_("Lay %(lay)d of this order has already been cut into bundles.")
                              % {"lay": lay})
    number = (order.bundles.aggregate(m=Max("number"))["m"] or 0) + 1
    created = []
    for size, copies in sizes.items():
        for _copy in range(copies):
            for first in range(1, plies + 1, bundle_plies):
                last = min(first + bundle_plies - 1, plies)
                bundle = Bundle(organization=order.organization, order=order, number=number,
                                size=size, colour=colour, quantity=last - first + 1, lay=lay,
                                ply_from=first, ply_to=last)
                bundle.full_clean()
                bundle.save()
                created.append(bundle)
                number += 1
    if order.status == ProductionOrder.Status.OPEN:
        order.status = ProductionOrder.Status.CUTTING
        order.save()
    return created


def device_rotate_token(*, device: Device) -> str:
    """A new token for ``device`` (the old one stops working); returned once, stored hashed."""
    token = device.set_new_token()
    device.save()
    return token

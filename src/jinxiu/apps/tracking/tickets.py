"""Bundle tickets (扎票): one header per bundle and one tear-off coupon per operation, each
with a QR code (segno) that a scanner reads as ``<bundle code>|<operation code>``."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string

from jinxiu.apps.tracking.models import Bundle

SEPARATOR = "|"


def coupon_payload(bundle_code: str, operation_code: str = "") -> str:
    return f"{bundle_code}{SEPARATOR}{operation_code}" if operation_code else bundle_code


def qr_data_uri(payload: str) -> str:
    import segno

    return segno.make(payload, error="m", micro=False).svg_data_uri(scale=3, border=1)


@dataclass
class Coupon:
    code: str
    name: str
    seconds: object
    qr: str


def ticket_context(bundles: list[Bundle]) -> list[dict]:
    """Per bundle: the bundle, its header QR and its coupons in bulletin order."""
    operations: dict[int, list] = {}
    tickets = []
    for bundle in bundles:
        style = bundle.order.style
        if style.pk not in operations:
            operations[style.pk] = list(style.operations.order_by("sequence", "code"))
        coupons = [Coupon(op.code, op.name, op.standard_seconds,
                          qr_data_uri(coupon_payload(bundle.code, op.code)))
                   for op in operations[style.pk]]
        tickets.append({"bundle": bundle, "style": style, "qr": qr_data_uri(bundle.code),
                        "coupons": coupons})
    return tickets


def tickets_pdf(bundles: list[Bundle], *, request=None) -> bytes:
    """The tickets of ``bundles`` as an A4 PDF, one bundle per page (WeasyPrint)."""
    from weasyprint import HTML

    html = render_to_string("tracking/tickets_print.html",
                            {"tickets": ticket_context(bundles)}, request=request)
    return HTML(string=html).write_pdf()

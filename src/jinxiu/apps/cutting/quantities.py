"""A cut order's quantities (数量): garments per colour and size, as typed and as stored.

Typed one colour per line, ``红: S=40, M=80, L=60`` (Chinese punctuation too); a line
without a colour is an order in one colour. Stored as ``{colour: {size: garments}}``.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

MAX_GARMENTS = 1_000_000
_ENTRY = re.compile(r"^\s*(?P<size>[^=＝\s]*)\s*[=＝]\s*(?P<n>\S+)\s*$")


class QuantityError(ValueError):
    pass


def parse_quantities(text: str) -> dict[str, dict[str, int]]:
    """``"红: S=40, M=80\\n蓝: M=30"`` → ``{"红": {"S": 40, "M": 80}, "蓝": {"M": 30}}``."""
    out: dict[str, dict[str, int]] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        colour, sep, rest = line.replace("：", ":").partition(":")
        if not sep:
            colour, rest = "", line
        colour = colour.strip()
        if colour in out:
            raise QuantityError(_("Line %(line)d: colour “%(colour)s” is given twice.")
                                % {"line": number, "colour": colour})
        sizes: dict[str, int] = {}
        for part in re.split(r"[,，、;；]+", rest):
            if not part.strip():
                continue
            m = _ENTRY.match(part)
            if not m:
                raise QuantityError(_("Line %(line)d: cannot read “%(part)s”; write size=number, "
                                      "e.g. M=80.") % {"line": number, "part": part.strip()})
            try:
                n = int(m.group("n"))
            except ValueError:
                raise QuantityError(_("Line %(line)d: “%(n)s” is not a whole number.")
                                    % {"line": number, "n": m.group("n")}) from None
            size = m.group("size")
            if size in sizes:
                raise QuantityError(_("Line %(line)d: size %(size)s is given twice.")
                                    % {"line": number, "size": size})
            sizes[size] = n
        if not sizes:
            raise QuantityError(_("Line %(line)d: no sizes.") % {"line": number})
        out[colour] = sizes
    return out


def format_quantities(quantities: dict) -> str:
    lines = []
    for colour, sizes in (quantities or {}).items():
        text = ", ".join(f"{size}={n}" for size, n in sizes.items())
        lines.append(f"{colour}: {text}" if colour else text)
    return "\n".join(lines)


def check_quantities(quantities, sizes: list[str] | None) -> None:
    """Raise QuantityError unless ``quantities`` is ``{colour: {size: whole number ≥ 0}}``
    asking for at least one garment, with sizes the pattern has (when ``sizes`` is given)."""
    if not isinstance(quantities, dict) or not quantities:
        raise QuantityError(_("Give the garments per size, e.g. 红: S=40, M=80."))
    total = 0
    for colour, per_size in quantities.items():
        if not isinstance(colour, str) or not isinstance(per_size, dict) or not per_size:
            raise QuantityError(_("Give sizes and garments for every colour."))
        for size, n in per_size.items():
            label = f"{colour}/{size}" if colour else size
            if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_GARMENTS:
                raise QuantityError(_("%(label)s: the number of garments must be a whole number "
                                      "from 0 to %(max)d.") % {"label": label, "max": MAX_GARMENTS})
            if sizes is not None and size not in sizes:
                if sizes:
                    raise QuantityError(
                        _("%(label)s: the pattern has no size %(size)s; its sizes are "
                          "%(sizes)s.") % {"label": label, "size": size,
                                           "sizes": ", ".join(sizes)})
                if size != "":
                    raise QuantityError(
                        _("%(label)s: the pattern has no sizes; give the garments without a "
                          "size, e.g. =100.") % {"label": label})
            total += n
    if total == 0:
        raise QuantityError(_("The order asks for no garments."))

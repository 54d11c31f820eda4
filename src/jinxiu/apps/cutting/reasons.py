"""The nesting engine's reasons (English, from a package without Django) in the user's
language. Each known reason is matched and re-worded through gettext with its numbers kept;
the English text of the engine is the message id, so English stays word for word. A reason
not listed here is shown as the engine wrote it."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


def _m(pattern: str, msgid: str) -> tuple[re.Pattern, str]:
    return re.compile(pattern + r"\Z", re.DOTALL), msgid


REASONS = [
    _m(r"no cut line \(layer 1\)", gettext_noop("no cut line (layer 1)")),
    _m(r"the cut line \(layer 1\) is not closed \((?P<n>\d+) open chain\(s\)\)",
       gettext_noop("the cut line (layer 1) is not closed (%(n)s open chain(s))")),
    _m(r"the cut line has (?P<n>\d+) points \(limit (?P<limit>\d+)\)",
       gettext_noop("the cut line has %(n)s points (limit %(limit)s)")),
    _m(r"cannot read the quantity (?P<q>.*)", gettext_noop("cannot read the quantity %(q)s")),
    _m(r"(?P<where>cut line: |internal cut-out: |)outline self-intersects \((?P<why>.*)\) into "
       r"(?P<n>\d+) parts; keeping the largest would lose (?P<lost>\S+) of the area",
       gettext_noop("%(where)soutline self-intersects (%(why)s) into %(n)s parts; keeping the "
                    "largest would lose %(lost)s of the area")),
    _m(r"(?P<where>cut line: |internal cut-out: |)outline self-intersects \((?P<why>.*)\); "
       r"repairing it would change the area by (?P<change>\S+)",
       gettext_noop("%(where)soutline self-intersects (%(why)s); repairing it would change "
                    "the area by %(change)s")),
    _m(r"(?P<where>cut line: |internal cut-out: |)outline has no area \(all points on a line\)",
       gettext_noop("%(where)soutline has no area (all points on a line)")),
    _m(r"(?P<where>cut line: |internal cut-out: |)outline has (?P<n>\d+) distinct point\(s\); "
       r"a polygon needs 3",
       gettext_noop("%(where)soutline has %(n)s distinct point(s); a polygon needs 3")),
    _m(r"fits the usable width (?P<width>\S+) in no allowed orientation \((?P<detail>.*)\)",
       gettext_noop("fits the usable width %(width)s in no allowed orientation (%(detail)s)")),
    _m(r"is longer than the maximum marker length (?P<max>\S+) in every allowed orientation",
       gettext_noop("is longer than the maximum marker length %(max)s in every allowed "
                    "orientation")),
    _m(r"quantity (?P<n>\d+) is odd and cannot be cut as left/right pairs",
       gettext_noop("quantity %(n)s is odd and cannot be cut as left/right pairs")),
    _m(r"the best marker found is (?P<length>\S+) long, more than the maximum (?P<max>\S+)",
       gettext_noop("the best marker found is %(length)s long, more than the maximum %(max)s")),
    _m(r"the pieces cover (?P<area>\S+) and need a marker of at least (?P<need>\S+), longer "
       r"than max_length (?P<max>\S+)",
       gettext_noop("the pieces cover %(area)s and need a marker of at least %(need)s, longer "
                    "than max_length %(max)s")),
    _m(r"(?P<file>.*?): the file is empty", gettext_noop("%(file)s: the file is empty")),
    _m(r"(?P<file>.*?): not a readable DXF file \((?P<detail>.*)\)",
       gettext_noop("%(file)s: not a readable DXF file (%(detail)s)")),
    _m(r"(?P<file>.*?): no pattern pieces \(no blocks with a cut line on layer 1\)",
       gettext_noop("%(file)s: no pattern pieces (no blocks with a cut line on layer 1)")),
    _m(r"(?P<file>.*?): (?P<n>\d+) bytes is larger than the limit (?P<limit>\d+)",
       gettext_noop("%(file)s: %(n)s bytes is larger than the limit %(limit)s")),
    _m(r"(?P<file>.*?): (?P<n>\d+) blocks, more than the limit (?P<limit>\d+)",
       gettext_noop("%(file)s: %(n)s blocks, more than the limit %(limit)s")),
]
_WHERE = {"cut line: ": gettext_noop("cut line: "),
          "internal cut-out: ": gettext_noop("internal cut-out: ")}


def reason(text: str) -> str:
    """``text`` from the engine, in the active language when it is a known reason."""
    for pattern, msgid in REASONS:
        m = pattern.match(text)
        if m:
            values = m.groupdict()
            if "where" in values:
                values["where"] = _(_WHERE[values["where"]]) if values["where"] else ""
            return _(msgid) % values
    return text


def piece_error(exc) -> str:
    """An InvalidPieceError as "Piece <name>: <reason>"; any other engine error as its text."""
    if hasattr(exc, "piece") and hasattr(exc, "reason"):
        return _("Piece %(piece)s: %(reason)s") % {"piece": exc.piece,
                                                    "reason": reason(exc.reason)}
    return reason(str(exc))

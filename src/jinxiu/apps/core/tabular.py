"""What every spreadsheet import shares: a row-level error and the refusal that carries them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    """One refused cell: the sheet row, the column as headed in the file, the value, why."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return _("row %(row)d, column “%(column)s”, value “%(value)s”: %(reason)s") % {
            "row": self.row, "column": self.column, "value": self.value, "reason": self.reason}

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value,
                "reason": self.reason}


class RowsRefused(ValueError):
    """A file refused as a whole because of these rows; nothing of it was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


def norm_header(text) -> str:
    """A header or choice as compared: full-width forms folded (NFKC: "（" is "(", "ＳＭＶ"
    is "smv", as Chinese input methods type them), no whitespace, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).lower()

"""Whether the server can print Chinese in PDFs. WeasyPrint takes its fonts from the
operating system (fontconfig); without a font for Chinese every character of a PDF export
comes out as an empty box, and nothing fails. The README asks only for Python and Node, so
a machine set up from it may lack one (Debian: ``apt-get install fonts-noto-cjk``)."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

INSTALL_HINT = "apt-get install fonts-noto-cjk"


@cache
def cjk_font_missing() -> bool:
    """True when fontconfig lists no font for Chinese; False when it lists one, or when
    it cannot be asked (no ``fc-list``: then nothing is known, and nothing is said)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        found = subprocess.run(  # noqa: S603 - a fixed command, no user input
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10,
            check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return not found.strip()

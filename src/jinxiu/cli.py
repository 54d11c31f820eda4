"""The ``jinxiu`` command.

``jinxiu <engine> ...`` runs an engine's own command line (pure Python, no Django set-up:
``jinxiu linebal solve``, ``jinxiu rules check`` ...). Everything else is a Django management
command (``jinxiu serve``, ``jinxiu worker``, ``jinxiu demo load``, ``jinxiu createuser``,
``jinxiu migrate`` ...), run with the project's settings.
"""

from __future__ import annotations

import importlib
import os
import sys

# engine name -> module with ``main(argv: list[str]) -> int``
ENGINE_COMMANDS = {
    "linebal": "jinxiu.engines.linebal.cli",
    "nesting": "jinxiu.engines.nesting.cli",
    "nest": "jinxiu.engines.nesting.cli",  # the short name the marker-making issue uses
    "rules": "jinxiu.engines.rules.cli",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ENGINE_COMMANDS:
        try:
            module = importlib.import_module(ENGINE_COMMANDS[argv[0]])
        except ModuleNotFoundError as exc:
            print(f"jinxiu: the {argv[0]} engine is not installed ({exc})", file=sys.stderr)
            return 2
        return int(module.main(argv[1:]) or 0)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinxiu.config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jinxiu", *argv])
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

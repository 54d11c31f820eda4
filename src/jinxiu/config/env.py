"""Reading the environment: every setting an operator may change is a ``JINXIU_*`` variable.

See ``docs/configuration.md`` and ``.env.example`` for the list.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# src/jinxiu/config/env.py -> repository root (three levels above the package)
PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = PACKAGE_DIR.parent.parent


def var_dir() -> Path:
    """Where the embedded default keeps its data: database, secret key, uploads, cache."""
    path = Path(os.environ.get("JINXIU_VAR_DIR", REPO_DIR / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name}: expected 0/1/true/false, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name}: expected an integer, got {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def secret_key() -> str:
    """``JINXIU_SECRET_KEY``, or a key generated once into ``var/secret_key`` (mode 0600)."""
    key = os.environ.get("JINXIU_SECRET_KEY")
    if key:
        return key
    path = var_dir() / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(64))
    return path.read_text().strip()

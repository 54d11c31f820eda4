from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
DATA = REPO.parent / "shared" / "data" / "nesting"
ESICUP = DATA / "esicup"
SEAMLINT = DATA / "dxf" / "seamlint"


@pytest.fixture
def esicup_dir() -> Path:
    if not ESICUP.is_dir():
        pytest.skip(f"ESICUP instances not found at {ESICUP}")
    return ESICUP


@pytest.fixture
def seamlint_dir() -> Path:
    if not SEAMLINT.is_dir():
        pytest.skip(f"sample DXF files not found at {SEAMLINT}")
    return SEAMLINT

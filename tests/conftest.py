import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def regions(db):
    from tests.helpers.factories import make_regions

    return make_regions()


@pytest.fixture(scope="session", autouse=True)
def _compiled_messages():
    """The suite needs the .mo catalogues; compile them when `make messages` has not."""
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, str(repo / "scripts" / "compile_messages.py"), "--quiet"],
                   check=True, cwd=repo)
    from django.utils.translation import trans_real

    trans_real._translations = {}
    trans_real._active = __import__("asgiref.local", fromlist=["Local"]).Local()

import pytest
from django.utils import translation

from tests.helpers.factories import make_org


@pytest.fixture
def _english():
    """Messages in English (modules that assert on them: ``usefixtures("_english")``)."""
    with translation.override("en"):
        yield


@pytest.fixture
def org(regions):
    return make_org()

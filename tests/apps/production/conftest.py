import pytest
from django.utils import translation

from tests.helpers.factories import make_org, make_user


@pytest.fixture
def _english():
    """Messages in English (modules that assert on them: ``usefixtures("_english")``)."""
    with translation.override("en"):
        yield


@pytest.fixture
def org(regions):
    return make_org()


@pytest.fixture
def admin_client(client, org, settings):
    """Signed in as an administrator of ``org``, pages in English."""
    client.force_login(make_user(memberships=[(org, "admin")]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client

"""A superuser's owner field (``core.picker``, ``forms.TenantModelForm``): more organizations
than ``PICKER_FROM`` to choose from give a text box with suggestions instead of a select of
them all; a code or an exact name chooses the owner; others keep the select."""

import pytest
from django.urls import reverse

from jinxiu.apps.core.uscc import make_code
from jinxiu.apps.production.models import Style
from tests.helpers.factories import make_org, make_regions, make_user
from tests.helpers.html import page_text

KNIT = make_code("91", "350581", "MA2Y0001")
STYLE = {"code": "ST-1", "name": "针织POLO衫", "product": "", "description": ""}


@pytest.fixture
def orgs(db, monkeypatch):
    monkeypatch.setattr("jinxiu.apps.core.forms.PICKER_FROM", 3)
    make_regions()
    knit = make_org("石狮市锦程针织服饰有限公司", credit_code=KNIT)
    shoe = make_org("温州步云鞋业有限公司", region_code="330302")
    others = [make_org(f"石狮测试服饰{i}有限公司") for i in range(3)]
    return {"knit": knit, "shoe": shoe, "others": others}


def test_a_superuser_names_the_owner_by_code_or_name(client, orgs):
    client.force_login(make_user(is_superuser=True))
    url = reverse("production:style_add")
    page = page_text(client.get(url))
    # no organization is listed on the page: a text box that asks for suggestions instead
    assert "步云" not in page and "锦程" not in page
    assert f'hx-get="{reverse("core:organization_suggest")}?field=organization"' in page
    assert client.post(url, {"organization": KNIT, **STYLE}).status_code == 302
    assert client.post(url, {"organization": "温州步云鞋业有限公司", **STYLE}).status_code == 302
    assert sorted(Style.objects.values_list("organization__name", flat=True)) == [
        "温州步云鞋业有限公司", "石狮市锦程针织服饰有限公司"]
    # the edit page shows the owner by its code (by its name where it has none)
    style = Style.objects.get(organization=orgs["knit"])
    edit = client.get(reverse("production:style_edit", args=[style.pk])).content.decode()
    assert f'value="{KNIT}"' in edit


@pytest.mark.parametrize(("text", "says"), [
    ("步云鞋业", "没有名为“步云鞋业”的机构"),  # a part of a name is not a name
    (make_code("91", "330302", "MA2Y0009"), "没有统一社会信用代码为 91330302MA2Y0009"),
])
def test_an_unknown_owner_writes_nothing_and_says_why(client, orgs, text, says):
    client.force_login(make_user(is_superuser=True))
    response = client.post(reverse("production:style_add"), {"organization": text, **STYLE})
    assert response.status_code in (200, 400) and not Style.objects.exists()
    assert says in page_text(response)


def test_few_choices_keep_the_select(client, orgs):
    client.force_login(make_user(memberships=[(orgs["knit"], "admin"), (orgs["shoe"], "admin")]))
    page = client.get(reverse("production:style_add")).content.decode()
    assert '<select name="organization"' in page and "organization_suggest" not in page
    assert "温州步云鞋业有限公司" in page and "石狮测试服饰0有限公司" not in page


def test_suggestions_are_the_organizations_the_user_may_choose(client, orgs):
    url = reverse("core:organization_suggest")
    params = {"field": "organization", "organization": "服饰"}
    assert client.get(url, params).status_code == 302  # a login first
    client.force_login(make_user(is_superuser=True))
    body = client.get(url, params).content.decode()
    # names in order; a firm with a code is offered by its code
    assert body.count("<option") == 4 and body.index("石狮市锦程") < body.index("石狮测试服饰0")
    assert f'<option value="{KNIT}">石狮市锦程针织服饰有限公司</option>' in body
    by_code = client.get(url, {"field": "organization", "organization": KNIT[:8].lower()})
    assert by_code.content.decode() == f'<option value="{KNIT}">石狮市锦程针织服饰有限公司</option>'
    assert client.get(url, {"field": "organization", "organization": "服"}).content == b""
    # a member is offered its own organizations only
    client.force_login(make_user(memberships=[(orgs["shoe"], "admin")]))
    assert client.get(url, params).content == b""
    assert "步云" in client.get(url, {"field": "organization", "organization": "步云"}
                                ).content.decode()

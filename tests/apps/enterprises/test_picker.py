"""Choosing an enterprise by code or name (picker.py): the field, the suggestions and the
forms that use them instead of a select box of the whole registry."""

import pytest
from django.urls import reverse
from django.utils import translation

from jinxiu.apps.chain.models import EnterpriseLink, KeyProject
from jinxiu.apps.core.uscc import make_code
from jinxiu.apps.enterprises.models import Enterprise
from jinxiu.apps.enterprises.picker import SUGGESTIONS, EnterpriseChoiceField
from tests.apps.chain.factories import make_node
from tests.apps.enterprises.factories import make_enterprise
from tests.helpers.factories import make_org, make_regions, make_user
from tests.helpers.html import page_text

KNIT = make_code("91", "350581", "MA2Y0001")


@pytest.fixture
def firms(db):
    make_regions()
    knit = make_enterprise(make_org("石狮市锦程针织服饰有限公司", credit_code=KNIT),
                           business_scope="针织面料织造")
    shoe = make_enterprise(make_org("温州步云鞋业有限公司", region_code="330302"),
                           business_scope="皮鞋制造")
    dress = make_enterprise(make_org("鹿城丽人服饰有限公司", region_code="330302"))
    return {"knit": knit, "shoe": shoe, "dress": dress}


def _field(queryset=None):
    return EnterpriseChoiceField(queryset=queryset or Enterprise.objects.all())


def test_a_code_or_an_exact_name_chooses_the_enterprise(firms):
    field = _field()
    assert field.clean(KNIT) == firms["knit"]
    # typed with spaces and in lower case: the code is normalised first
    assert field.clean(" " + KNIT[:6].lower() + " " + KNIT[6:] + " ") == firms["knit"]
    assert field.clean("温州步云鞋业有限公司") == firms["shoe"]
    assert field.prepare_value(firms["knit"]) == KNIT
    assert field.prepare_value(firms["shoe"].pk) == "温州步云鞋业有限公司"  # no code: name


@pytest.mark.parametrize(("text", "says"), [
    ("步云鞋业", "No enterprise named “步云鞋业”"),  # a part of the name is not a name
    (make_code("91", "330302", "MA2Y0009"), "No enterprise with the credit code"),
    ("1", "No enterprise named “1”"),  # a pk typed by hand is not a way in
])
def test_ambiguous_unknown_and_partial_text_is_refused_with_the_reason(firms, text, says):
    from django.core.exceptions import ValidationError

    with translation.override("en"), pytest.raises(ValidationError) as err:
        _field().clean(text)
    assert says in err.value.messages[0]


def test_only_the_firms_of_the_queryset_can_be_chosen(firms):
    # the form restricts the queryset to what the user may see; a firm outside it is
    # "not found", the same answer as a firm that does not exist
    from django.core.exceptions import ValidationError

    field = _field(Enterprise.objects.exclude(pk=firms["knit"].pk))
    with translation.override("en"), pytest.raises(ValidationError, match="No enterprise with"):
        field.clean(KNIT)
    assert field.prepare_value(firms["knit"].pk) == ""


def test_suggestions_search_the_registry_and_need_a_login(client, firms):
    url = reverse("enterprises:suggest")
    assert client.get(url, {"field": "enterprise", "enterprise": "针织"}).status_code in (302, 403)
    client.force_login(make_user())
    body = client.get(url, {"field": "enterprise", "enterprise": "针织"}).content.decode()
    assert body == f'<option value="{KNIT}">石狮市锦程针织服饰有限公司</option>'
    body = client.get(url, {"field": "owner_enterprise", "owner_enterprise": "服饰"}
                      ).content.decode()
    # firms without a code are offered by name; names in order
    assert body.count("<option") == 2 and body.index("石狮") < body.index("鹿城丽人")
    assert client.get(url, {"field": "enterprise", "enterprise": "针"}).content == b""


def test_at_most_a_screenful_of_suggestions(client, firms):
    for i in range(SUGGESTIONS + 5):
        make_enterprise(make_org(f"石狮测试针织{i:02d}有限公司"))
    client.force_login(make_user())
    body = client.get(reverse("enterprises:suggest"),
                      {"field": "enterprise", "enterprise": "针织"}).content.decode()
    assert body.count("<option") == SUGGESTIONS


def test_the_link_form_takes_a_name_and_lists_no_firm(client, firms):
    admin = make_user(is_superuser=True)
    client.force_login(admin)
    url = reverse("chain:enterpriselink_add")
    page = page_text(client.get(url))
    # the page does not carry the registry: no firm's name is on it
    assert "温州步云鞋业有限公司" not in page and "步云" not in page
    assert f'hx-get="{reverse("enterprises:suggest")}?field=enterprise"' in page
    node = make_node()
    response = client.post(url, {"enterprise": "温州步云鞋业有限公司", "node": node.pk,
                                 "grade": "strong", "decision": "auto", "note": ""})
    assert response.status_code == 302
    assert EnterpriseLink.objects.get().enterprise == firms["shoe"]
    # editing keeps the enterprise (shown as its name, not changeable)
    link = EnterpriseLink.objects.get()
    edit = client.get(reverse("chain:enterpriselink_edit", args=[link.pk])).content.decode()
    assert 'value="温州步云鞋业有限公司"' in edit


def test_a_refused_name_writes_nothing_and_names_the_field(client, firms):
    client.force_login(make_user(is_superuser=True))
    node = make_node()
    response = client.post(reverse("chain:enterpriselink_add"),
                           {"enterprise": "锦程针织", "node": node.pk,
                            "grade": "strong", "decision": "auto", "note": ""})
    assert response.status_code == 400 and not EnterpriseLink.objects.exists()
    assert 'data-field="enterprise"' in response.content.decode()


def test_a_key_project_owner_by_credit_code(client, firms):
    bureau = make_org("石狮市工信局", kind="government")
    client.force_login(make_user(memberships=[(bureau, "admin")]))
    node = make_node()
    response = client.post(reverse("chain:keyproject_add"), {
        "organization": bureau.pk, "code": "XM-1", "name": "针织面料智能工厂",
        "owner_enterprise": KNIT, "owner_name": "", "node": node.pk,
        "region": firms["knit"].organization.region.pk, "kind": "new", "status": "planned",
        "planned_investment": "1200", "investments": "", "officer": "", "note": ""})
    assert response.status_code == 302, page_text(response)[:2000]
    assert KeyProject.objects.get().owner_enterprise == firms["knit"]

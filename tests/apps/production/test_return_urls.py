"""An IE types a bulletin row after row from the style's page, and edits or deletes a row
there: each action comes back to the page it started from (``return_url``, only a path on
this site), "save and add another" opens the next row's form, and a deleted operation or
operator lands on its style or line instead of the list of everything."""

import pytest
from django.contrib.contenttypes.models import ContentType

from jinxiu.apps.core.models import ObjectPermission
from jinxiu.apps.production.models import Operation, Operator
from tests.apps.production.factories import make_line, make_operator, make_style
from tests.helpers.factories import make_org, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def _op(style, code, seq, **kw):
    return {"organization": style.organization_id, "style": style.pk, "sequence": seq,
            "code": code, "name": f"工序{code}", "machine_type": "lockstitch",
            "standard_seconds": "12", "predecessors": "", **kw}


def test_the_style_page_links_each_row_back_to_itself(admin_client, org):
    style = make_style(org)
    html = admin_client.get(f"/production/styles/{style.pk}/").content.decode()
    back = f"return_url=/production/styles/{style.pk}/"
    pk = dict(style.operations.values_list("code", "pk"))
    assert f'/production/operations/{pk["3"]}/edit/?{back}" title="Edit" data-edit="3"' in html
    assert f'/production/operations/{pk["3"]}/delete/?{back}"' in html
    assert f'/production/operations/add/?style={style.pk}&amp;{back}"' in html


def test_save_and_add_another_opens_the_next_rows_form(admin_client, org):
    style = make_style(org)  # sequences 1..4
    url = f"/production/operations/add/?style={style.pk}&return_url=/production/styles/{style.pk}/"
    response = admin_client.post(url, {**_op(style, "5", 5), "_addanother": "yes"})
    assert response.status_code == 302 and response["Location"] == url
    assert style.operations.get(code="5").sequence == 5
    form = admin_client.get(url).context["form"]
    assert form.initial["style"] == style.pk and form.initial["sequence"] == 6
    html = admin_client.get(url).content.decode()
    assert f'name="return_url" value="/production/styles/{style.pk}/"' in html
    assert f'href="/production/styles/{style.pk}/">Cancel' in html
    # a plain save goes back to the style; an edit page offers no "add another"
    done = admin_client.post(url, _op(style, "6", 6))
    assert done["Location"] == f"/production/styles/{style.pk}/"
    edit = admin_client.get(f"/production/operations/{style.operations.get(code='6').pk}/edit/")
    assert 'id="save-add-another"' not in edit.content.decode()


def test_an_edit_returns_to_the_page_it_came_from_but_never_off_the_site(admin_client, org):
    style = make_style(org)
    op = style.operations.get(code="3")
    edit = f"/production/operations/{op.pk}/edit/"
    back = admin_client.post(f"{edit}?return_url=/production/styles/{style.pk}/",
                             _op(style, "3", 3, name="做门襟（新）"))
    assert back["Location"] == f"/production/styles/{style.pk}/"
    for evil in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = admin_client.post(edit, {**_op(style, "3", 3), "return_url": evil})
        assert response["Location"] == f"/production/operations/{op.pk}/", evil
    # "add another" is for new rows only: saving an edit with it goes back as usual
    response = admin_client.post(edit, {**_op(style, "3", 3), "_addanother": "yes"})
    assert response["Location"] == f"/production/operations/{op.pk}/"
    assert Operation.objects.filter(style=style).count() == 4


def test_a_deleted_operation_lands_on_its_style_and_a_deleted_operator_on_its_line(
        admin_client, org):
    style = make_style(org)
    pk = dict(style.operations.values_list("code", "pk"))
    gone = admin_client.post(f"/production/operations/{pk['4']}/delete/")
    assert gone["Location"] == f"/production/styles/{style.pk}/"
    page = admin_client.get(f"/production/operations/{pk['3']}/delete/"
                            f"?return_url=/production/styles/{style.pk}/").content.decode()
    assert f'name="return_url" value="/production/styles/{style.pk}/"' in page
    back = admin_client.post(f"/production/operations/{pk['3']}/delete/",
                             {"return_url": "/production/plans/"})
    assert back["Location"] == "/production/plans/"
    assert sorted(style.operations.values_list("code", flat=True)) == ["1", "2"]
    line = make_line(org)
    worker = make_operator(org, "陈红", line)
    gone = admin_client.post(f"/production/operators/{worker.pk}/delete/")
    assert gone["Location"] == f"/production/lines/{line.pk}/"
    loose = make_operator(org, "刘洋")
    gone = admin_client.post(f"/production/operators/{loose.pk}/delete/")
    assert gone["Location"] == "/production/operators/"


def test_add_operator_from_a_line_starts_on_that_line(admin_client, org):
    line = make_line(org)
    html = admin_client.get(f"/production/lines/{line.pk}/").content.decode()
    assert (f'href="/production/operators/add/?line={line.pk}&amp;'
            f'return_url=/production/lines/{line.pk}/"') in html
    form = admin_client.get(f"/production/operators/add/?line={line.pk}").context["form"]
    assert form.initial["line"] == line.pk and form.initial["organization"] == org.pk
    # another enterprise's line is not offered, nor named
    other = make_line(make_org("别家"), name="别家的线")
    response = admin_client.get(f"/production/operators/add/?line={other.pk}")
    assert response.context["form"].initial.get("line") is None
    assert "别家的线" not in response.content.decode()
    saved = admin_client.post(f"/production/operators/add/?line={line.pk}&return_url="
                              f"/production/lines/{line.pk}/",
                              {"organization": org.pk, "name": "王芳", "line": line.pk,
                               "skills": '{"平车": 1.1}', "active": "on"})
    assert saved["Location"] == f"/production/lines/{line.pk}/"
    assert Operator.objects.get(name="王芳").skills == {"lockstitch": 1.1}


def test_row_buttons_follow_what_the_user_may_do_row_by_row(client, org):
    style = make_style(org)
    line = make_line(org)
    make_operator(org, "陈红", line)
    user = make_user(memberships=[(org, "viewer")])
    grant = ObjectPermission.objects.create(name="改上领", actions=["view", "change"],
                                            constraints={"code": "2"})
    grant.object_types.add(ContentType.objects.get_for_model(Operation))
    grant.users.add(user)
    client.force_login(user)
    html = client.get(f"/production/styles/{style.pk}/").content.decode()
    assert 'data-edit="2"' in html
    assert 'data-edit="1"' not in html and "data-delete=" not in html
    line_html = client.get(f"/production/lines/{line.pk}/").content.decode()
    assert "data-edit=" not in line_html and 'id="add-operator"' not in line_html


def test_the_style_page_costs_the_same_queries_for_many_rows(admin_client, org,
                                                              django_assert_max_num_queries):
    from tests.apps.production.factories import SMALL

    many = SMALL + [(str(k), f"工序{k}", "lockstitch", "5", []) for k in range(5, 60)]
    style = make_style(org, code="BIG", ops=many)
    with django_assert_max_num_queries(20):
        html = admin_client.get(f"/production/styles/{style.pk}/").content.decode()
    assert html.count("data-edit=") == 59


def test_a_delete_lands_on_the_list_when_the_user_may_not_see_the_parent(client, org):
    line = make_line(org)
    worker = make_operator(org, "陈红", line)
    user = make_user()  # no membership: only this grant on operators
    grant = ObjectPermission.objects.create(name="删操作工", actions=["view", "delete"],
                                            constraints={"name": "陈红"})
    grant.object_types.add(ContentType.objects.get_for_model(Operator))
    grant.users.add(user)
    client.force_login(user)
    assert client.get(f"/production/lines/{line.pk}/").status_code == 404
    gone = client.post(f"/production/operators/{worker.pk}/delete/")
    assert gone["Location"] == "/production/operators/"
    assert not Operator.objects.filter(pk=worker.pk).exists()

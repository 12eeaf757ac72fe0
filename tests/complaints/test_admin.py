"""The Django admin for stores, categories and complaints: scoped, 404 outside the scope,
complaints read-only with the event log as a read-only inline."""

import pytest
from django.urls import reverse

from complaints import services
from complaints.models import Category, ComplaintEvent, Store

pytestmark = pytest.mark.django_db

WATCHERS = ["supervisor", "manager"]


def change_url(obj):
    return reverse(f"admin:complaints_{obj._meta.model_name}_change", args=[obj.pk])


def changelist(model):
    return reverse(f"admin:complaints_{model}_changelist")


@pytest.mark.parametrize("role", WATCHERS)
def test_complaint_list_is_scoped(client, request, role, complaint, other_complaint):
    client.force_login(request.getfixturevalue(role))
    response = client.get(changelist("complaint"))
    assert response.status_code == 200
    html = response.content.decode()
    assert complaint.reference in html
    assert other_complaint.reference not in html


def test_head_office_lists_every_store(client, hq, complaint, other_complaint):
    client.force_login(hq)
    html = client.get(changelist("complaint")).content.decode()
    assert complaint.reference in html and other_complaint.reference in html


def test_the_store_filter_offers_only_visible_stores(client, supervisor, store, other_store):
    client.force_login(supervisor)
    html = client.get(changelist("complaint")).content.decode()
    assert f"?store={store.pk}" in html
    assert f"?store={other_store.pk}" not in html


@pytest.mark.parametrize("role", WATCHERS)
def test_another_stores_complaint_is_404_in_the_admin(client, request, role, other_complaint):
    client.force_login(request.getfixturevalue(role))
    assert client.get(change_url(other_complaint)).status_code == 404
    history = reverse("admin:complaints_complaint_history", args=[other_complaint.pk])
    assert client.get(history).status_code == 404


@pytest.mark.parametrize("role", [*WATCHERS, "hq"])
def test_complaint_is_read_only_with_its_event_log(client, request, role, complaint, frontdesk):
    services.complaint_add_note(complaint_id=complaint.pk, actor=frontdesk, text="Called.")
    client.force_login(request.getfixturevalue(role))
    url = change_url(complaint)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Called." in html  # the timeline inline
    assert 'name="_save"' not in html  # nothing to save
    assert "events-0-DELETE" not in html  # no delete boxes on the log
    assert 'name="events-MAX_NUM_FORMS" value="0"' in html  # and nothing can be added
    assert "transition" not in html.lower()  # no django-fsm buttons
    status_before = complaint.status
    assert client.post(url, {"status": "closed"}).status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == status_before
    assert client.get(reverse("admin:complaints_complaint_add")).status_code == 403
    delete = reverse("admin:complaints_complaint_delete", args=[complaint.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == 2


def test_front_desk_has_no_admin(client, frontdesk, complaint):
    client.force_login(frontdesk)
    response = client.get(change_url(complaint))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


# ---- stores and categories -------------------------------------------------------------------


def test_head_office_edits_stores_and_others_may_not(client, hq, supervisor, store):
    client.force_login(supervisor)
    assert client.get(change_url(store)).status_code == 403
    client.force_login(hq)
    assert client.get(change_url(store)).status_code == 200
    response = client.post(
        change_url(store),
        {
            "code": store.code,
            "name": "Shanghai Flagship",
            "region": store.region,
            "time_zone": store.time_zone,
            "currency": store.currency,
            "language": store.language,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Store.objects.get(pk=store.pk).name == "Shanghai Flagship"


def category_data(**overrides):
    data = {
        "code": "noisy-fridge",
        "name_en": "Noisy fridge",
        "name_zh": "冰箱噪音",
        "is_active": "on",
        "position": "5",
        "parent": Category.objects.get(code="product-quality").pk,
    }
    data.update(overrides)
    return data


def test_head_office_adds_a_sub_category(client, hq):
    client.force_login(hq)
    response = client.post(reverse("admin:complaints_category_add"), category_data())
    assert response.status_code == 302
    assert Category.objects.get(code="noisy-fridge").parent.code == "product-quality"


def test_categories_have_two_levels(client, hq):
    client.force_login(hq)
    leaf = Category.objects.get(code="defective-on-arrival")
    response = client.post(reverse("admin:complaints_category_add"), category_data(parent=leaf.pk))
    assert response.status_code == 200
    assert not Category.objects.filter(code="noisy-fridge").exists()


def test_supervisors_do_not_edit_categories(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("admin:complaints_category_add")).status_code == 403


def test_search_by_reference_customer_and_phone_digits(client, supervisor, complaint):
    client.force_login(supervisor)
    phone_digits = str(complaint.customer.phone)[-8:]
    for term in (complaint.reference, complaint.customer.name, phone_digits):
        html = client.get(changelist("complaint"), {"q": term}).content.decode()
        assert complaint.reference in html, term


def test_the_admin_header_follows_the_readers_language(client, hq):
    client.force_login(hq)
    chinese = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "OneStop 一站通" in chinese
    english = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "OneStop" in english and "一站通" not in english

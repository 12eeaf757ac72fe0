"""The event log is append-only: at the database on PostgreSQL, in the ORM
everywhere, and the admin offers no way to change or delete an event."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from complaints.models import AppendOnlyError, ComplaintEvent

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's own"
)


@pytest.mark.postgres
@on_postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE complaints_complaintevent SET text = 'rewritten' WHERE id = %s",
        "UPDATE complaints_complaintevent SET actor_id = NULL WHERE id = %s",
        "DELETE FROM complaints_complaintevent WHERE id = %s",
    ],
    ids=["update-text", "update-actor", "delete"],
)
def test_the_database_refuses_to_change_or_delete_an_event(complaint, sql):
    event = complaint.events.first()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.text == "" and event.actor_id is not None


@pytest.mark.postgres
@on_postgres
def test_the_database_refuses_even_a_bulk_delete_of_the_log(complaint, other_complaint):
    count = ComplaintEvent.objects.count()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM complaints_complaintevent")
    assert ComplaintEvent.objects.count() == count


@pytest.mark.postgres
@on_postgres
def test_the_database_still_accepts_new_events(complaint, frontdesk):
    from complaints.services import complaint_add_note

    before = complaint.events.count()
    complaint_add_note(complaint_id=complaint.pk, actor=frontdesk, text="Called back")
    assert complaint.events.count() == before + 1


def test_the_orm_refuses_to_update_or_delete_events(complaint):
    event = complaint.events.first()
    with pytest.raises(AppendOnlyError):
        ComplaintEvent.objects.filter(pk=event.pk).update(text="x")
    with pytest.raises(AppendOnlyError):
        ComplaintEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        event.delete()
    event.text = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert ComplaintEvent.objects.get(pk=event.pk).text == ""


def _event_admins():
    """Every ModelAdmin and inline in the admin site that shows events."""
    found = []
    for model_admin in admin.site._registry.values():
        if model_admin.model is ComplaintEvent:
            found.append(model_admin)
        for inline_class in model_admin.inlines:
            if inline_class.model is ComplaintEvent:
                found.append(inline_class(model_admin.model, admin.site))
    return found


def test_the_admin_offers_no_way_to_add_change_or_delete_events(hq):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    for user in (hq, root):
        request = RequestFactory().get("/admin/")
        request.user = user
        for model_admin in _event_admins():
            assert not model_admin.has_change_permission(request), model_admin
            assert not model_admin.has_delete_permission(request), model_admin
            assert not model_admin.has_add_permission(request, None), model_admin


def test_the_admin_event_pages_refuse_a_hand_made_change_or_delete(client, complaint):
    from django.contrib.auth import get_user_model
    from django.urls import NoReverseMatch, reverse

    root = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(root)
    event = complaint.events.first()
    for name, data in (
        ("change", {"text": "rewritten", "kind": "note"}),
        ("delete", {"post": "yes"}),
    ):
        try:
            url = reverse(f"admin:complaints_complaintevent_{name}", args=[event.pk])
        except NoReverseMatch:
            continue  # events are not registered on their own: nothing to post to
        response = client.post(url, data)
        assert response.status_code in (403, 302), (name, response.status_code)
    event.refresh_from_db()
    assert event.text == ""
    assert ComplaintEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres
@on_postgres
def test_even_during_erasure_events_cannot_be_deleted_or_re_attributed(complaint, supervisor):
    event = complaint.events.first()
    for sql, params in (
        ("DELETE FROM complaints_complaintevent WHERE id = %s", [event.pk]),
        (
            "UPDATE complaints_complaintevent SET actor_id = %s WHERE id = %s",
            [supervisor.pk, event.pk],
        ),
        ("UPDATE complaints_complaintevent SET created_at = now() WHERE id = %s", [event.pk]),
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET LOCAL onestop.erasure = 'on'")
            cursor.execute(sql, params)
    event.refresh_from_db()
    assert event.actor_id == complaint.created_by_id

"""The event log holds against the application's own database role (PostgreSQL).

The app runs as a runtime role that owns nothing (`manage.py db_grant_runtime`); migrations
run as the owner. Connected as the runtime role, each way of rewriting history that worked
when the app connected as the owner is refused, and erasure on request still works.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from complaints.models import ComplaintEvent
from complaints.services import complaint_add_note
from customers.services import customer_anonymise
from tests.factories import CustomerFactory, make_complaint

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's roles"),
    # Committed rows for the other connection; serialized_rollback brings back the seeded rows.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EVENTS = ComplaintEvent._meta.db_table
NAME = "Ouyang Feng"


@pytest.fixture
def runtime_role():
    """A login role for the runtime, granted by the command (dropped afterwards)."""
    role = f"onestop_test_runtime_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP ROLE IF EXISTS "{role}"')
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
    call_command("db_grant_runtime", role)
    yield role
    connections["default"].close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def _connect(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
    )


@contextmanager
def _app_connected_as(role: str):
    """The app's own connection, as `role` (what DATABASE_URL selects in production)."""
    db = connections["default"]
    db.close()
    saved = dict(db.settings_dict)
    db.settings_dict.update(USER=role, PASSWORD="")
    try:
        yield
    finally:
        db.close()
        db.settings_dict.clear()
        db.settings_dict.update(saved)


@pytest.fixture
def noted(frontdesk, store):
    customer = CustomerFactory(store=store, name=NAME)
    complaint = make_complaint(actor=frontdesk, store=store, customer=customer)
    complaint_add_note(complaint_id=complaint.pk, actor=frontdesk, text=f"{NAME} called back")
    return complaint.events.get(text__contains=NAME)


@pytest.mark.parametrize(
    "statements",
    [
        [
            "SET LOCAL onestop.erasure = 'on'",
            f"UPDATE {EVENTS} SET text = 'rewritten' WHERE id = %(id)s",
        ],
        [f"TRUNCATE {EVENTS} CASCADE"],
        ["SET session_replication_role = replica", f"DELETE FROM {EVENTS}"],
        [f"ALTER TABLE {EVENTS} DISABLE TRIGGER complaints_event_append_only"],
        [f"ALTER TABLE {EVENTS} DISABLE TRIGGER ALL"],
        [f"DELETE FROM {EVENTS} WHERE id = %(id)s"],
        [
            "SELECT complaints_event_texts_erase(%(customer)s, ARRAY[%(id)s]::bigint[],"
            " ARRAY['rewritten'])"
        ],
    ],
    ids=[
        "erasure-setting",
        "truncate",
        "replication-role",
        "disable-trigger",
        "disable-all-triggers",
        "delete",
        "erase-function-for-a-customer-not-erased",
    ],
)
def test_the_runtime_role_cannot_rewrite_history(runtime_role, noted, statements):
    params = {"id": noted.pk, "customer": noted.complaint.customer_id}
    refusal = (
        psycopg.errors.RaiseException
        if "texts_erase" in statements[0]
        else psycopg.errors.InsufficientPrivilege
    )
    with _connect(runtime_role) as conn:
        with pytest.raises(refusal), conn.transaction():
            for statement in statements:
                conn.execute(statement, params if "%(" in statement else None)
        assert conn.execute(f"SELECT count(*) FROM {EVENTS}").fetchone()[0] == (
            ComplaintEvent.objects.count()
        )
    noted.refresh_from_db()
    assert NAME in noted.text


def test_the_runtime_role_still_logs_reads_and_erases(runtime_role, noted, hq):
    with _app_connected_as(runtime_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == runtime_role
        complaint_add_note(complaint_id=noted.complaint_id, actor=noted.actor, text="Second call")
        customer_anonymise(actor=hq, customer_id=noted.complaint.customer_id)
        noted.refresh_from_db()
    assert NAME not in noted.text and "called back" in noted.text
    assert noted.complaint.events.filter(text="Second call").exists()


def test_even_the_owner_cannot_truncate_the_log(noted):
    count = ComplaintEvent.objects.count()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {EVENTS} CASCADE")
    assert ComplaintEvent.objects.count() == count


def test_the_erase_function_touches_only_that_customers_events(runtime_role, noted, frontdesk, hq):
    other = make_complaint(actor=frontdesk, store=noted.complaint.store)
    other_event = other.events.first()
    customer_anonymise(actor=hq, customer_id=noted.complaint.customer_id)
    with (
        _connect(runtime_role) as conn,
        pytest.raises(psycopg.errors.RaiseException, match="not one of"),
        conn.transaction(),
    ):
        conn.execute(
            "SELECT complaints_event_texts_erase(%s, ARRAY[%s]::bigint[], ARRAY['x'])",
            [noted.complaint.customer_id, other_event.pk],
        )
    other_event.refresh_from_db()
    assert other_event.text != "x"


def test_the_command_refuses_a_superuser_and_an_unknown_role():
    with pytest.raises(CommandError, match="superuser"):
        call_command("db_grant_runtime", connection.settings_dict["USER"] or "postgres")
    with pytest.raises(CommandError, match="no database role"):
        call_command("db_grant_runtime", "no_such_role_anywhere")

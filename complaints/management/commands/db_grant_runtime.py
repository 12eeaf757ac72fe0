"""Give the application's runtime database role exactly what the app needs (PostgreSQL).

Run by the role that owns the tables (the one `migrate` runs as), after every `migrate`:

    manage.py db_grant_runtime onestop_app

The runtime role owns nothing. It may read and write the app's tables, except the event log,
which it may only read and append to; it may use the sequences, and call the erasure
function for event texts. It is never granted TRUNCATE, REFERENCES or TRIGGER, so it cannot
empty, re-key or switch off anything; `session_replication_role` is for superusers only.
Tables that later migrations add get the same grants by default privileges.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

from complaints.models import ComplaintEvent

ERASE_FUNCTION = "complaints_event_texts_erase(bigint, bigint[], text[])"


def grant_statements(role: str) -> list[sql.Composed]:
    """The grants, in order (the event log's are narrowed last)."""
    who = sql.Identifier(role)
    events = sql.Identifier(ComplaintEvent._meta.db_table)
    return [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(who),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            who
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(who),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
            " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(who),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(who),
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(
            events, who
        ),
        sql.SQL("GRANT EXECUTE ON FUNCTION " + ERASE_FUNCTION + " TO {}").format(who),
    ]


class Command(BaseCommand):
    help = "Grant the runtime database role what the app needs, and no more (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the app connects as (DATABASE_URL's user)")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are PostgreSQL's: nothing to grant on SQLite.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(f"There is no database role named {role!r}: create it first.")
            if row[0]:
                raise CommandError(f"{role!r} is a superuser: the runtime role must not be.")
            cursor.execute("SELECT current_user")
            if cursor.fetchone()[0] == role:
                raise CommandError(
                    "Run this as the role that owns the tables, not as the runtime role."
                )
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = %s",
                [role],
            )
            if cursor.fetchone()[0]:
                raise CommandError(
                    f"{role!r} owns tables: the runtime role must own nothing (run migrate as "
                    "the owner role)."
                )
            with transaction.atomic():
                for statement in grant_statements(role):
                    cursor.execute(statement.as_string(connection.connection))
        self.stdout.write(f"Granted {role} the runtime privileges.")

"""Roles as groups with their permissions, the default categories, and (on PostgreSQL) a
trigger that makes the event log append-only at the database."""

from django.db import migrations

from complaints.roles import sync_role_groups
from complaints.seed import seed_categories

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION complaints_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'complaints_complaintevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS complaints_event_append_only ON complaints_complaintevent;
CREATE TRIGGER complaints_event_append_only
    BEFORE UPDATE OR DELETE ON complaints_complaintevent
    FOR EACH ROW EXECUTE FUNCTION complaints_event_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS complaints_event_append_only ON complaints_complaintevent;
DROP FUNCTION IF EXISTS complaints_event_append_only();
"""


def install_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the PL/pgSQL "%" placeholder must not be read as a query parameter.
        schema_editor.execute(APPEND_ONLY_SQL, params=None)


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0002_initial"),
        ("customers", "0001_initial"),
        ("resolutions", "0001_initial"),
        ("reports", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
        migrations.RunPython(seed_categories, migrations.RunPython.noop),
        migrations.RunPython(install_trigger, remove_trigger),
    ]

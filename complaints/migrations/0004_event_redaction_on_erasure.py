"""The event log stays append-only at the database, with one sanctioned exception: erasing a
customer on request may rewrite the `text` of events (and nothing else), inside a transaction
that has set `onestop.erasure` (see complaints.services.event_texts_redact)."""

from django.db import migrations

REDACTABLE_SQL = """
CREATE OR REPLACE FUNCTION complaints_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('onestop.erasure', true) = 'on'
       AND NEW.id = OLD.id
       AND NEW.complaint_id = OLD.complaint_id
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.kind = OLD.kind
       AND NEW.from_status = OLD.from_status
       AND NEW.to_status = OLD.to_status
       AND NEW.action = OLD.action
       AND NEW.data = OLD.data
       AND NEW.created_at = OLD.created_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'complaints_complaintevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

STRICT_SQL = """
CREATE OR REPLACE FUNCTION complaints_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'complaints_complaintevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def allow_redaction(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REDACTABLE_SQL, params=None)


def strict_again(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STRICT_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_roles_categories_append_only_events")]

    operations = [migrations.RunPython(allow_redaction, strict_again)]

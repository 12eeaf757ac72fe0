"""The event log holds against the application's own database role (PostgreSQL).

- TRUNCATE is refused by a statement trigger, whoever runs it (row triggers do not fire on
  TRUNCATE). Only a superuser can get past it, by switching triggers off for the session
  (`session_replication_role`), which is what the test suite's flush does.
- Erasure rewrites event texts only through `complaints_event_texts_erase`, a SECURITY DEFINER
  function owned by the role that runs migrations: for the events of one customer who has
  been anonymised, the `text` column only. It sets `onestop.erasure` for its own duration,
  which the row trigger asks for. The runtime role gets EXECUTE on it and no UPDATE on the
  table (`manage.py db_grant_runtime`), so setting `onestop.erasure` itself achieves nothing.
"""

from django.db import migrations

FORWARD_SQL = """
CREATE OR REPLACE FUNCTION complaints_event_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'complaints_complaintevent is append-only (TRUNCATE refused)';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS complaints_event_no_truncate ON complaints_complaintevent;
CREATE TRIGGER complaints_event_no_truncate
    BEFORE TRUNCATE ON complaints_complaintevent
    FOR EACH STATEMENT EXECUTE FUNCTION complaints_event_no_truncate();

CREATE OR REPLACE FUNCTION complaints_event_texts_erase(
    p_customer_id bigint, p_event_ids bigint[], p_texts text[]
) RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public
SET onestop.erasure = 'on'
AS $$
DECLARE
    changed integer;
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM customers_customer
        WHERE id = p_customer_id AND anonymised_at IS NOT NULL
    ) THEN
        RAISE EXCEPTION 'customer % is not anonymised: no event text may change', p_customer_id;
    END IF;
    IF cardinality(p_event_ids) IS DISTINCT FROM cardinality(p_texts) THEN
        RAISE EXCEPTION 'one new text for each event';
    END IF;
    UPDATE complaints_complaintevent AS e
       SET text = t.text
      FROM unnest(p_event_ids, p_texts) AS t(id, text), complaints_complaint AS c
     WHERE e.id = t.id AND c.id = e.complaint_id AND c.customer_id = p_customer_id;
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed <> cardinality(p_event_ids) THEN
        RAISE EXCEPTION 'an event named is not one of customer %''s', p_customer_id;
    END IF;
    RETURN changed;
END;
$$;

REVOKE ALL ON FUNCTION complaints_event_texts_erase(bigint, bigint[], text[]) FROM PUBLIC;
"""

BACKWARD_SQL = """
DROP FUNCTION IF EXISTS complaints_event_texts_erase(bigint, bigint[], text[]);
DROP TRIGGER IF EXISTS complaints_event_no_truncate ON complaints_complaintevent;
DROP FUNCTION IF EXISTS complaints_event_no_truncate();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD_SQL, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0007_customer_index_covers_store"),
        ("customers", "0002_search_names"),
    ]

    operations = [migrations.RunPython(forward, backward)]

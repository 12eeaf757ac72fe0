"""The complaint list at a million complaints (PostgreSQL only; SQLite, the demo's database,
counts and sorts its few rows without help). Found by `make bench` (issue 5).

Indexes that match the list's filters, each led by the store (every non-head-office list is
one store's or a few stores'):

- open complaints, newest first, with what "overdue" reads: "any open status" and "overdue"
  walk a few hundred entries instead of a store's 160,000 rows, and count them from the index;
- sub-category and severity: the count of a category (with or without a severity) is an
  index-only scan;
- channel: the same for the channel filter;
- resolve-by time (both directions): "due soonest / latest first" reads the first 50 in order.

`complaint_count_by_store` holds each store's number of complaints, kept exact by statement
triggers on insert, delete and truncate (and a row trigger on the rare change of store), in the
same transaction as the change. The unfiltered list's count (head office: 1,000,000 rows,
about 40 ms to count even from an index) is then a sum over a few rows. Intake already locks
its store's reference counter, so the counter row adds no new contention.

CONCURRENTLY is not used: migrations run in a transaction (on a large database create the
indexes by hand first; IF NOT EXISTS then skips them).
"""

from django.db import migrations

from config.postgresql import run_on_postgresql

OPEN_STATUSES = (
    "'new', 'acknowledged', 'investigating', 'awaiting_approval', 'awaiting_customer', "
    "'in_fulfilment'"
)

INDEXES = [
    (
        "list_complaint_store_open",
        "CREATE INDEX IF NOT EXISTS list_complaint_store_open ON complaints_complaint "
        "(store_id, received_at DESC, id DESC) INCLUDE (status, ack_due_at, resolve_due_at) "
        f"WHERE status IN ({OPEN_STATUSES})",
    ),
    (
        "list_complaint_store_category",
        "CREATE INDEX IF NOT EXISTS list_complaint_store_category ON complaints_complaint "
        "(store_id, category_id, severity)",
    ),
    (
        "list_complaint_store_channel",
        "CREATE INDEX IF NOT EXISTS list_complaint_store_channel ON complaints_complaint "
        "(store_id, channel)",
    ),
    (
        "list_complaint_store_due",
        "CREATE INDEX IF NOT EXISTS list_complaint_store_due ON complaints_complaint "
        "(store_id, resolve_due_at, id)",
    ),
]

COUNTS_SQL = """
CREATE TABLE complaint_count_by_store (
    store_id integer PRIMARY KEY,
    complaints bigint NOT NULL
);
INSERT INTO complaint_count_by_store (store_id, complaints)
    SELECT store_id, count(*) FROM complaints_complaint GROUP BY store_id;

CREATE FUNCTION complaint_count_added() RETURNS trigger AS $$
BEGIN
    INSERT INTO complaint_count_by_store AS counted (store_id, complaints)
        SELECT store_id, count(*) FROM complaint_added GROUP BY store_id ORDER BY store_id
    ON CONFLICT (store_id) DO UPDATE SET complaints = counted.complaints + EXCLUDED.complaints;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION complaint_count_removed() RETURNS trigger AS $$
BEGIN
    UPDATE complaint_count_by_store AS counted SET complaints = counted.complaints - removed.n
        FROM (SELECT store_id, count(*) AS n FROM complaint_removed GROUP BY store_id) removed
        WHERE counted.store_id = removed.store_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION complaint_count_moved() RETURNS trigger AS $$
BEGIN
    UPDATE complaint_count_by_store SET complaints = complaints - 1
        WHERE store_id = OLD.store_id;
    INSERT INTO complaint_count_by_store AS counted (store_id, complaints)
        VALUES (NEW.store_id, 1)
    ON CONFLICT (store_id) DO UPDATE SET complaints = counted.complaints + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION complaint_count_emptied() RETURNS trigger AS $$
BEGIN
    DELETE FROM complaint_count_by_store;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER complaint_count_added AFTER INSERT ON complaints_complaint
    REFERENCING NEW TABLE AS complaint_added
    FOR EACH STATEMENT EXECUTE FUNCTION complaint_count_added();
CREATE TRIGGER complaint_count_removed AFTER DELETE ON complaints_complaint
    REFERENCING OLD TABLE AS complaint_removed
    FOR EACH STATEMENT EXECUTE FUNCTION complaint_count_removed();
CREATE TRIGGER complaint_count_moved AFTER UPDATE OF store_id ON complaints_complaint
    FOR EACH ROW WHEN (OLD.store_id IS DISTINCT FROM NEW.store_id)
    EXECUTE FUNCTION complaint_count_moved();
CREATE TRIGGER complaint_count_emptied AFTER TRUNCATE ON complaints_complaint
    FOR EACH STATEMENT EXECUTE FUNCTION complaint_count_emptied();
"""

DROP_COUNTS_SQL = """
DROP TRIGGER IF EXISTS complaint_count_added ON complaints_complaint;
DROP TRIGGER IF EXISTS complaint_count_removed ON complaints_complaint;
DROP TRIGGER IF EXISTS complaint_count_moved ON complaints_complaint;
DROP TRIGGER IF EXISTS complaint_count_emptied ON complaints_complaint;
DROP FUNCTION IF EXISTS complaint_count_added();
DROP FUNCTION IF EXISTS complaint_count_removed();
DROP FUNCTION IF EXISTS complaint_count_moved();
DROP FUNCTION IF EXISTS complaint_count_emptied();
DROP TABLE IF EXISTS complaint_count_by_store;
"""


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_event_redaction_on_erasure")]

    operations = [run_on_postgresql(INDEXES, after=[COUNTS_SQL], undo_after=[DROP_COUNTS_SQL])]

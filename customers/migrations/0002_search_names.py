"""Searching customers by a part of their name reads each distinct name once (PostgreSQL).

`customers_searchname` holds every customer name once, upper-cased, with a trigram index; the
customers are then found by their exact name through a B-tree on UPPER(name). Names repeat:
at a million complaints the complaint list's search for "Wang Wei" matched 3,017 customers by
trigram over all 400,000 customer rows (10 ms of its 14); their 12 distinct names take 0.1 ms.
The trigram index on the customers' names (reports 0003) is no longer read and is dropped.

Kept by triggers in the same transaction as the change: a new name is added; a name that no
customer has any more (renamed, erased on request, deleted) is removed, so an erased name is
not kept here either. Whoever adds a customer locks the name's row until they commit, and
the removal waits for that lock and then looks again, so a name being added is never removed.

SQLite (the demo database) matches the customers' names directly (`name_contains`).
"""

from django.db import migrations, models

from config.postgresql import run_on_postgresql

INDEXES = [
    (
        "customer_upper_name",
        "CREATE INDEX IF NOT EXISTS customer_upper_name ON customers_customer "
        "(UPPER(name::text)) INCLUDE (id)",
    ),
    (
        "search_name_trgm",
        "CREATE INDEX IF NOT EXISTS search_name_trgm ON customers_searchname "
        "USING gin (UPPER(name) gin_trgm_ops)",
    ),
]

KEEP_SQL = """
CREATE FUNCTION customer_search_name_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        -- Added, or locked if there (WHERE false writes nothing): held until this commits.
        INSERT INTO customers_searchname (name) VALUES (upper(NEW.name))
            ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name WHERE false;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        -- Wait for anyone adding a customer of this name; the next statement then sees them.
        PERFORM 1 FROM customers_searchname WHERE name = upper(OLD.name) FOR UPDATE;
        DELETE FROM customers_searchname AS kept WHERE kept.name = upper(OLD.name)
            AND NOT EXISTS (
                SELECT 1 FROM customers_customer WHERE upper(name::text) = kept.name
            );
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER customer_search_name_added_or_removed
    AFTER INSERT OR DELETE ON customers_customer
    FOR EACH ROW EXECUTE FUNCTION customer_search_name_kept();
CREATE TRIGGER customer_search_name_renamed
    AFTER UPDATE OF name ON customers_customer
    FOR EACH ROW WHEN (upper(OLD.name) IS DISTINCT FROM upper(NEW.name))
    EXECUTE FUNCTION customer_search_name_kept();

INSERT INTO customers_searchname (name)
    SELECT DISTINCT upper(name::text) FROM customers_customer ON CONFLICT DO NOTHING;
DROP INDEX IF EXISTS search_customer_name_trgm;
"""

UNDO_KEEP_SQL = """
CREATE INDEX IF NOT EXISTS search_customer_name_trgm ON customers_customer
    USING gin (UPPER(name::text) gin_trgm_ops);
DROP TRIGGER IF EXISTS customer_search_name_added_or_removed ON customers_customer;
DROP TRIGGER IF EXISTS customer_search_name_renamed ON customers_customer;
DROP FUNCTION IF EXISTS customer_search_name_kept();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("reports", "0003_text_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchName",
            fields=[("name", models.TextField(primary_key=True, serialize=False))],
        ),
        run_on_postgresql(
            INDEXES,
            before=["CREATE EXTENSION IF NOT EXISTS pg_trgm"],
            after=[KEEP_SQL],
            undo_after=[UNDO_KEEP_SQL],
        ),
    ]

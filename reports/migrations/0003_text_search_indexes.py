"""Trigram indexes for the complaint list's text search at a million complaints (PostgreSQL
only; `pg_trgm` is a trusted extension, so the database owner may create it).

Django's `icontains` compares UPPER(column) LIKE UPPER('%…%'), so the indexes are on those
expressions. The planner can only use them when the search's OR stays on one table: match
the customers first (their ids) and OR `customer_id IN (…)` with the complaint's own columns
(the list's filter; see the report of issue 5). Measured at a million complaints, same
machine and load, counting one store's matches for a name: 500 ms with the OR across the
join (sequential scans), 110 ms with it on one table and these indexes.
"""

from django.db import migrations

from config.postgresql import run_on_postgresql

INDEXES = [
    (
        "search_complaint_reference_trgm",
        "CREATE INDEX IF NOT EXISTS search_complaint_reference_trgm ON complaints_complaint "
        "USING gin (UPPER(reference::text) gin_trgm_ops)",
    ),
    (
        "search_complaint_account_trgm",
        "CREATE INDEX IF NOT EXISTS search_complaint_account_trgm ON complaints_complaint "
        "USING gin (UPPER(account) gin_trgm_ops)",
    ),
    (
        "search_customer_name_trgm",
        "CREATE INDEX IF NOT EXISTS search_customer_name_trgm ON customers_customer "
        "USING gin (UPPER(name::text) gin_trgm_ops)",
    ),
    (
        "search_customer_phone_trgm",
        "CREATE INDEX IF NOT EXISTS search_customer_phone_trgm ON customers_customer "
        "USING gin (phone gin_trgm_ops)",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_report_indexes"),
        ("customers", "0001_initial"),
    ]

    operations = [run_on_postgresql(INDEXES, before=["CREATE EXTENSION IF NOT EXISTS pg_trgm"])]

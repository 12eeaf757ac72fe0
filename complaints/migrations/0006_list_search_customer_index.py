"""The list's text search within a store (PostgreSQL only): complaints of the matching
customers in the user's stores, from the index alone. A common name matches thousands of
customers with complaints in every store; without the store in the index, their complaints
in all stores were read to keep one store's (found by `make bench`, issue 5)."""

from django.db import migrations

from config.postgresql import run_on_postgresql

INDEXES = [
    (
        "list_complaint_store_customer",
        "CREATE INDEX IF NOT EXISTS list_complaint_store_customer ON complaints_complaint "
        "(store_id, customer_id)",
    ),
]


class Migration(migrations.Migration):
    dependencies = [("complaints", "0005_list_indexes_and_store_counts")]

    operations = [run_on_postgresql(INDEXES)]

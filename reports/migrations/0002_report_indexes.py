"""Indexes the weekly report's queries need at a million complaints (PostgreSQL only; SQLite
is the demo database and does not need them).

- complaints by store and "open until" (resolved, else closed; NULL while open): the
  backlog at each week's end reads the complaints open at, or closed since, the first week.
- commitments by due time: the commitments due in the report's weeks.

The tables belong to other apps; the indexes live here because only the report reads them
this way. CONCURRENTLY is not used: migrations run in a transaction, and the tables are
small when this runs on a fresh database (on a large one, create them by hand first).
"""

from django.db import migrations

from config.postgresql import run_on_postgresql

INDEXES = [
    (
        "report_complaint_open_until",
        "CREATE INDEX IF NOT EXISTS report_complaint_open_until ON complaints_complaint "
        "(store_id, (COALESCE(resolved_at, closed_at)))",
    ),
    (
        "report_commitment_due",
        "CREATE INDEX IF NOT EXISTS report_commitment_due ON resolutions_commitment (due_at)",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("complaints", "0003_roles_categories_append_only_events"),
        ("resolutions", "0004_default_response_scripts"),
    ]

    operations = [run_on_postgresql(INDEXES)]

"""Indexes for my work's "commitments due for me" at a million complaints (issue 5).

The page asks for unkept commitments the user made or that sit on complaints they own (not
closed). As one OR across the commitment and complaint tables PostgreSQL read every store's
unkept commitments and hashed the store's 53,000 complaints against them (about 22,000
buffers, three times: rows, count, broken count). The selector now asks as a UNION of two
halves, each with its index:

- commitments I made: unkept, by maker and due time (`commitment_made_open`);
- commitments on complaints I own: the owner's complaints that are not closed, read from the
  index alone (`mywork_complaint_owner_open`, PostgreSQL only: a partial index with INCLUDE),
  then their unkept commitments (`commitment_complaint_open`).

Measured on the bench data (front desk bench01.fd1, EXPLAIN (ANALYZE, BUFFERS), same machine
and load): the old query read about 22,000 buffers for the rows (and as much again for each of
its two counts); the UNION with these indexes reads 3,800, once, the counts riding along as
window functions.
The complaint index belongs with the complaints app; it is here because this app's selector
needs it (as reports/0002-0004 do for the list and the weekly report).
"""

from django.conf import settings
from django.db import migrations, models

from config.postgresql import run_on_postgresql

OWNER_OPEN = (
    "mywork_complaint_owner_open",
    "CREATE INDEX IF NOT EXISTS mywork_complaint_owner_open ON complaints_complaint "
    "(owner_id, store_id) INCLUDE (id) WHERE status <> 'closed'",
)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_event_redaction_on_erasure"),
        ("resolutions", "0004_default_response_scripts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                condition=models.Q(("kept_at__isnull", True)),
                fields=["made_by", "due_at"],
                name="commitment_made_open",
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                condition=models.Q(("kept_at__isnull", True)),
                fields=["complaint", "due_at"],
                name="commitment_complaint_open",
            ),
        ),
        run_on_postgresql([OWNER_OPEN]),
    ]

"""Weekly report snapshots and the change log that keeps them exact (`reports.snapshots`).

On PostgreSQL, triggers log every change to what a weekly figure counts: which store, and
the earliest instant whose weeks may now count differently.

- complaints: inserted or deleted: from their receipt. Updated: from their receipt when
  anything the received week counts changed (store, receipt, category, channel, department,
  customer, product, one-stop, reopened, acknowledged on time); from the earlier of the old
  and new value of each time the report compares with week ends (resolved, closed,
  acknowledged, paused, both due times); and from the resolved week when resolved-on-time
  changed. Resolving a complaint today logs today: last week's figures stay valid.
- resolutions and survey invitations: counted in their complaint's resolved week, so from
  the complaint's resolution (nothing while it is unresolved).
- commitments: counted in the week they fall due, so from the earlier due time.
- stores: a new time zone or currency changes every week: from the beginning.

SQLite (the demo database) has neither triggers nor snapshots: its reports are always live.
"""

from django.db import migrations, models

from config.postgresql import run_on_postgresql

LOG = (
    "INSERT INTO reports_reportchange (store_id, changed_from, xid, created_at) "
    "VALUES ({store}, {since}, pg_current_xact_id()::text::bigint, now())"
)
LOG_SELECT = (
    "INSERT INTO reports_reportchange (store_id, changed_from, xid, created_at) "
    "SELECT {store}, {since}, pg_current_xact_id()::text::bigint, now()"
)
TIMES = (
    "resolved_at",
    "closed_at",
    "acknowledged_at",
    "clock_paused_at",
    "ack_due_at",
    "resolve_due_at",
)
RECEIVED_WEEK = (
    "{r}.store_id, {r}.received_at, {r}.category_id, {r}.channel, {r}.responsible_department,"
    " {r}.customer_id, {r}.product_batch, {r}.product_sku, {r}.product_name,"
    " {r}.resolved_on_the_spot, {r}.reopen_count > 0,"
    " coalesce({r}.acknowledged_at <= {r}.ack_due_at, false)"
)


def _row(record: str) -> str:
    return "(" + RECEIVED_WEEK.format(r=record) + ")"


TIME_CHECKS = "\n".join(
    f"  IF OLD.{column} IS DISTINCT FROM NEW.{column} THEN"
    f" since := least(since, OLD.{column}, NEW.{column}); END IF;"
    for column in TIMES
)

COMPLAINT_FUNCTION = f"""
CREATE OR REPLACE FUNCTION report_complaint_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  since timestamptz;
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') AND (TG_OP = 'DELETE' OR OLD.store_id <> NEW.store_id) THEN
    {LOG.format(store="OLD.store_id", since="OLD.received_at")};
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR OLD.store_id <> NEW.store_id) THEN
    {LOG.format(store="NEW.store_id", since="NEW.received_at")};
  END IF;
  IF TG_OP <> 'UPDATE' OR OLD.store_id <> NEW.store_id THEN
    RETURN NULL;
  END IF;
  IF {_row("OLD")} IS DISTINCT FROM {_row("NEW")} THEN
    since := least(OLD.received_at, NEW.received_at);
  END IF;
  IF coalesce(OLD.resolved_at <= OLD.resolve_due_at, false)
     IS DISTINCT FROM coalesce(NEW.resolved_at <= NEW.resolve_due_at, false) THEN
    since := least(since, OLD.resolved_at, NEW.resolved_at);
  END IF;
{TIME_CHECKS}
  IF since IS NOT NULL THEN
    {LOG.format(store="NEW.store_id", since="since")};
  END IF;
  RETURN NULL;
END $$
"""

# Resolutions and survey invitations: their complaint's resolved week.
RESOLVED_WEEK_FUNCTION = f"""
CREATE OR REPLACE FUNCTION report_resolved_week_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[] := ARRAY[]::bigint[];
BEGIN
  IF TG_OP <> 'INSERT' THEN ids := ids || OLD.complaint_id::bigint; END IF;
  IF TG_OP <> 'DELETE' THEN ids := ids || NEW.complaint_id::bigint; END IF;
  {LOG_SELECT.format(store="store_id", since="resolved_at")}
    FROM complaints_complaint WHERE id = ANY(ids) AND resolved_at IS NOT NULL;
  RETURN NULL;
END $$
"""

COMMITMENT_FUNCTION = f"""
CREATE OR REPLACE FUNCTION report_commitment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    {LOG_SELECT.format(store="store_id", since="OLD.due_at")}
      FROM complaints_complaint WHERE id = OLD.complaint_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    {LOG_SELECT.format(store="store_id", since="NEW.due_at")}
      FROM complaints_complaint WHERE id = NEW.complaint_id;
  END IF;
  RETURN NULL;
END $$
"""

STORE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION report_store_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {LOG.format(store="NEW.id", since="'-infinity'")};
  RETURN NULL;
END $$
"""

TRIGGERS = [
    ("complaints_complaint", "report_complaint_changed", "INSERT OR UPDATE OR DELETE"),
    ("resolutions_resolution", "report_resolved_week_changed", "INSERT OR UPDATE OR DELETE"),
    ("followup_surveyinvitation", "report_resolved_week_changed", "INSERT OR UPDATE OR DELETE"),
    ("resolutions_commitment", "report_commitment_changed", "INSERT OR UPDATE OR DELETE"),
    ("complaints_store", "report_store_changed", "UPDATE OF time_zone, currency"),
]
FUNCTIONS = [
    "report_complaint_changed",
    "report_resolved_week_changed",
    "report_commitment_changed",
    "report_store_changed",
]
CREATE = [
    COMPLAINT_FUNCTION,
    RESOLVED_WEEK_FUNCTION,
    COMMITMENT_FUNCTION,
    STORE_FUNCTION,
    *(
        f"CREATE TRIGGER report_change AFTER {events} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        for table, function, events in TRIGGERS
    ),
]
DROP = [
    *(f"DROP TRIGGER IF EXISTS report_change ON {table}" for table, _f, _e in TRIGGERS),
    *(f"DROP FUNCTION IF EXISTS {function}()" for function in FUNCTIONS),
]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_list_order_indexes"),
        ("complaints", "0006_list_search_customer_index"),
        ("resolutions", "0005_commitment_indexes_for_my_work"),
        ("followup", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportSnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.TextField(unique=True)),
                ("store_ids", models.JSONField()),
                ("valid_before", models.DateTimeField()),
                ("taken", models.TextField()),
                ("xid", models.BigIntegerField()),
                ("last_change", models.BigIntegerField()),
                ("payload", models.JSONField()),
                ("created_at", models.DateTimeField()),
            ],
            options={
                "default_permissions": (),
            },
        ),
        migrations.CreateModel(
            name="ReportChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("store_id", models.IntegerField()),
                ("changed_from", models.DateTimeField()),
                ("xid", models.BigIntegerField()),
                ("created_at", models.DateTimeField()),
            ],
            options={
                "default_permissions": (),
                "indexes": [
                    models.Index(fields=["store_id", "changed_from"], name="report_change_store")
                ],
            },
        ),
        run_on_postgresql([], after=CREATE, undo_after=DROP),
    ]

"""The test suite's PostgreSQL backend: Django's, except that flush switches triggers off.

The event log refuses TRUNCATE by a statement trigger (complaints migration 0008), and flush
empties every table with TRUNCATE between transactional tests. The suite connects as a
superuser, which alone may set `session_replication_role` for its transaction; the app's
roles never can, so outside the tests the log cannot be flushed.
"""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def execute_sql_flush(self, sql_list):
        super().execute_sql_flush(["SET LOCAL session_replication_role = replica", *sql_list])


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

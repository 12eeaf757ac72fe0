"""SQL that only PostgreSQL runs: for migrations, the indexes and triggers the benchmark asked
for (partial, trigram and covering indexes, kept counts), which SQLite (the development
default and the default test database) skips, having no use for them or no way to build them;
for queries, `= ANY(ARRAY(…))`."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import migrations
from django.db.models import BooleanField, Func

Indexes = Sequence[tuple[str, str]]  # (name, CREATE INDEX statement)


def _on_postgresql(statements: Sequence[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


def run_on_postgresql(
    indexes: Indexes,
    *,
    before: Sequence[str] = (),
    after: Sequence[str] = (),
    undo_after: Sequence[str] = (),
) -> migrations.RunPython:
    """Create `indexes` (and run `before`/`after` around them) on PostgreSQL; reversed, undo
    `after` with `undo_after`, then drop the indexes."""
    forward = [*before, *(sql for _name, sql in indexes), *after]
    backward = [*undo_after, *(f"DROP INDEX IF EXISTS {name}" for name, _sql in indexes)]
    return migrations.RunPython(_on_postgresql(forward), _on_postgresql(backward))


class InArray(Func):
    """`expression = ANY(ARRAY(subquery))`: PostgreSQL runs the subquery once and can use the
    expression's index, also inside an OR (`expression IN (subquery)` is there a filter on
    every row). SQLite has no arrays: use `__in` there."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()

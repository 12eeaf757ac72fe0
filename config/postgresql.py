"""SQL that only PostgreSQL runs, for migrations: the indexes and triggers the benchmark asked
for (partial, trigram and covering indexes, kept counts). SQLite (the development default and
the default test database) skips them: it has no use for them or cannot build them."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import migrations

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

"""Seed a response script in English and Chinese for every default category (resolutions.seed)."""

from django.db import migrations

from resolutions.seed import seed_scripts


class Migration(migrations.Migration):
    dependencies = [
        ("resolutions", "0003_decisions_pending_approvals"),
        ("complaints", "0003_roles_categories_append_only_events"),
    ]

    operations = [migrations.RunPython(seed_scripts, migrations.RunPython.noop)]

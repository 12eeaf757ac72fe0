"""SPEC.md's default authority limits: front desk 200, supervisor 2,000, store manager
10,000, head office unlimited (in the store's currency)."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = {
    "Front desk": Decimal("200"),
    "Supervisor": Decimal("2000"),
    "Store manager": Decimal("10000"),
    "Head office": None,
}


def seed_limits(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    limit_model = apps.get_model("resolutions", "AuthorityLimit")
    for role, amount in DEFAULTS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        limit_model.objects.get_or_create(
            role=group, store=None, resolution_type="", defaults={"max_amount": amount}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("resolutions", "0001_initial"),
        ("complaints", "0003_roles_categories_append_only_events"),
    ]

    operations = [migrations.RunPython(seed_limits, migrations.RunPython.noop)]

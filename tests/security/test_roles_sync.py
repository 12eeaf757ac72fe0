"""Regression: re-syncing the role groups on the live app registry must not break it.

`sync_role_groups` used to leave every app's `models_module` at None, so each later
post_migrate (a test database flush, for one) skipped every app: groups, permissions and
content types were never recreated and every browser test after the first failed."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from complaints.roles import ROLES, sync_role_groups

pytestmark = pytest.mark.django_db


def test_syncing_roles_keeps_the_app_registry_intact():
    before = {config.label: config.models_module for config in apps.get_app_configs()}
    sync_role_groups(apps)
    after = {config.label: config.models_module for config in apps.get_app_configs()}
    assert after == before
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)

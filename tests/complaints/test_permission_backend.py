"""The permission backend reads a user's permissions in one query, and gives exactly what
Django's ModelBackend gives: own and group permissions, none for inactive users."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from complaints.auth_backends import OneQueryModelBackend

pytestmark = pytest.mark.django_db


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_one_query_backend_gives_what_model_backend_gives(
    frontdesk, supervisor, hq, django_assert_num_queries
):
    extra = Permission.objects.get(codename="view_weekly_report")
    supervisor.user_permissions.add(extra)
    for user in (frontdesk, supervisor, hq):
        expected = ModelBackend().get_all_permissions(fresh(user))
        user = fresh(user)
        with django_assert_num_queries(1):
            assert OneQueryModelBackend().get_all_permissions(user) == expected
            assert OneQueryModelBackend().get_all_permissions(user) == expected
    assert "reports.view_weekly_report" in OneQueryModelBackend().get_all_permissions(
        fresh(supervisor)
    )


def test_one_query_backend_refuses_inactive_users_and_follows_group_changes(frontdesk):
    group = Group.objects.create(name="Extra")
    group.permissions.add(Permission.objects.get(codename="view_weekly_report"))
    assert not fresh(frontdesk).has_perm("reports.view_weekly_report")
    frontdesk.groups.add(group)
    assert fresh(frontdesk).has_perm("reports.view_weekly_report")
    frontdesk.is_active = False
    frontdesk.save()
    assert OneQueryModelBackend().get_all_permissions(fresh(frontdesk)) == set()
    assert not fresh(frontdesk).has_perm("complaints.view_complaint")

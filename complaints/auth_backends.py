"""The permission backend: Django's ModelBackend, reading a user's permissions in one query.

Every page checks permissions (the navigation, the actions offered), so every request loads
them once. ModelBackend reads them in two queries (the user's own, then their groups'); this
reads the same set in one. Superusers, inactive and anonymous users go through ModelBackend
unchanged, and the result is cached on the user object exactly where ModelBackend caches it.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection


@cache
def _permission_sql() -> str:
    """The user's own permissions and their groups' (the same set as ModelBackend's two
    queries), by the tables' and columns' real names."""
    user_model = get_user_model()
    user_perms = user_model.user_permissions.through._meta
    user_groups = user_model.groups.through._meta
    group_perms = Group.permissions.through._meta

    def column(meta, name: str) -> str:
        return meta.get_field(name).column

    # Table and column names from the models' metadata, never from input: no injection.
    return (
        f"SELECT ct.app_label, p.codename FROM {Permission._meta.db_table} p"  # noqa: S608
        f" JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id"
        f" WHERE p.id IN ("
        f"SELECT {column(user_perms, 'permission')} FROM {user_perms.db_table}"
        f" WHERE {column(user_perms, 'user')} = %s"
        f" UNION SELECT gp.{column(group_perms, 'permission')} FROM {group_perms.db_table} gp"
        f" JOIN {user_groups.db_table} ug"
        f" ON ug.{column(user_groups, 'group')} = gp.{column(group_perms, 'group')}"
        f" WHERE ug.{column(user_groups, 'user')} = %s)"
    )


class OneQueryModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if (
            not user_obj.is_active
            or user_obj.is_anonymous
            or obj is not None
            or user_obj.is_superuser
            or hasattr(user_obj, "_perm_cache")
        ):
            return super().get_all_permissions(user_obj, obj=obj)
        with connection.cursor() as cursor:
            cursor.execute(_permission_sql(), [user_obj.pk, user_obj.pk])
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in cursor}
        return user_obj._perm_cache

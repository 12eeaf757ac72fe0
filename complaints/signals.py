"""Keep the role groups' permissions complete after every migrate (idempotent)."""

from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .roles import sync_role_groups


@receiver(post_migrate, dispatch_uid="complaints.sync_role_groups")
def _sync_roles_after_migrate(sender, app_config=None, using="default", **kwargs) -> None:
    if app_config is not None and app_config.label == "complaints":
        sync_role_groups(global_apps)

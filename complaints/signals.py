"""The complaints app's signals, and its own receivers.

`complaint_event_recorded` is how other apps learn what happened to a complaint: sent once
for every event row written (transition, assignment, note, call, message), inside the
writer's transaction, with `event` (the `ComplaintEvent`). A receiver's writes commit or
roll back with the event; anything that leaves the database (e-mail, SMS, tasks) must be
queued with `transaction.on_commit`. An exception in a receiver rolls the change back.
The follow-up app connects its receivers in `FollowupConfig.ready`.

The app's own receiver keeps the role groups' permissions complete after every migrate.
"""

from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.dispatch import Signal, receiver

from .roles import sync_role_groups

complaint_event_recorded = Signal()


@receiver(post_migrate, dispatch_uid="complaints.sync_role_groups")
def _sync_roles_after_migrate(sender, app_config=None, using="default", **kwargs) -> None:
    if app_config is not None and app_config.label == "complaints":
        sync_role_groups(global_apps)

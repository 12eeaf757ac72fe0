from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from complaints.models import ComplaintEvent
        from complaints.signals import complaint_event_recorded

        from . import receivers

        # In this order: people are notified, then the survey, then the reminders.
        for receiver in (
            receivers.notify_people,
            receivers.follow_up_survey,
            receivers.catch_up_reminders,
        ):
            complaint_event_recorded.connect(
                receiver, sender=ComplaintEvent, dispatch_uid=f"followup.{receiver.__name__}"
            )

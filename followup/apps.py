from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from complaints.models import ComplaintEvent
        from complaints.signals import complaint_event_recorded
        from customers.models import Customer
        from customers.signals import customer_erased

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
        customer_erased.connect(
            receivers.erase_follow_up, sender=Customer, dispatch_uid="followup.erase_follow_up"
        )

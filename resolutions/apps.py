from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResolutionsConfig(AppConfig):
    name = "resolutions"
    verbose_name = _("Resolutions")

    def ready(self) -> None:
        from customers.models import Customer
        from customers.signals import customer_erased

        from . import receivers

        customer_erased.connect(
            receivers.erase_customer_words,
            sender=Customer,
            dispatch_uid="resolutions.erase_customer_words",
        )

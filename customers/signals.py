"""The customers app's signals.

`customer_erased` is sent inside the erasure's transaction, after the customer's own fields
and their words on the complaints are wiped, with `customer` and `complaints` (a queryset of
that customer's complaints). Apps that keep the customer's words or addresses of their own
(the resolutions' requests, follow-up's comments and messages) wipe them in their receivers,
in the same transaction: erasure is all or nothing.
"""

from django.dispatch import Signal

customer_erased = Signal()

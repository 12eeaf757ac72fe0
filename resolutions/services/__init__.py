"""Writes for what the customer gets: propose, settle on the spot, approve, reject or pass up,
record the customer's answer, fulfil, and make and keep commitments.

Each lifecycle step runs the complaint's transition through `complaints.services.transition_run`,
so locking, permission checks and the event log are the same on every path (pages, admin,
tasks). The approval services lock the complaint row first and explain a refusal in the
user's words (four eyes, limit, already decided) before the transition checks it again.

- `offers`: propose, settle on the spot;
- `approvals`: approve, reject, pass up;
- `customer`: the customer's acceptance or refusal;
- `fulfilment`: the fulfilment plan and its tasks;
- `commitments`: promises to the customer.

Callers import from `resolutions.services`; the modules are how it is read.
"""

from .approvals import resolution_approve, resolution_pass_up, resolution_reject
from .commitments import commitment_add, commitment_keep
from .customer import resolution_record_acceptance, resolution_record_decline
from .fulfilment import FULFILMENT_PLAN, fulfilment_complete, fulfilment_task_complete
from .offers import OPEN_OFFER_STATES, resolution_propose, resolution_resolve_on_the_spot

__all__ = [
    "FULFILMENT_PLAN",
    "OPEN_OFFER_STATES",
    "commitment_add",
    "commitment_keep",
    "fulfilment_complete",
    "fulfilment_task_complete",
    "resolution_approve",
    "resolution_pass_up",
    "resolution_propose",
    "resolution_record_acceptance",
    "resolution_record_decline",
    "resolution_reject",
    "resolution_resolve_on_the_spot",
]

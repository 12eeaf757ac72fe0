import pytest

from complaints.models import Status
from resolutions import services as resolution_services

pytestmark = pytest.mark.django_db


def test_a_complaint_walks_from_intake_to_resolved(complaint, frontdesk, supervisor):
    from complaints import services

    services.complaint_acknowledge(complaint_id=complaint.pk, actor=frontdesk)
    services.complaint_investigate(complaint_id=complaint.pk, actor=frontdesk)
    resolution_services.resolution_propose(
        complaint_id=complaint.pk,
        actor=frontdesk,
        type="refund",
        amount="500",
        description="Refund",
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    resolution_services.resolution_approve(complaint_id=complaint.pk, actor=supervisor)
    resolution_services.resolution_record_acceptance(
        complaint_id=complaint.pk, actor=frontdesk, method="verbal"
    )
    task = complaint.resolutions.get().tasks.get()
    resolution_services.fulfilment_task_complete(task_id=task.pk, actor=frontdesk)
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    assert complaint.reference.startswith("SH01-")

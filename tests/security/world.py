"""Two stores full of data, for the access matrix and the hostile-text tests.

`world_build(text=...)` logs, through the services a user's clicks go through, in each store:
a new complaint with an attachment, a note and a commitment; one awaiting approval; one in
fulfilment with an open task; one resolved with a survey sent and a callback queued; plus a
notification for the supervisor. Every free text is `text(field, side)`: marker strings for
the access matrix (so a leak is visible), XSS payloads for the hostile-text tests.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints import services
from tests.factories import CustomerFactory, StoreFactory, leaf_category, staff

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png_upload(name: str = "receipt.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def marker_text(field: str, side: str) -> str:
    """Distinct, searchable text per field and store: `LEAK-bj01-account`."""
    return f"LEAK-{side}-{field.replace('_', '-')}"


@dataclass
class Side:
    code: str
    store: object
    frontdesk: object
    supervisor: object
    manager: object
    objects: dict = field(default_factory=dict)

    @property
    def complaint(self):
        return self.objects["complaint"]

    def markers(self) -> list[str]:
        """Strings that only this store's data contains."""
        return [f"LEAK-{self.code}-", *(c.reference for c in self.complaints())]

    def complaints(self):
        return [self.objects[k] for k in ("complaint", "approval", "fulfilment", "resolved")]


@dataclass
class World:
    own: Side
    other: Side
    hq: object
    nobody: object  # signed in, no role, no store
    text: object

    def side(self, name: str) -> Side:
        return self.own if name == "own" else self.other


def _side(code: str, name: str, text, *, users: dict | None = None) -> Side:
    store = StoreFactory(code=code, name=f"{name} {text('store_name', code)}")
    users = users or {}
    side = Side(
        code=code,
        store=store,
        frontdesk=users.get("frontdesk") or staff("Front desk", store, username=f"fd-{code}"),
        supervisor=users.get("supervisor") or staff("Supervisor", store, username=f"sup-{code}"),
        manager=users.get("manager") or staff("Store manager", store, username=f"mgr-{code}"),
    )
    _fill(side, text)
    return side


def _customer(side: Side, text, suffix: str):
    return CustomerFactory(
        store=side.store,
        name=text("customer_name", side.code) + suffix,
        address=text("customer_address", side.code),
        handling_notes=text("customer_handling_notes", side.code),
    )


def _complaint(side: Side, text, *, suffix: str, **extra):
    return services.complaint_create(
        actor=side.frontdesk,
        store=side.store,
        customer=_customer(side, text, suffix),
        channel="phone",
        category=leaf_category(),
        account=text("account", side.code),
        desired_outcome=text("desired_outcome", side.code),
        product_name=text("product_name", side.code),
        product_sku=text("product_sku", side.code)[:64],
        product_batch=text("product_batch", side.code)[:64],
        receipt_number=text("receipt_number", side.code)[:64],
        **extra,
    )


def _fill(side: Side, text) -> None:
    from resolutions import services as resolution_services
    from resolutions.models import Commitment, FulfilmentTask

    fd, sup = side.frontdesk, side.supervisor
    objects = side.objects

    # A new complaint: attachment, note, verdict, commitment.
    complaint = _complaint(side, text, suffix=" A")
    upload = png_upload(text("attachment_name", side.code)[:80] + ".png")
    upload.detected_type = "image/png"
    upload.safe_name = upload.name
    objects["attachment"] = services.attachment_add(complaint=complaint, actor=fd, upload=upload)
    services.complaint_add_note(complaint_id=complaint.pk, actor=fd, text=text("note", side.code))
    services.complaint_add_note(
        complaint_id=complaint.pk, actor=fd, text=text("call_note", side.code), kind="call"
    )
    services.complaint_record_verdict(
        complaint_id=complaint.pk,
        actor=sup,
        verdict="good_faith",
        root_cause=text("root_cause", side.code),
        responsible_department="sales",
    )
    resolution_services.commitment_add(
        complaint_id=complaint.pk,
        actor=fd,
        description=text("commitment", side.code),
        due_at=timezone.now() + timedelta(days=1),
    )
    objects["complaint"] = complaint
    objects["customer"] = complaint.customer
    objects["commitment"] = Commitment.objects.get(complaint=complaint)

    # Awaiting approval: above the front desk's limit.
    approval = _complaint(side, text, suffix=" B", severity="high")
    services.complaint_acknowledge(complaint_id=approval.pk, actor=fd)
    resolution_services.resolution_propose(
        complaint_id=approval.pk,
        actor=fd,
        type="compensation",
        amount="900",
        description=text("resolution_description", side.code),
        customer_request=text("customer_request", side.code),
    )
    objects["approval"] = approval

    # In fulfilment: an exchange accepted, the warehouse task open.
    fulfilment = _complaint(side, text, suffix=" C")
    services.complaint_acknowledge(complaint_id=fulfilment.pk, actor=fd)
    resolution_services.resolution_propose(
        complaint_id=fulfilment.pk,
        actor=fd,
        type="exchange",
        amount="100",
        description=text("resolution_description", side.code),
    )
    resolution_services.resolution_record_acceptance(
        complaint_id=fulfilment.pk, actor=fd, method="signed"
    )
    objects["fulfilment"] = fulfilment
    objects["task"] = FulfilmentTask.objects.filter(resolution__complaint=fulfilment).first()

    # Resolved on the spot, then a survey and a callback.
    resolved = _complaint(side, text, suffix=" D")
    resolution_services.resolution_resolve_on_the_spot(
        complaint_id=resolved.pk,
        actor=fd,
        type="gift",
        amount="20",
        description=text("resolution_description", side.code),
    )
    objects["resolved"] = resolved
    _follow_up(side, text)
    for key in ("complaint", "approval", "fulfilment", "resolved"):
        objects[key].refresh_from_db()


def _follow_up(side: Side, text) -> None:
    from followup.models import Callback, Notification, SurveyInvitation, SurveyState
    from followup.selectors import token_hash

    resolved = side.objects["resolved"]
    token = secrets.token_urlsafe(32)
    survey = SurveyInvitation.objects.filter(complaint=resolved).first()
    if survey is None:
        survey = SurveyInvitation(complaint=resolved, language="en", channel="sms")
    survey.state = SurveyState.SENT
    survey.token_hash = token_hash(token)
    survey.sent_at = timezone.now()
    survey.expires_at = timezone.now() + timedelta(days=14)
    survey.save()
    side.objects["survey"] = survey
    side.objects["survey_token"] = token
    side.objects["callback"] = Callback.objects.filter(complaint=resolved).first() or (
        Callback.objects.create(complaint=resolved, survey=None, reason="no_consent")
    )
    notification = Notification.objects.filter(recipient=side.supervisor).first()
    if notification is None:
        notification = Notification.objects.create(
            recipient=side.supervisor,
            complaint=side.objects["approval"],
            kind="approval_requested",
            params={"reference": side.objects["approval"].reference},
            url=f"/complaints/{side.objects['approval'].reference}/",
        )
    side.objects["notification"] = notification


def world_build(*, text=marker_text, own_users: dict | None = None) -> World:
    """Both stores; `own_users` lets tests reuse the conftest's role users for store sh01."""
    own = _side("sh01", "Shanghai", text, users=own_users)
    other = _side("bj01", "Beijing", text)
    hq = staff("Head office", username="hq-world")
    nobody = staff("Front desk", username="nobody-world")
    nobody.groups.clear()
    # The category every world complaint is filed under, and its parent.
    leaf = leaf_category()
    for category in (leaf, leaf.parent):
        category.name_en = text("category_name_en", "global")
        category.name_zh = text("category_name_zh", "global")
        category.save()
    return World(own=own, other=other, hq=hq, nobody=nobody, text=text)


__all__ = ["PNG", "Side", "World", "io", "marker_text", "png_upload", "world_build"]

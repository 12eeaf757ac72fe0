"""Follow-up's part of `manage.py load_demo`: the history a running desk would have.

The demo's complaints were played through the services, so surveys were scheduled and
notifications queued as they went; here the past is made to have happened: old messages count
as sent (the first `make run` does not e-mail hundreds of them), and most customers of
complaints resolved more than two days ago have answered their survey.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F

from .models import Delivery, DeliveryStatus, SurveyInvitation, SurveyState
from .surveys import survey_link_expires_at

# How satisfied the demo's customers are: mostly content, a few not (score, solved, weight).
ANSWERS = [(5, True, 34), (4, True, 30), (3, True, 14), (3, False, 6), (2, False, 9), (1, False, 7)]
COMMENTS = {
    "en": ["Quick and friendly, thank you.", "Fine in the end, but it took a while.", ""],
    "zh-hans": ["处理很及时，谢谢。", "最后解决了，但等了挺久。", ""],
}
ANSWER_SHARE = 0.6


def load_demo(ctx) -> None:
    rng = ctx.rng
    Delivery.objects.filter(
        status=DeliveryStatus.PENDING, created_at__lt=ctx.now - timedelta(hours=1)
    ).update(status=DeliveryStatus.SENT, sent_at=F("created_at"))

    scores = [(score, solved) for score, solved, weight in ANSWERS for _ in range(weight)]
    invitations = SurveyInvitation.objects.filter(
        state=SurveyState.SCHEDULED,
        complaint__resolved_at__lt=ctx.now - timedelta(days=2),
    ).select_related("complaint")
    answered, silent = [], []
    for invitation in invitations:
        if rng.random() > ANSWER_SHARE:
            silent.append(invitation.pk)  # asked long ago, never answered: follow-up is over
            continue
        sent_at = invitation.complaint.resolved_at + timedelta(hours=24)
        score, solved = rng.choice(scores)
        invitation.state = SurveyState.ANSWERED
        invitation.sent_at = sent_at
        invitation.expires_at = survey_link_expires_at(sent_at=sent_at)
        invitation.answered_at = sent_at + timedelta(hours=rng.randint(1, 40))
        invitation.satisfaction = score
        invitation.solved = solved
        invitation.comment = rng.choice(COMMENTS.get(invitation.language, COMMENTS["en"]))
        invitation.send_due_at = invitation.callback_due_at = invitation.close_due_at = None
        answered.append(invitation)
    SurveyInvitation.objects.bulk_update(
        answered,
        [
            "state",
            "sent_at",
            "expires_at",
            "answered_at",
            "satisfaction",
            "solved",
            "comment",
            "send_due_at",
            "callback_due_at",
            "close_due_at",
        ],
    )
    SurveyInvitation.objects.filter(pk__in=silent).update(
        state=SurveyState.CANCELLED, send_due_at=None, callback_due_at=None, close_due_at=None
    )
    ctx.counts["survey answers"] += len(answered)

from django.urls import path

from . import views

app_name = "resolutions"

urlpatterns = [
    path("approvals/", views.ApprovalQueueView.as_view(), name="approvals"),
    path("scripts/", views.scripts, name="scripts"),
    path("scripts/hint/", views.script_hint, name="script_hint"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("commitments/<int:pk>/kept/", views.commitment_kept, name="commitment_kept"),
    path("<str:reference>/propose/", views.propose, name="propose"),
    path("<str:reference>/approve/", views.approve, name="approve"),
    path("<str:reference>/reject/", views.reject, name="reject"),
    path("<str:reference>/pass-up/", views.pass_up, name="pass_up"),
    path("<str:reference>/accept/", views.accept, name="accept"),
    path("<str:reference>/decline/", views.decline, name="decline"),
    path("<str:reference>/commitments/", views.commitment_add, name="commitment_add"),
    path("<str:reference>/agreement/", views.agreement, name="agreement"),
]
